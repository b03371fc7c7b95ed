"""Where a PDF's words are printed, read with pdftotext: to prove that every text fits its page.

Text that runs off the right edge is still in the page's content stream, with positions beyond the page
box, so a word's box from ``pdftotext -bbox`` shows it even where a viewer would cut it off.
"""

from __future__ import annotations

import html
import re
import subprocess
from dataclasses import dataclass

MM = 72 / 25.4  # points per millimetre

_PAGE = re.compile(r'<page width="([\d.]+)" height="([\d.]+)">(.*?)</page>', re.S)
_WORD = re.compile(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">(.*?)</word>', re.S)


@dataclass(frozen=True)
class Word:
    page: int
    text: str
    x_min: float  # points from the page's left edge
    x_max: float
    y_min: float
    y_max: float
    page_width: float
    page_height: float


def words(data: bytes) -> list[Word]:
    """Every word of the PDF with its box, in points (pdftotext -bbox: the mediabox of each page)."""
    out = subprocess.run(["pdftotext", "-bbox", "-enc", "UTF-8", "-", "-"], input=data, capture_output=True, check=True)
    found = []
    for number, (width, height, body) in enumerate(_PAGE.findall(out.stdout.decode()), start=1):
        for x_min, y_min, x_max, y_max, text in _WORD.findall(body):
            found.append(
                Word(
                    number,
                    html.unescape(text),
                    float(x_min),
                    float(x_max),
                    float(y_min),
                    float(y_max),
                    float(width),
                    float(height),
                )
            )
    return found


def outside(data: bytes, *, right_mm: float = 0.0, left_mm: float = 0.0) -> list[Word]:
    """The words that reach into the outer ``right_mm`` / ``left_mm`` of their page, or beyond its box."""
    return [
        w
        for w in words(data)
        if w.x_max > w.page_width - right_mm * MM or w.x_min < left_mm * MM or w.y_min < 0 or w.y_max > w.page_height
    ]
