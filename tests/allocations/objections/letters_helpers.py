"""Shared set-up for the objection letters' tests: the demo's tie, a case on it, and the printed text of a letter."""

from __future__ import annotations

import datetime
import os
import re
import subprocess

from allocations.objections.letter_models import ObjectionLetter
from allocations.runs import reconsideration_services
from tests.allocations.objections.conftest import LETTERS_GROUNDS as GROUNDS
from tests.allocations.objections.conftest import LETTERS_RECEIVED as RECEIVED
from tests.allocations.objections.conftest import at

__all__ = ["GROUNDS", "RECEIVED", "long_day", "pdf_text", "received_at", "reconsider"]

WEEKDAYS = ("maandag", "dinsdag", "woensdag", "donderdag", "vrijdag", "zaterdag", "zondag")
MONTHS = ("januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september", "oktober",
          "november", "december")  # fmt: skip


def long_day(day: datetime.date) -> str:
    """A day as the letters print a term's last day: maandag 7 juni 2027."""
    return f"{WEEKDAYS[day.weekday()]} {day.day} {MONTHS[day.month - 1]} {day.year}"


def pdf_text(letter: ObjectionLetter) -> str:
    """The printed words of a stored letter (pdftotext), every whitespace run as one space."""
    with letter.file.open("rb") as handle:
        data = handle.read()
    if os.environ.get("DUMP_LETTERS"):  # a directory: keep each letter's PDF there, to render and look at it
        name = f"{letter.case.number}-{letter.kind}-{letter.case.outcome or 'open'}.pdf"
        with open(os.path.join(os.environ["DUMP_LETTERS"], name), "wb") as out:
            out.write(data)
    out = subprocess.run(["pdftotext", "-enc", "UTF-8", "-", "-"], input=data, capture_output=True, check=True)
    return re.sub(r"\s+", " ", out.stdout.decode()).replace("\u00a0", " ")


def reconsider(run, application, administrator, score: str = "64.50"):
    return reconsideration_services.reconsider(
        run=run,
        application=application,
        corrections={"points": {"reviewer_score": score}},
        reason="Telfout in een criterium.",
        by=administrator,
    )


def received_at() -> datetime.datetime:
    return at(RECEIVED)
