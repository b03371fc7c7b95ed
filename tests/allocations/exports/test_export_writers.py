"""The export writers: formula injection neutralised, typed cells, Dutch decimals, constant memory."""

import csv
import datetime as dt
import io
import tracemalloc
from decimal import Decimal
from zoneinfo import ZoneInfo

import openpyxl
import pytest

from accounts.text_safety import neutralise
from allocations.exports.writers import BOM, Column, stream_csv, write_xlsx

COLUMNS = [
    Column("name", "Gemeente"),
    Column("project", "Project"),
    Column("decided", "Besluitdatum", kind="date"),
    Column("rank", "Rang", kind="integer"),
    Column("points", "Punten", kind="decimal"),
    Column("awarded", "Toegekend", kind="money", total=True),
]
HOSTILE = [
    (
        "Nieuwegein",
        '=HYPERLINK("http://evil.example","klik")',
        dt.date(2026, 11, 2),
        1,
        Decimal("71.5"),
        Decimal("250000.00"),
    ),
    ("Helmond", "@SUM(1)", dt.date(2026, 11, 2), 2, Decimal("64.0"), Decimal("1234567.89")),
    ("Amsterdam", "-2+3", dt.date(2026, 11, 3), 3, Decimal("60.25"), Decimal("-125.50")),
    ("Den Helder", "\t=1", dt.date(2026, 11, 3), 4, Decimal("12"), Decimal("0.01")),
    ("+31 Zaanstad", "|cmd", None, None, None, None),
]
TOTAL = Decimal("250000.00") + Decimal("1234567.89") - Decimal("125.50") + Decimal("0.01")


def read_csv(chunks, delimiter=","):
    data = b"".join(chunks)
    assert data.startswith(BOM.encode("utf-8"))
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=delimiter))


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ('=HYPERLINK("http://x","y")', '\'=HYPERLINK("http://x","y")'),
        ("@SUM(1)", "'@SUM(1)"),
        ("-2+3", "'-2+3"),
        ("+2", "'+2"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("|cmd", "'|cmd"),
        ("%APPDATA%", "'%APPDATA%"),
        ("Nieuwegein", "Nieuwegein"),
        ("a=b", "a=b"),
        ("", ""),
    ],
)
def test_neutralise_prefixes_dangerous_text(value, expected):
    assert neutralise(value) == expected


@pytest.mark.parametrize("value", [Decimal("-125.50"), -3, 2.5, None, dt.date(2026, 1, 1)])
def test_neutralise_leaves_non_text_alone(value):
    assert neutralise(value) is value


def test_csv_neutralises_text_and_keeps_numbers():
    rows = read_csv(stream_csv(COLUMNS, HOSTILE))
    assert rows[0] == ["Gemeente", "Project", "Besluitdatum", "Rang", "Punten", "Toegekend"]
    assert rows[1][1] == '\'=HYPERLINK("http://evil.example","klik")'
    assert rows[2][1] == "'@SUM(1)"
    assert rows[3][1] == "'-2+3"
    assert rows[4][1] == "'\t=1"
    assert rows[5][0] == "'+31 Zaanstad"
    assert rows[5][1] == "'|cmd"
    # The negative amount is a number, not text with a quote in front of it.
    assert rows[3][5] == "-125.50"
    assert rows[1][2] == "2026-11-02"
    assert rows[5][2:] == ["", "", "", ""]
    assert sum(Decimal(r[5]) for r in rows[1:] if r[5]) == TOTAL


def test_csv_dutch_option_uses_semicolons_and_decimal_commas():
    data = b"".join(stream_csv(COLUMNS, HOSTILE, separator="semicolon", totals_label="Totaal"))
    text = data.decode("utf-8-sig")
    assert text.splitlines()[0] == "Gemeente;Project;Besluitdatum;Rang;Punten;Toegekend"
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert rows[2][4:] == ["64,0", "1234567,89"]
    assert rows[3][5] == "-125,50"
    assert rows[-1][0] == "Totaal"
    assert Decimal(rows[-1][5].replace(",", ".")) == TOTAL
    assert "." not in "".join(r[5] for r in rows[1:])


def test_csv_comma_option_quotes_text_holding_the_separator():
    rows = read_csv(stream_csv([Column("a", "Naam")], [("Bergen (NH.), Noord-Holland",)]))
    assert rows[1] == ["Bergen (NH.), Noord-Holland"]


def test_xlsx_has_typed_cells_no_formulas_from_text_and_exact_totals(tmp_path):
    path = tmp_path / "export.xlsx"
    totals = write_xlsx(str(path), COLUMNS, iter(HOSTILE), sheet_name="Besluiten", totals_label="Totaal")
    assert totals == {"awarded": TOTAL}

    sheet = openpyxl.load_workbook(path)["Besluiten"]
    assert [c.value for c in sheet[1]] == [c.header for c in COLUMNS]
    assert sheet.freeze_panes == "A2"
    projects = [sheet.cell(row=r, column=2) for r in range(2, 7)]
    assert all(cell.data_type == "s" for cell in projects)
    assert [c.value for c in projects] == [
        '\'=HYPERLINK("http://evil.example","klik")',
        "'@SUM(1)",
        "'-2+3",
        "'\t=1",
        "'|cmd",
    ]
    awarded = [sheet.cell(row=r, column=6) for r in range(2, 6)]
    assert all(cell.data_type == "n" for cell in awarded)
    assert awarded[2].value == -125.5
    assert "€" in awarded[0].number_format
    assert sheet.cell(row=2, column=3).is_date
    assert sheet.cell(row=2, column=3).value.date() == dt.date(2026, 11, 2)
    # The only formula in the workbook is our own SUM in the totals row.
    formulas = [c.coordinate for row in sheet.iter_rows() for c in row if c.data_type == "f"]
    assert formulas == ["F7"]
    assert sheet["A7"].value == "Totaal"

    cached = openpyxl.load_workbook(path, data_only=True)["Besluiten"]
    assert Decimal(str(cached["F7"].value)) == TOTAL
    summed = sum(Decimal(str(cached.cell(row=r, column=6).value)) for r in range(2, 6))
    assert summed.quantize(Decimal("0.01")) == TOTAL


def test_xlsx_writes_datetimes_in_amsterdam_time(tmp_path):
    path = tmp_path / "times.xlsx"
    moment = dt.datetime(2026, 7, 1, 10, 0, tzinfo=dt.UTC)
    write_xlsx(str(path), [Column("at", "Moment", kind="datetime")], [(moment,)])
    value = openpyxl.load_workbook(path).active["A2"].value
    assert value == moment.astimezone(ZoneInfo("Europe/Amsterdam")).replace(tzinfo=None)


def test_xlsx_reports_progress(tmp_path):
    seen = []
    rows = ((f"G{i}", i) for i in range(12))
    write_xlsx(
        str(tmp_path / "p.xlsx"),
        [Column("a", "A"), Column("n", "N", kind="integer")],
        rows,
        on_progress=seen.append,
        progress_every=5,
    )
    assert seen == [5, 10]


def _stream_peak(lines):
    """Bytes written and the peak of traced memory while streaming ``lines`` rows built on the fly."""

    def rows():
        for i in range(lines):
            yield (f"Gemeente {i}", f"=project {i}", dt.date(2026, 1, 1), i, Decimal("50.5"), Decimal(i) / 100)

    tracemalloc.start()
    try:
        size = count = 0
        for chunk in stream_csv(COLUMNS, rows(), separator="semicolon"):
            size += len(chunk)
            count += 1
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return size, count, peak


def test_csv_of_100k_lines_streams_in_constant_memory():
    size, count, peak = _stream_peak(100_000)
    assert count > 50  # it really came in pieces
    assert size > 5_000_000
    # About one batch of 1,000 rows and its text: a small fraction of the 6 MB of output.
    assert peak < 1_500_000, f"peak {peak} bytes for {size} bytes of output"
    assert peak < size / 4
    # Ten times the lines, about the same peak: the memory does not grow with the export.
    _size, _count, small_peak = _stream_peak(10_000)
    assert peak < small_peak * 1.5


def test_csv_money_always_has_two_decimals_and_lazy_text_is_neutralised():
    from django.utils.functional import lazy

    lazy_text = lazy(lambda: "=1+1", str)()
    columns = [Column("label", "Label"), Column("amount", "Bedrag", kind="money")]
    rows = [(lazy_text, Decimal("1E+2")), ("x", Decimal("1234.567")), ("y", 5), (7, Decimal("-0.5"))]
    data = read_csv(stream_csv(columns, rows))
    assert data[1:] == [["'=1+1", "100.00"], ["x", "1234.57"], ["y", "5.00"], ["7", "-0.50"]]


def test_csv_rejects_a_row_of_the_wrong_width():
    with pytest.raises(ValueError, match="2 cells for 1 columns"):
        b"".join(stream_csv([Column("a", "A")], [("one", "two")]))
