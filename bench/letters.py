"""Benchmark of one award letter (PDF/A-2A) against the same number of pages of plain paragraphs as its floor.

The floor is WeasyPrint rendering plain paragraphs (no tables, no letterhead, no motivation logic) that fill
as many pages as the letter has, as PDF/A-2A in the same process, with the same cached font configuration and
print stylesheet: what the renderer costs for that much text anyway. The ratio says what the letter's
tables, layout and tagging add, whatever the machine's speed (the target: under 2×). The batch renders 342
letters on two worker processes and states its parallel efficiency: the workers' CPU time per worker against
the wall time (the target: above 90%).
"""

from __future__ import annotations

import os

from bench.common import emit, median_time

SECONDS_TARGET = 0.1
FLOOR_TARGET = 2.0
EFFICIENCY_TARGET = 90.0
REPEAT = 15

HEAD = """<!DOCTYPE html><html lang="nl"><head><meta charset="utf-8"><title>Vloer</title>
<meta name="dcterms.created" content="2026-03-16"><meta name="dcterms.modified" content="2026-03-16">
</head><body>"""
PARAGRAPH = "<h2>Kop</h2><p>" + "Dit is een zin van gewone lengte in een brief van het ministerie. " * 6 + "</p>"


def _setup_django() -> None:
    import django
    from django.apps import apps

    if not apps.ready:
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "nplvportal.settings")
        django.setup()


def plain_pages_html(pdf, pages: int) -> str:
    """Plain paragraphs that fill exactly ``pages`` pages in the letter's renderer and stylesheet (the most
    paragraphs that still fit them, so the last page is full like a letter's usually is not: a fair floor)."""
    count = 1
    while len(_pages(pdf, _plain(count + 1))) <= pages:
        count += 1
    return _plain(count)


def _plain(paragraphs: int) -> str:
    return f"{HEAD}{PARAGRAPH * paragraphs}</body></html>"


def run() -> None:
    _setup_django()
    from allocations.letters import pdf
    from allocations.letters.content import Kind
    from allocations.letters.samples import sample_content

    content = sample_content(Kind.PARTIAL)
    letter_pages = len(_pages(pdf, pdf.letter_html(content)))
    plain = plain_pages_html(pdf, letter_pages)
    print(
        f"bench.letters: one partial-award letter ({letter_pages} pages) vs {letter_pages} pages of plain "
        f"paragraphs in the same renderer; median of {REPEAT} runs",
        flush=True,
    )
    floor = median_time(lambda: pdf.render_pdf(plain), repeat=REPEAT, warmup=2)
    seconds = median_time(lambda: pdf.letter_pdf(content), repeat=REPEAT, warmup=2)
    emit("letter_floor", floor, "s", target=SECONDS_TARGET, floor=floor)
    emit("letter_one", seconds, "s", target=SECONDS_TARGET, floor=floor)
    emit("letter_one_vs_floor", seconds / floor, "x", target=FLOOR_TARGET, floor=1.0)
    floor_cpu = median_cpu(lambda: pdf.render_pdf(plain))
    letter_cpu = median_cpu(lambda: pdf.letter_pdf(content))
    print(
        f"INFO letter CPU time (what an idle machine would take): plain pages {floor_cpu:.3f} s, "
        f"letter {letter_cpu:.3f} s, {letter_cpu / floor_cpu:.2f}x; load average {_load()}",
        flush=True,
    )
    run_batch()


def _pages(pdf, html: str) -> list:
    import io

    from pypdf import PdfReader

    return list(PdfReader(io.BytesIO(pdf.render_pdf(html))).pages)


def median_cpu(fn, *, repeat: int = REPEAT) -> float:
    """Median CPU time of ``fn`` in this process: unlike wall time, other work on a shared machine does not
    inflate it, so it shows what the code costs when the wall-time figures are blurred by load."""
    import gc
    import statistics
    import time

    fn()
    times = []
    for _ in range(repeat):
        gc.collect()
        start = time.process_time()
        fn()
        times.append(time.process_time() - start)
    return statistics.median(times)


def _load() -> str:
    try:
        return " ".join(f"{value:.2f}" for value in os.getloadavg())
    except OSError:
        return "unknown"


BATCH = 342
BATCH_TARGET = 20.0


def _render_one(index: int) -> tuple[int, str, float]:
    """One municipality's letter, rendered, hashed and written as a worker would (files, not the database).

    Returns the worker's process id, the letter's hash and the CPU time it took.
    """
    import dataclasses
    import hashlib
    import tempfile
    import time
    from pathlib import Path

    from allocations.letters import pdf
    from allocations.letters.content import Addressee, Kind
    from allocations.letters.samples import sample_content

    cpu = time.process_time()
    kind = (Kind.AWARD, Kind.PARTIAL, Kind.REFUSAL)[index % 3]
    content = sample_content(kind, requested_cents=10_000_000 + index * 12_345)
    content = dataclasses.replace(
        content,
        decision_number=f"NPLV-2026-KW-{index:06d}",
        addressee=Addressee(f"Gemeente {index}", (f"Postbus {index + 1}", "1234 AB PLAATS")),
    )
    data = pdf.letter_pdf(content)
    target = Path(tempfile.gettempdir()) / f"nplv-bench-letter-{os.getpid()}.pdf"
    target.write_bytes(data)
    return os.getpid(), hashlib.sha256(data).hexdigest(), time.process_time() - cpu


def _worker_init() -> None:
    _setup_django()
    from allocations.letters import pdf

    pdf.letter_pdf  # noqa: B018 - import in the worker, as a Celery worker does at start
    _render_one(0)  # warm the font configuration and stylesheet once per process, as a long-lived worker has


def run_batch() -> None:
    """342 letters (one per municipality) on 2 worker processes, each with its own cached resources.

    This times rendering, hashing and writing; the job rows and the broker add little per letter and are
    exercised by the fault test with a real worker instead.
    """
    import multiprocessing
    import time

    context = multiprocessing.get_context("spawn")
    with context.Pool(2, initializer=_worker_init) as pool:
        pool.map(_render_one, range(2))  # both workers up and warm before the clock starts
        start = time.perf_counter()
        results = pool.map(_render_one, range(BATCH), chunksize=4)
        seconds = time.perf_counter() - start
    workers = {pid for pid, _, _ in results}
    assert len({digest for _, digest, _ in results}) == BATCH
    assert len(workers) == 2, "the batch must run on both worker processes"
    cpu = sum(cpu for _, _, cpu in results)
    per_letter = seconds / BATCH
    # Each worker's share of the CPU time against the wall time: 100% when both worked all the time. Below it
    # is waiting: on each other (chunks handed out unevenly), on the pool, or on other work of the machine.
    efficiency = 100 * (cpu / len(workers)) / seconds
    print(
        f"INFO batch: {BATCH} letters on {len(workers)} processes, {cpu:.1f} s CPU in the workers "
        f"({cpu / BATCH:.3f} s per letter, {cpu / 2:.1f} s per worker); load average {_load()}",
        flush=True,
    )
    emit("letters_342_2workers", seconds, "s", target=BATCH_TARGET, floor=per_letter)
    emit(
        "letters_342_2workers_efficiency",
        efficiency,
        "%",
        target=EFFICIENCY_TARGET,
        floor=100.0,
        higher_is_better=True,
    )
