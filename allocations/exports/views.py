"""Pages of the exports part: the context figures, the call overview and the portfolio. Thin views."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from accounts.downloads import private_file
from accounts.networks import NETWORK_LABELS, NETWORK_ORDER
from accounts.permissions import require
from accounts.templatetags.portal import format_euro
from accounts.workflow import TransitionNotAllowed
from allocations.exports import overview, selectors, services
from allocations.exports.charts import Chart, bar_chart, grouped_bar_chart, line_chart, scatter_chart
from allocations.exports.models import ExportFormat, ExportJob, decisions_filename
from allocations.exports.permissions import (
    can_export_decisions,
    can_view_context,
    can_view_overview,
    can_view_portfolio,
)
from allocations.money.selectors import money_overview
from allocations.runs.models import AllocationRun
from applications.models import Call


class PortfolioFilterForm(forms.Form):
    network = forms.ChoiceField(
        label=gettext_lazy("Netwerk"),
        required=False,
        choices=[("", gettext_lazy("Alle gemeenten")), *((code, NETWORK_LABELS[code]) for code in NETWORK_ORDER)],
    )
    year = forms.IntegerField(label=gettext_lazy("Jaar van besluit"), required=False, min_value=2000, max_value=2100)


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


# ------------------------------------------------------------------------ overview, portfolio, exports


def _euro(value) -> str:
    return format_euro(value)


def _euro_tick(value) -> str:
    return format_euro(value, decimals=0)


def _conflict(request, exc: TransitionNotAllowed, to: str):
    messages.error(request, str(exc))
    return redirect(to)


@login_required
def overview_index(request):
    require(can_view_overview(request.user))
    calls = list(overview.calls_for_overview())
    runs = overview.final_runs_by_call(calls)
    rows = [(call, runs.get(call.pk)) for call in calls]
    return render(request, "allocations/exports/overview_index.html", {"rows": rows})


@login_required
def call_overview(request, pk: int):
    require(can_view_overview(request.user))
    call = get_object_or_404(Call.objects.select_related("scheme"), pk=pk)
    data = overview.call_overview(call)
    money = money_overview(request.user, call_id=call.pk)
    charts = {
        "networks": grouped_bar_chart(
            chart_id="per-netwerk",
            title=_("Aangevraagd en toegekend per netwerk"),
            description=_(
                "Per netwerk (NPLV, M50, New Town Alliantie, geen netwerk) het aangevraagde en het toegekende "
                "bedrag, naar het lidmaatschap op de sluitingsdatum van de ronde. Een gemeente in meer netwerken telt "
                "in elk ervan mee."
            ),
            categories=[label for label, _totals in data.per_network],
            series=[
                (_("Aangevraagd"), [t.requested for _label, t in data.per_network]),
                (_("Toegekend"), [t.awarded for _label, t in data.per_network]),
            ],
            label_header=_("Netwerk"),
            format_value=_euro,
            format_tick=_euro_tick,
        ),
        "provinces": grouped_bar_chart(
            chart_id="per-provincie",
            title=_("Aangevraagd en toegekend per provincie"),
            description=_("Per provincie het aangevraagde en het toegekende bedrag."),
            categories=[province for province, _totals in data.per_province],
            series=[
                (_("Aangevraagd"), [t.requested for _p, t in data.per_province]),
                (_("Toegekend"), [t.awarded for _p, t in data.per_province]),
            ],
            label_header=_("Provincie"),
            format_value=_euro,
            format_tick=_euro_tick,
        ),
        "pipeline": bar_chart(
            chart_id="pijplijn",
            title=_("Aanvragen per status"),
            description=_(
                "Hoeveel aanvragen van deze ronde in elke stap staan, van concept tot verzonden beschikking."
            ),
            bars=data.pipeline,
            value_header=_("Aantal"),
            label_header=_("Status"),
        ),
    }
    if data.points:
        charts["points"] = scatter_chart(
            chart_id="punten-bedrag",
            title=_("Punten tegen toegekend bedrag"),
            description=_(
                "Elke stip is een aanvraag uit de definitieve verdeling: rechts meer punten, hoger meer geld."
            ),
            points=data.points,
            x_header=_("Punten"),
            y_header=_("Toegekend"),
            label_header=_("Aanvraag"),
            format_x=lambda v: number_format(v, decimal_pos=1, use_l10n=True),
            format_y=_euro,
            format_y_tick=_euro_tick,
        )
    return render(
        request,
        "allocations/exports/call_overview.html",
        {"overview": data, "call": call, "charts": charts, "formats": ExportFormat.choices, "money": money},
    )


@login_required
def portfolio(request):
    require(can_view_portfolio(request.user))
    form = PortfolioFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    data = overview.portfolio(network=filters.get("network") or "", year=filters.get("year"))
    money = money_overview(request.user)
    overview.attach_money(data, {row.decision.number: row.figures for row in money.rows})
    chart = None
    if data.years:
        chart = grouped_bar_chart(
            chart_id="per-netwerk-per-jaar",
            title=_("Toegekend per netwerk en jaar"),
            description=_(
                "Per netwerk het toegekende bedrag in elk jaar van besluit. Een gemeente in meer netwerken telt "
                "in elk ervan mee."
            ),
            categories=list(data.per_network_year),
            series=[
                (str(year), [by_year.get(year, 0) for by_year in data.per_network_year.values()]) for year in data.years
            ],
            label_header=_("Netwerk"),
            format_value=_euro,
            format_tick=_euro_tick,
        )
    return render(
        request,
        "allocations/exports/portfolio.html",
        {"portfolio": data, "form": form, "chart": chart, "money": money},
    )


@login_required
def run_exports(request, pk: int):
    require(can_export_decisions(request.user))
    run = get_object_or_404(AllocationRun.objects.select_related("call"), pk=pk)
    try:
        services.require_final(run)
    except TransitionNotAllowed as exc:
        return _conflict(request, exc, reverse("call_overview", args=[run.call_id]))
    return render(
        request,
        "allocations/exports/run_exports.html",
        {
            "run": run,
            "direct": services.is_direct(run),
            "lines": services.line_count(run),
            "formats": ExportFormat.choices,
            "downloads": [(value, label, decisions_filename(run, value)) for value, label in ExportFormat.choices],
            "figures": selectors.budget_figures(run),
            "jobs": ExportJob.objects.filter(run=run).select_related("requested_by")[:20],
        },
    )


@login_required
def run_export_download(request, pk: int, export_format: str):
    require(can_export_decisions(request.user))
    run = get_object_or_404(AllocationRun.objects.select_related("call"), pk=pk)
    try:
        return services.export_decisions(run=run, by=request.user, fmt=export_format).response()
    except TransitionNotAllowed as exc:
        return _conflict(request, exc, reverse("call_overview", args=[run.call_id]))


@login_required
@require_POST
def run_export_job(request, pk: int):
    require(can_export_decisions(request.user))
    run = get_object_or_404(AllocationRun.objects.select_related("call"), pk=pk)
    fmt = request.POST.get("format", "")
    if fmt not in ExportFormat.values:
        messages.error(request, _("Kies een geldig formaat."))
        return redirect("run_exports", pk=run.pk)
    try:
        job = services.start_export_job(run=run, by=request.user, fmt=fmt)
    except TransitionNotAllowed as exc:
        return _conflict(request, exc, reverse("call_overview", args=[run.call_id]))
    return redirect("export_job", pk=job.pk)


@login_required
def export_job(request, pk: int):
    require(can_export_decisions(request.user))
    job = get_object_or_404(ExportJob.objects.select_related("run__call"), pk=pk)
    return render(request, "allocations/exports/export_job.html", {"job": job})


@login_required
def export_job_download(request, pk: int):
    try:
        job = services.job_for_download(job_id=pk, by=request.user)
    except TransitionNotAllowed as exc:
        return _conflict(request, exc, reverse("export_job", args=[pk]))
    return private_file(job.file.open("rb"), filename=job.filename, content_type=job.content_type)


@login_required
def publication_download(request, pk: int, export_format: str):
    try:
        call, run = services.publishable_call(call_id=pk, by=request.user)
        return services.export_publication(call=call, run=run, by=request.user, fmt=export_format).response()
    except TransitionNotAllowed as exc:
        return _conflict(request, exc, reverse("call_overview", args=[pk]))
