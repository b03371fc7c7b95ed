"""Archival PDFs (PDF/A-2A: archival and tagged in one) from letter HTML, with WeasyPrint.

A worker renders hundreds of letters, so the font configuration and the compiled print stylesheet are
made once per process and reused. Resources come only from the project's static files and ``data:``
URLs: a letter never reaches the network or the rest of the disk, whatever its text says. The output is
deterministic (dates come from the HTML, the file identifier from the content), so the same decision and
text version give the same bytes and a redelivered task can compare hashes instead of writing again.
"""

from __future__ import annotations

import atexit
import functools
import re
from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.conf import settings

#: The print stylesheet of every letter, relative to the static files.
STYLESHEET = "css/letter.css"
PDF_VARIANT = "pdf/a-2a"


class StaticOnlyFetcher:
    """Serves ``data:`` URLs and files below the static roots; refuses everything else.

    Built lazily on WeasyPrint's own fetcher so the refusal happens before any I/O.
    """

    def __init__(self, roots: list[Path]) -> None:
        from weasyprint.urls import URLFetcher

        self.roots = [root.resolve() for root in roots]
        self._inner = URLFetcher(allowed_protocols={"data", "file"}, fail_on_errors=True)

    def allows(self, url: str) -> bool:
        parts = urlsplit(url)
        if parts.scheme == "data":
            return True
        if parts.scheme != "file" or parts.netloc not in ("", "localhost"):
            return False
        path = Path(unquote(parts.path)).resolve()
        return path.is_file() and any(path.is_relative_to(root) for root in self.roots)

    def fetch(self, url: str, headers=None):
        if not self.allows(url):
            raise ValueError(f"Letter resources come only from the static files: {url[:80]}")
        return self._inner.fetch(url, headers)

    def __call__(self, url: str):
        return self.fetch(url)


def static_roots() -> list[Path]:
    roots = [Path(directory) for directory in settings.STATICFILES_DIRS]
    if settings.STATIC_ROOT:
        roots.append(Path(settings.STATIC_ROOT))
    return [root for root in roots if root.is_dir()]


def static_base_url() -> str:
    """Relative URLs in a letter (the emblem, fonts) resolve against the first static root."""
    return static_roots()[0].resolve().as_uri() + "/"


@functools.cache
def _resources():
    """One font configuration, fetcher and compiled stylesheet per process (cleared by ``reset``)."""
    from weasyprint import CSS
    from weasyprint.text.fonts import FontConfiguration

    font_config = FontConfiguration()
    fetcher = StaticOnlyFetcher(static_roots())
    stylesheet_url = static_base_url() + STYLESHEET
    stylesheet = CSS(url=stylesheet_url, url_fetcher=fetcher, font_config=font_config)
    images: dict = {}  # the emblem is read and parsed once per process, not once per letter
    return font_config, fetcher, stylesheet, images


def reset() -> None:
    """Forget the cached resources (after the stylesheet or the static roots change, in tests)."""
    _resources.cache_clear()


# Free the font configuration while the interpreter is still whole (its finaliser needs its module).
atexit.register(reset)


def render_pdf(html: str, *, stylesheet: bool = True) -> bytes:
    """Render letter HTML to PDF/A-2A bytes.

    The HTML must carry ``<html lang>``, a ``<title>`` and ``dcterms.created``/``dcterms.modified`` meta
    tags (fixed from the decision, never the clock), which is what makes the output byte-identical.
    """
    from weasyprint import HTML

    font_config, fetcher, compiled, images = _resources()
    document = HTML(string=html, base_url=static_base_url(), url_fetcher=fetcher)
    return document.write_pdf(
        stylesheets=[compiled] if stylesheet else [],
        font_config=font_config,
        pdf_variant=PDF_VARIANT,
        uncompressed_pdf=False,
        cache=images,
    )


#: Whitespace at the start or end of a paragraph or list item: the template's line breaks between its tags.
_EDGE_SPACE = re.compile(r"(<(?:p|li)\b[^>]*>)\s+|\s+(</(?:p|li)>)")


def letter_html(content, *, draft: bool = False) -> str:
    """The letter's HTML, always in Dutch; every value is escaped by the template engine.

    Paragraphs lose the whitespace at their edges: with a trailing space WeasyPrint (with this system's Pango)
    sometimes breaks a line one word early, leaving a single word on a line of its own.
    """
    from django.template.loader import render_to_string
    from django.utils import translation

    with translation.override("nl"):
        html = render_to_string(
            "allocations/letters/letter.html",
            {
                "letter": content,
                "emblem": settings.LETTER_EMBLEM,
                "created": content.letter_date.isoformat(),
                "draft": draft,
            },
        )
    return _EDGE_SPACE.sub(lambda m: m.group(1) or m.group(2), html)


def letter_pdf(content, *, draft: bool = False) -> bytes:
    """The letter as PDF/A-2A bytes; the same content gives the same bytes. A ``draft`` (a preview) carries
    CONCEPT on every page, so it can never pass for a decision."""
    return render_pdf(letter_html(content, draft=draft))
