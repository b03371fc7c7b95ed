"""Two runs of a call side by side: per municipality, per network and per pot, with an SVG chart.

Four queries whatever the number of lines: the two runs' lines (with their municipality) and the
memberships of those municipalities.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from xml.sax.saxutils import escape

from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.money import euros
from accounts.networks import NETWORK_ORDER, NO_NETWORK, groups, label
from accounts.templatetags.portal import format_euro
from allocations.runs.models import AllocationRun
from allocations.runs.selectors import lines_of, networks_in_call

ZERO = Decimal("0.00")


@dataclass
class Row:
    key: str
    label: str
    requested: Decimal = ZERO
    award_a: Decimal = ZERO
    award_b: Decimal = ZERO

    @property
    def difference(self) -> Decimal:
        return self.award_b - self.award_a


@dataclass
class Side:
    """One application in one run: where it ranked, its points, what it got and the stored ground why."""

    rank: int | None
    points: Decimal | None
    awarded: Decimal
    reason: str


@dataclass
class LineRow:
    """One application in both runs (a side is None where the run did not include it)."""

    reference: str
    label: str
    requested: Decimal
    a: Side | None = None
    b: Side | None = None

    @property
    def award_a(self) -> Decimal:
        return self.a.awarded if self.a else ZERO

    @property
    def award_b(self) -> Decimal:
        return self.b.awarded if self.b else ZERO

    @property
    def difference(self) -> Decimal:
        return self.award_b - self.award_a

    def share(self, amount: Decimal) -> Decimal | None:
        """The award as a percentage of the request."""
        return None if not self.requested else (amount * 100 / self.requested).quantize(Decimal("0.1"))

    @property
    def share_a(self) -> Decimal | None:
        return self.share(self.award_a) if self.a else None

    @property
    def share_b(self) -> Decimal | None:
        return self.share(self.award_b) if self.b else None

    @property
    def sides(self) -> list[tuple[Side | None, Decimal | None]]:
        return [(self.a, self.share_a), (self.b, self.share_b)]


@dataclass
class Comparison:
    """``run_a`` is always the earlier run and ``run_b`` the later one: a difference is later minus earlier,
    whichever order the two were asked for in."""

    run_a: AllocationRun
    run_b: AllocationRun
    municipalities: list[Row] = field(default_factory=list)
    networks: list[Row] = field(default_factory=list)
    pots: list[Row] = field(default_factory=list)
    lines: list[LineRow] = field(default_factory=list)
    funded_a: int = 0
    funded_b: int = 0

    @property
    def total(self) -> Row:
        row = Row("total", _("Totaal"))
        for item in self.municipalities:
            row.requested += item.requested
            row.award_a += item.award_a
            row.award_b += item.award_b
        return row

    @property
    def identical(self) -> bool:
        """Every application gets the same amount from the same pots in both runs."""
        return all(line.a is not None and line.b is not None and line.difference == 0 for line in self.lines) and all(
            pot.difference == 0 for pot in self.pots
        )

    @property
    def gainers(self) -> int:
        return sum(1 for line in self.lines if line.difference > 0)

    @property
    def losers(self) -> int:
        return sum(1 for line in self.lines if line.difference < 0)


def in_order(first: AllocationRun, second: AllocationRun) -> tuple[AllocationRun, AllocationRun]:
    """The earlier run first (by number), so that a difference always reads later minus earlier."""
    return (first, second) if first.number <= second.number else (second, first)


def compare(run_a: AllocationRun, run_b: AllocationRun) -> Comparison:
    run_a, run_b = in_order(run_a, run_b)
    result = Comparison(run_a=run_a, run_b=run_b)
    lines_a = list(lines_of(run_a))
    lines_b = list(lines_of(run_b))
    networks = networks_in_call(run_a.call, {line.application.municipality_id for line in lines_a + lines_b})
    municipalities: dict[int, Row] = {}
    per_network = {code: Row(code, label(code)) for code in (*NETWORK_ORDER, NO_NETWORK)}
    pots: dict[str, Row] = {}
    rows: dict[int, LineRow] = {}
    requested_per_pot: dict[str, dict[str, Decimal]] = {"a": {}, "b": {}}
    seen_requests: set[int] = set()
    for side, lines in (("a", lines_a), ("b", lines_b)):
        for line in lines:
            application = line.application
            municipality = application.municipality
            row = municipalities.setdefault(municipality.pk, Row(municipality.cbs_code, municipality.name))
            if line.application_id not in seen_requests:
                seen_requests.add(line.application_id)
                row.requested += line.requested
                for code in groups(networks.get(municipality.pk, ())):
                    per_network.setdefault(code, Row(code, label(code))).requested += line.requested
            _add(row, side, line.awarded)
            for code in groups(networks.get(municipality.pk, ())):
                _add(per_network.setdefault(code, Row(code, label(code))), side, line.awarded)
            for name, cents in line.funded_from.items():
                _add(pots.setdefault(name, Row(name, name)), side, euros(cents))
            if line.pot:
                pots.setdefault(line.pot, Row(line.pot, line.pot))
                per_side = requested_per_pot[side]
                per_side[line.pot] = per_side.get(line.pot, ZERO) + line.requested
            name = municipality.name + (f" ({application.area_name})" if application.area_name else "")
            line_row = rows.setdefault(line.application_id, LineRow(application.reference, name, line.requested))
            setattr(
                line_row,
                side,
                Side(
                    rank=line.rank,
                    points=line.total_points if line.included else None,
                    awarded=line.awarded,
                    reason=line.reason_label,
                ),
            )
            if line.awarded > 0:
                if side == "a":
                    result.funded_a += 1
                else:
                    result.funded_b += 1
    # What was asked of a pot: by the later run's pots (a pot only the earlier run had, by that run's).
    for name, pot in pots.items():
        pot.requested = requested_per_pot["b"].get(name, requested_per_pot["a"].get(name, ZERO))
    result.municipalities = sorted(municipalities.values(), key=lambda row: row.label)
    result.networks = list(per_network.values())
    result.pots = list(pots.values())
    # Who gains and who loses most first; then by the later run's rank.
    result.lines = sorted(
        rows.values(),
        key=lambda r: (-abs(r.difference), r.b.rank if r.b and r.b.rank else 10**9, r.label, r.reference),
    )
    return result


# ---------------------------------------------------------------- sorting the lines, by the reader's choice


@dataclass(frozen=True)
class SortKey:
    """One way to order the lines: the value of ``?sorteer=`` (``-`` in front for descending), the column
    whose header carries its link, and the value a line is ordered by (None: the line goes last)."""

    name: str
    label: Promise
    column: str
    value: Callable[[LineRow], object]
    descending_first: bool = False


def _side(side: str, attribute: str) -> Callable[[LineRow], object]:
    def value(line: LineRow) -> object:
        found = getattr(line, side)
        return getattr(found, attribute) if found is not None else None

    return value


SORT_KEYS = {
    key.name: key
    for key in (
        SortKey("gemeente", gettext_lazy("Aanvraag"), "application", lambda line: line.label.casefold()),
        SortKey("aangevraagd", gettext_lazy("Aangevraagd"), "requested", lambda line: line.requested, True),
        SortKey("rang-a", gettext_lazy("rang"), "a", _side("a", "rank")),
        SortKey("punten-a", gettext_lazy("punten"), "a", _side("a", "points"), True),
        SortKey("bedrag-a", gettext_lazy("bedrag"), "a", _side("a", "awarded"), True),
        SortKey("reden-a", gettext_lazy("reden"), "a", _side("a", "reason")),
        SortKey("rang-b", gettext_lazy("rang"), "b", _side("b", "rank")),
        SortKey("punten-b", gettext_lazy("punten"), "b", _side("b", "points"), True),
        SortKey("bedrag-b", gettext_lazy("bedrag"), "b", _side("b", "awarded"), True),
        SortKey("reden-b", gettext_lazy("reden"), "b", _side("b", "reason")),
        SortKey("verschil", gettext_lazy("Verschil (B − A)"), "difference", lambda line: line.difference, True),
    )
}
SORT_COLUMNS = ("application", "requested", "a", "b", "difference")


@dataclass(frozen=True)
class SortLink:
    label: str
    param: str  # the value of ?sorteer= that the link asks for
    direction: str | None  # "ascending" or "descending" where this is the order now shown


@dataclass(frozen=True)
class Sorting:
    """The order the lines are shown in. ``key`` None is the default: the largest change, either way, first."""

    key: SortKey | None = None
    descending: bool = False

    @classmethod
    def parse(cls, value: str | None) -> Sorting:
        """Whatever the address says: an unknown value is the default order, never an error."""
        value = (value or "").strip()
        key = SORT_KEYS.get(value.removeprefix("-"))
        return cls(key, value.startswith("-")) if key else cls()

    @property
    def param(self) -> str:
        return "" if self.key is None else ("-" if self.descending else "") + self.key.name

    @property
    def direction(self) -> str:
        return "descending" if self.descending else "ascending"

    def aria_sort(self, column: str) -> str | None:
        """The ``aria-sort`` of a column header: the sorted column says which way; the default order, by the
        size of the difference, is "other" on the difference column."""
        if self.key is None:
            return "other" if column == "difference" else None
        return self.direction if self.key.column == column else None

    def links(self, column: str) -> list[SortLink]:
        """The header links of a column: the sorted one turns the order round, the others sort their way."""
        result = []
        for key in SORT_KEYS.values():
            if key.column != column:
                continue
            if key == self.key:
                descending, direction = not self.descending, self.direction
            else:
                descending, direction = key.descending_first, None
            result.append(SortLink(str(key.label), ("-" if descending else "") + key.name, direction))
        return result

    @property
    def description(self) -> str:
        """The order in words, for the table's caption ("punten in B, aflopend")."""
        if self.key is None:
            return ""
        what = str(self.key.label)
        if self.key.column in ("a", "b"):
            what = _("%(what)s in %(side)s") % {"what": what, "side": self.key.column.upper()}
        return _("%(what)s, %(direction)s") % {
            "what": what,
            "direction": _("aflopend") if self.descending else _("oplopend"),
        }

    @property
    def columns(self) -> dict[str, tuple[str | None, list[SortLink]]]:
        """Per column its ``aria-sort`` and its links, as the template reads them."""
        return {column: (self.aria_sort(column), self.links(column)) for column in SORT_COLUMNS}

    def apply(self, lines: list[LineRow]) -> list[LineRow]:
        """The lines in this order; lines without the value (no rank, not in a run) last either way, and
        equal values by name."""
        if self.key is None:
            return list(lines)
        by_name = sorted(lines, key=lambda line: (line.label.casefold(), line.reference))
        key = self.key
        present = [line for line in by_name if key.value(line) is not None]
        missing = [line for line in by_name if key.value(line) is None]
        return sorted(present, key=key.value, reverse=self.descending) + missing


def _add(row: Row, side: str, amount: Decimal) -> None:
    if side == "a":
        row.award_a += amount
    else:
        row.award_b += amount


def run_name(run: AllocationRun) -> str:
    """How a run is named in a comparison: its number and method ("Verdeling 2, naar rato")."""
    return _("Verdeling %(number)s, %(method)s") % {"number": run.number, "method": run.get_method_display()}


COLOURS = ("#154273", "#5fa8d3")  # the earlier run dark, the later one light; both 3:1 against white


def chart_svg(comparison: Comparison, *, table_id: str) -> str:
    """Grouped horizontal bars per municipality (earlier and later run), with a legend on the chart itself;
    the table with ``table_id`` is its text."""
    rows = comparison.municipalities
    bar, gap, label_width, width, legend = 14, 10, 220, 760, 34
    height = max(len(rows), 1) * (2 * bar + gap) + 40 + legend
    top = max([row.award_a for row in rows] + [row.award_b for row in rows] + [Decimal(1)])
    scale = (width - label_width - 130) / top
    names = (run_name(comparison.run_a), run_name(comparison.run_b))
    title = _("Toekenning per gemeente: %(a)s en %(b)s") % {"a": names[0], "b": names[1]}
    description = _(
        "Staafdiagram met per gemeente twee staven: %(a)s (donker, boven) en %(b)s (licht, onder). "
        "De tabel per aanvraag bevat dezelfde bedragen."
    ) % {"a": names[0], "b": names[1]}
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-labelledby="chart-title chart-desc" '
        f'aria-describedby="{escape(table_id)}" viewBox="0 0 {width} {height}" width="100%" class="nplv-chart">',
        f'<title id="chart-title">{escape(title)}</title>',
        f'<desc id="chart-desc">{escape(description)}</desc>',
    ]
    x = label_width
    for name, colour in zip(names, COLOURS, strict=True):  # the legend, visible on the chart
        parts.append(f'<rect x="{x}" y="8" width="16" height="16" fill="{colour}"/>')
        parts.append(f'<text x="{x + 22}" y="21" font-size="14">{escape(name)}</text>')
        x += 26 + 8 * len(name)
    y = 20 + legend
    for row in rows:
        parts.append(
            f'<text x="{label_width - 8}" y="{y + bar + 4}" text-anchor="end" font-size="14">{escape(row.label)}</text>'
        )
        for offset, amount, colour in ((0, row.award_a, COLOURS[0]), (bar, row.award_b, COLOURS[1])):
            length = int(amount * scale)
            parts.append(
                f'<rect x="{label_width}" y="{y + offset}" width="{length}" height="{bar - 1}" fill="{colour}"/>'
            )
            parts.append(
                f'<text x="{label_width + length + 4}" y="{y + offset + bar - 3}" font-size="12">'
                f"{escape(format_euro(amount, decimals=0))}</text>"
            )
        y += 2 * bar + gap
    parts.append("</svg>")
    return "".join(parts)
