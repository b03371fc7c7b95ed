"""Pages of the exports part: the context figures, the call overview and the portfolio. Thin views."""

from __future__ import annotations

from decimal import Decimal

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from accounts.permissions import require
from allocations.exports import selectors
from allocations.exports.charts import Chart, line_chart
from allocations.exports.permissions import can_view_context


def format_percent(value, decimals: int = 2) -> str:
    return f"{number_format(Decimal(str(value)), decimal_pos=decimals, use_l10n=True)}%"


def format_percent_tick(value) -> str:
    return format_percent(value, decimals=0 if float(value).is_integer() else 1)


def _monitor_chart(indicator: selectors.MonitorIndicator) -> Chart:
    first, last = indicator.years[0], indicator.years[-1]
    description = _(
        "NPLV-gemiddelde tegen het Nederlandse gemiddelde, %(start)s–%(end)s. In %(end)s: NPLV %(nplv)s, "
        "Nederland %(nl)s. De tabel naast de grafiek geeft alle cijfers."
    ) % {
        "start": first[0],
        "end": last[0],
        "nplv": format_percent(last[1]),
        "nl": format_percent(last[2]),
    }
    return line_chart(
        chart_id=f"monitor-{indicator.key}",
        title=indicator.label,
        description=description,
        series=[
            (_("NPLV-gebieden"), [(year, nplv) for year, nplv, _nl in indicator.years]),
            (_("Nederland"), [(year, nl) for year, _nplv, nl in indicator.years]),
        ],
        x_header=_("Jaar"),
        format_value=format_percent,
        format_tick=format_percent_tick,
    )


@login_required
def context(request):
    require(can_view_context(request.user))
    themes: dict[str, list[Chart]] = {}
    for indicator in selectors.monitor_indicators():
        themes.setdefault(indicator.theme, []).append(_monitor_chart(indicator))
    return render(request, "allocations/exports/context.html", {"themes": list(themes.items())})
