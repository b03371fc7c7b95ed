"""Two runs of a call side by side: per municipality, per network and per pot, with an SVG chart.

Four queries whatever the number of lines: the two runs' lines (with their municipality) and the
memberships of those municipalities.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from xml.sax.saxutils import escape

from django.utils.translation import gettext as _

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
class Comparison:
    run_a: AllocationRun
    run_b: AllocationRun
    municipalities: list[Row] = field(default_factory=list)
    networks: list[Row] = field(default_factory=list)
    pots: list[Row] = field(default_factory=list)
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


def compare(run_a: AllocationRun, run_b: AllocationRun) -> Comparison:
    result = Comparison(run_a=run_a, run_b=run_b)
    lines_a = list(lines_of(run_a))
    lines_b = list(lines_of(run_b))
    networks = networks_in_call(run_a.call, {line.application.municipality_id for line in lines_a + lines_b})
    municipalities: dict[int, Row] = {}
    per_network = {code: Row(code, label(code)) for code in (*NETWORK_ORDER, NO_NETWORK)}
    pots: dict[str, Row] = {}
    seen_requests: set[int] = set()
    for side, lines in (("a", lines_a), ("b", lines_b)):
        for line in lines:
            municipality = line.application.municipality
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
            if line.awarded > 0:
                if side == "a":
                    result.funded_a += 1
                else:
                    result.funded_b += 1
    result.municipalities = sorted(municipalities.values(), key=lambda row: row.label)
    result.networks = list(per_network.values())
    result.pots = list(pots.values())
    return result


def _add(row: Row, side: str, amount: Decimal) -> None:
    if side == "a":
        row.award_a += amount
    else:
        row.award_b += amount


def chart_svg(comparison: Comparison, *, table_id: str) -> str:
    """Grouped horizontal bars per municipality (A and B); the table with ``table_id`` is its text."""
    rows = comparison.municipalities
    bar, gap, label_width, width = 10, 8, 190, 720
    height = max(len(rows), 1) * (2 * bar + gap) + 40
    top = max([row.award_a for row in rows] + [row.award_b for row in rows] + [Decimal(1)])
    scale = (width - label_width - 110) / top
    title = _("Toekenning per gemeente: verdeling %(a)s en %(b)s") % {
        "a": comparison.run_a.number,
        "b": comparison.run_b.number,
    }
    description = _(
        "Staafdiagram met per gemeente twee staven: verdeling %(a)s (donker) en verdeling %(b)s (licht). "
        "De tabel hierboven bevat dezelfde bedragen."
    ) % {"a": comparison.run_a.number, "b": comparison.run_b.number}
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-labelledby="chart-title chart-desc" '
        f'aria-describedby="{escape(table_id)}" viewBox="0 0 {width} {height}" width="100%" class="nplv-chart">',
        f'<title id="chart-title">{escape(title)}</title>',
        f'<desc id="chart-desc">{escape(description)}</desc>',
    ]
    y = 20
    for row in rows:
        parts.append(
            f'<text x="{label_width - 6}" y="{y + bar + 3}" text-anchor="end" font-size="11">{escape(row.label)}</text>'
        )
        for offset, amount, colour in ((0, row.award_a, "#154273"), (bar, row.award_b, "#8fcae7")):
            length = int(amount * scale)
            parts.append(
                f'<rect x="{label_width}" y="{y + offset}" width="{length}" height="{bar - 1}" fill="{colour}"/>'
            )
            parts.append(
                f'<text x="{label_width + length + 4}" y="{y + offset + bar - 2}" font-size="9">'
                f"{escape(format_euro(amount, decimals=0))}</text>"
            )
        y += 2 * bar + gap
    parts.append("</svg>")
    return "".join(parts)
