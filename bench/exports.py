"""Benchmark of the decision exports at 100,000 lines, against Python's csv module as the floor.

The floor is ``csv.writer`` writing the same 100,000 rows from memory into a string: the least any CSV
export has to do. The export adds neutralisation of every text cell, Decimal formatting with the Dutch
decimal comma, UTF-8 encoding and streaming in chunks, so "under 3x the floor" says those cost little.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import os
import random
import tempfile
from decimal import Decimal

from allocations.exports.writers import Column, stream_csv, write_xlsx
from bench.common import emit, median_time

LINES = 100_000
CSV_TARGET = 1.0
CSV_FLOOR_TARGET = 3.0
XLSX_TARGET = 30.0
REPEAT = 5

COLUMNS = [
    Column("cbs_code", "CBS-code"),
    Column("municipality", "Gemeente"),
    Column("province", "Provincie"),
    Column("networks", "Netwerken"),
    Column("reference", "Aanvraag"),
    Column("requested", "Aangevraagd", kind="money", total=True),
    Column("points_review", "Punten beoordeling", kind="decimal"),
    Column("points_need", "Punten noodzaak", kind="decimal"),
    Column("points_bonus", "Punten bonus", kind="decimal"),
    Column("points_total", "Punten totaal", kind="decimal"),
    Column("rank", "Rang", kind="integer"),
    Column("awarded", "Toegekend", kind="money", total=True),
    Column("decision", "Besluit"),
    Column("reason", "Reden (code)"),
    Column("reason_text", "Reden (Nederlandse tekst)"),
    Column("number", "Besluitnummer"),
    Column("decided_on", "Besluitdatum", kind="date"),
    Column("letter_hash", "SHA-256 beschikking"),
]


def make_rows(count: int = LINES, seed: int = 2026) -> list[tuple]:
    """Rows shaped like a national run's decisions, some with hostile project titles."""
    rng = random.Random(seed)
    provinces = ["Utrecht", "Noord-Holland", "Zuid-Holland", "Fryslân", "Limburg"]
    rows = []
    for number in range(count):
        requested = Decimal(rng.randint(20_000_00, 2_000_000_00)) / 100
        awarded = min(requested, Decimal(rng.randint(0, 1_500_000_00)) / 100)
        review, need, bonus = (Decimal(rng.randint(0, 400)) / 10 for _ in range(3))
        title = rng.choice(["Wijkaanpak", '=HYPERLINK("x")', "Groen & veilig", "-2+3", "Wijk\u202eplan"])
        rows.append(
            (
                f"GM{rng.randint(1, 1999):04d}",
                f"Gemeente {number}",
                rng.choice(provinces),
                "NPLV, M50",
                f"{title} {number}",
                requested,
                review,
                need,
                bonus,
                review + need + bonus,
                number + 1,
                awarded,
                "toegekend" if awarded else "afgewezen",
                "full" if awarded else "budget_exhausted",
                "volledig toegekend" if awarded else "niet toegekend: het budget raakte op bij plaats 2.345",
                f"NPLV-2026-{number + 1:06d}",
                dt.date(2026, 11, 2),
                f"{rng.getrandbits(256):064x}",
            )
        )
    return rows


def floor_csv(rows: list[tuple]) -> int:
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    return len(buffer.getvalue())


def export_csv(rows: list[tuple]) -> int:
    return sum(len(chunk) for chunk in stream_csv(COLUMNS, iter(rows), separator="semicolon"))


def export_xlsx(rows: list[tuple]) -> int:
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "export.xlsx")
        write_xlsx(path, COLUMNS, iter(rows), totals_label="Totaal")
        return os.path.getsize(path)


def run() -> None:
    rows = make_rows()
    print(f"bench.exports: {len(rows):,} decision lines; median of {REPEAT} runs (XLSX: 1)", flush=True)
    floor = median_time(lambda: floor_csv(rows), repeat=REPEAT)
    seconds = median_time(lambda: export_csv(rows), repeat=REPEAT)
    emit("export_csv_100k", seconds, "s", target=CSV_TARGET, floor=floor)
    emit("export_csv_100k_vs_floor", seconds / floor, "x", target=CSV_FLOOR_TARGET, floor=1.0)
    xlsx = median_time(lambda: export_xlsx(rows), repeat=1, warmup=0)
    emit("export_xlsx_100k", xlsx, "s", target=XLSX_TARGET, floor=floor)
