"""Pages of accountability: the municipality's awards and their figures, the statement form, the SiSa import
and the staff's board of what is due. Thin views."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods

from accounts import audit
from accounts.downloads import private_file
from accounts.forms import add_service_errors
from accounts.permissions import is_ministry, require
from allocations.accountability import awards, deadlines, rules, selectors, services
from allocations.accountability.forms import ImportForm, StatementForm
from allocations.accountability.models import Statement
from allocations.accountability.permissions import (
    can_import_statements,
    can_report_on,
    can_view_accountability_of,
)


def _rows(decisions, today):
    """Per award: its statements, what is due next and whether that is overdue."""
    due_by_decision = {}
    for due in deadlines.dues(decisions):
        if not due.done:
            due_by_decision.setdefault(due.decision.pk, due)
    return [
        {
            "decision": decision,
            "statements": list(decision.statements.all()),
            "spent": max((s.spent_to_date for s in decision.statements.all()), default=0),
            "due": due_by_decision.get(decision.pk),
            "overdue": (due := due_by_decision.get(decision.pk)) is not None and deadlines.overdue(due, today),
        }
        for decision in decisions
    ]


@login_required
@require_GET
def accountability_index(request):
    """The officer's awards and what each still needs; for ministry staff the board of what is due."""
    if not (request.user.is_officer or is_ministry(request.user)):
        raise Http404
    today = timezone.localdate()
    decisions = list(selectors.accountable_decisions(request.user))
    open_dues = selectors.dues_of(request.user, today=today)
    return render(
        request,
        "allocations/accountability/index.html",
        {
            "rows": _rows(decisions, today),
            "overdue": [due for due in open_dues if deadlines.overdue(due, today)],
            "due_soon": [due for due in open_dues if deadlines.due_soon(due, today)],
            "today": today,
            "can_import": can_import_statements(request.user),
        },
    )


def _years(decision) -> list[int]:
    """The years the form offers: the next one due, and the latest one entered (to correct it)."""
    earlier = {s.year: awards.figures_of(s) for s in decision.statements.all()}
    years = []
    if earlier and not any(f.final for f in earlier.values()):
        years.append(max(earlier))
    if (year := rules.next_year(awards.award_of(decision), earlier)) is not None:
        years.append(year)
    return sorted(years, reverse=True)


@login_required
@require_http_methods(["GET", "POST"])
def accountability_decision(request, pk: int):
    decision = selectors.decision_for(request.user, pk)
    if decision is None or not can_view_accountability_of(request.user, decision):
        raise Http404
    years = _years(decision)
    may_report = can_report_on(request.user, decision) and bool(years)
    needs_report = awards.needs_report(decision)
    form = None
    if may_report:
        form = StatementForm(
            request.POST or None, request.FILES or None, years=years, needs_report=needs_report, prefix="verantwoording"
        )
        if request.method == "POST" and form.is_valid():
            try:
                statement = services.record_statement(
                    decision=decision,
                    year=form.cleaned_data["year"],
                    spent=form.cleaned_data["spent"],
                    final=form.cleaned_data["final"],
                    finished=form.cleaned_data["finished"],
                    report=form.cleaned_data.get("report"),
                    by=request.user,
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(
                    request,
                    _("De verantwoording over %(year)s van beschikking %(number)s is opgeslagen.")
                    % {"year": statement.year, "number": decision.number},
                )
                return redirect("accountability_decision", pk=decision.pk)
    elif request.method == "POST":
        raise Http404
    award = awards.award_of(decision)
    return render(
        request,
        "allocations/accountability/decision.html",
        {
            "decision": decision,
            "statements": list(decision.statements.all()),
            "award": award,
            "per_year": sorted(award.per_year_cents.items()),
            "form": form,
            "error_forms": [form],
            "needs_report": needs_report,
            "carry_over": award.carry_over,
            "dues": [due for due in deadlines.dues([decision])],
            "today": timezone.localdate(),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def accountability_import(request):
    require(can_import_statements(request.user))
    form = ImportForm(request.POST or None, request.FILES or None)
    row_errors = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        content = upload.read(services.IMPORT_MAX_BYTES + 1)
        try:
            batch = services.import_statements(content=content, file_name=upload.name, by=request.user)
        except services.ImportRefused as refused:
            row_errors = refused.errors
            form.add_error(
                "file",
                ngettext(
                    "Het bestand is niet geïmporteerd: %(count)s fout, zie de tabel hieronder.",
                    "Het bestand is niet geïmporteerd: %(count)s fouten, zie de tabel hieronder.",
                    len(row_errors),
                )
                % {"count": len(row_errors)},
            )
        else:
            messages.success(
                request,
                _("%(statements)s verantwoordingen geïmporteerd uit %(file)s (%(rows)s regels).")
                % {"statements": batch.statements, "file": batch.file_name, "rows": batch.rows},
            )
            return redirect("accountability_index")
    return render(
        request,
        "allocations/accountability/import.html",
        {"form": form, "error_forms": [form], "row_errors": row_errors[:500], "more": max(0, len(row_errors) - 500)},
    )


@login_required
@require_GET
def statement_report(request, pk: int):
    statement = get_object_or_404(Statement.objects.select_related("decision__application"), pk=pk)
    if not can_view_accountability_of(request.user, statement.decision) or not statement.report:
        raise Http404
    try:
        handle = statement.report.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    audit.record(
        actor=request.user,
        verb="accountability.report_downloaded",
        target=statement,
        data={"decision": statement.decision.number, "year": statement.year},
    )
    return private_file(handle, filename=statement.report_name or "verslag.pdf", content_type="application/pdf")
