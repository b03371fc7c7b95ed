"""Benchmark of one award letter (PDF/A-2A) against a minimal one-paragraph PDF/A as the floor.

The floor is WeasyPrint rendering one paragraph as PDF/A-2A in the same process, with the same cached
font configuration and print stylesheet (so the same embedded font and page furniture): the least any
archival letter costs. The ratio says what the letter's three pages of text, tables and tagging add to
WeasyPrint's fixed cost, whatever the machine's speed.
"""

from __future__ import annotations

import os

from bench.common import emit, median_time

SECONDS_TARGET = 0.1
FLOOR_TARGET = 2.5
REPEAT = 15

FLOOR_HTML = """<!DOCTYPE html><html lang="nl"><head><meta charset="utf-8"><title>Vloer</title>
<meta name="dcterms.created" content="2026-03-16"><meta name="dcterms.modified" content="2026-03-16">
</head><body><p>Een alinea tekst als ondergrens voor een archiefwaardige brief.</p></body></html>"""


def _setup_django() -> None:
    import django
    from django.apps import apps

    if not apps.ready:
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "nplvportal.settings")
        django.setup()


def run() -> None:
    _setup_django()
    from allocations.letters import pdf
    from allocations.letters.content import Kind
    from allocations.letters.samples import sample_content

    content = sample_content(Kind.PARTIAL)
    print(f"bench.letters: one partial-award letter vs a one-paragraph PDF/A; median of {REPEAT} runs", flush=True)
    floor = median_time(lambda: pdf.render_pdf(FLOOR_HTML), repeat=REPEAT, warmup=2)
    seconds = median_time(lambda: pdf.letter_pdf(content), repeat=REPEAT, warmup=2)
    emit("letter_floor", floor, "s", target=SECONDS_TARGET, floor=floor)
    emit("letter_one", seconds, "s", target=SECONDS_TARGET, floor=floor)
    emit("letter_one_vs_floor", seconds / floor, "x", target=FLOOR_TARGET, floor=1.0)
