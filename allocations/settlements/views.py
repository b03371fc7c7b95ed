"""Pages of the settlements: per call the decisions ready to settle and the overview (awarded, paid, settled,
reclaimed), the assessor's proposal, and a settlement's page with its figures in the words of the law and the
next step as a form; a call's settlement batch, started here, with its live progress and its verification.

Thin: each view checks the role (403) and the object (404), calls a selector or a service, and renders.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.downloads import private_file
from accounts.forms import add_service_errors
from accounts.permissions import require
from accounts.templatetags.portal import euro
from accounts.workflow import TransitionNotAllowed
from allocations.confirmation import NOT_CONFIRMED, Summary, confirmed, render_confirmation
from allocations.letters.deadlines import local_today, objection_last_day
from allocations.payments.models import Instalment
from allocations.runs.models import Decision
from allocations.settlements import batches, documents, rules, selectors, services, setoffs
from allocations.settlements.forms import ApproveForm, CheckForm, ProposeForm, StartBatchForm
from allocations.settlements.models import Settlement, SettlementBatch, SettlementDocument, SettlementStatus
from allocations.settlements.permissions import (
    can_approve_settlement,
    can_check_settlement,
    can_make_settlement_letter,
    can_propose_settlement,
    can_send_settlement_letter,
    can_view_settlements,
    can_withdraw_settlement,
)
from allocations.settlements.transitions import SETTLEMENT_WORKFLOW
from applications.models import Call


@login_required
@require_GET
def settlements_index(request):
    require(can_view_settlements(request.user))
    today = local_today()
    overviews = selectors.call_overviews(today=today)
    return render(request, "allocations/settlements/index.html", {"overviews": overviews})


@login_required
@require_GET
def call_settlements(request, pk: int):
    require(can_view_settlements(request.user))
    return _call_page(request, get_object_or_404(Call, pk=pk))


def _call_page(request, call: Call, *, batch_form: StartBatchForm | None = None, status: int = 200):
    overview = selectors.call_overview(call, today=local_today())
    may_propose = can_propose_settlement(request.user)
    running = batches.running_batch(call)
    if batch_form is None and may_propose and overview.ready and running is None:
        batch_form = StartBatchForm(initial={"sample_percent": settings.SETTLEMENT_SAMPLE_PERCENT}, prefix="batch")
    return render(
        request,
        "allocations/settlements/call.html",
        {
            "overview": overview,
            "may_propose": may_propose,
            "batch_form": batch_form,
            "error_forms": [batch_form],
            "running_batch": running,
            "batches": selectors.batches_of(call),
        },
        status=status,
    )


def long_date(day) -> str:
    return formats.date_format(day, "j F Y")


@login_required
@require_POST
def settlement_batch_start(request, pk: int):
    """The assessor starts a batch: a proposal for every ready decision of the call, computed in the background."""
    require(can_propose_settlement(request.user))
    call = get_object_or_404(Call, pk=pk)
    form = StartBatchForm(request.POST, prefix="batch")
    if not form.is_valid():
        return _call_page(request, call, batch_form=form, status=400)
    try:
        batch = batches.start_batch(call=call, by=request.user, sample_percent=form.cleaned_data["sample_percent"])
    except TransitionNotAllowed as exc:
        messages.error(request, str(exc))
        return _call_page(request, call, status=409)
    except ValidationError as exc:
        add_service_errors(form, exc)
        return _call_page(request, call, batch_form=form, status=400)
    messages.success(request, _("De vaststellingsbatch is gestart."))
    return redirect("settlement_batch", pk=batch.pk)


def _batch(request, pk: int) -> SettlementBatch:
    require(can_view_settlements(request.user))
    batch = selectors.batch_for(pk)
    if batch is None:
        raise Http404
    return batch


def _batch_page(request, batch: SettlementBatch, *, verification=None, status: int = 200):
    progress = selectors.batch_progress(batch)
    return render(
        request,
        "allocations/settlements/batch.html",
        {
            "batch": batch,
            "progress": progress,
            "jobs": selectors.batch_jobs(batch),
            "verification": verification,
        },
        status=status,
    )


@login_required
@require_GET
def settlement_batch(request, pk: int):
    return _batch_page(request, _batch(request, pk))


@login_required
@require_GET
def settlement_batch_progress(request, pk: int):
    batch = _batch(request, pk)
    return JsonResponse(selectors.batch_progress(batch).as_dict())


@login_required
@require_POST
def settlement_batch_verify(request, pk: int):
    """Recompute every settlement of the batch from the inputs it stored, and show the differences."""
    batch = _batch(request, pk)
    return _batch_page(request, batch, verification=batches.verify_batch(batch=batch, by=request.user))


def _decision(pk: int) -> Decision:
    return get_object_or_404(
        Decision.objects.select_related("application__municipality", "run__call__scheme").filter(
            sent_at__isnull=False, amount__gt=0
        ),
        pk=pk,
    )


@login_required
@require_http_methods(["GET", "POST"])
def propose(request, pk: int):
    """The assessor's proposal for one decision: the figures now, and the form."""
    require(can_propose_settlement(request.user))
    decision = _decision(pk)
    subsidy = decision.run.call.scheme.kind == rules.SUBSIDY
    form = ProposeForm(
        request.POST or None, subsidy=subsidy, candidates=setoffs.candidates(decision), prefix="voorstel"
    )
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            try:
                settlement = services.propose_settlement(
                    decision=decision,
                    by=request.user,
                    ground=data.get("ground") or "",
                    proposed=data.get("proposed"),
                    motivation=data.get("motivation") or "",
                    sample=data["sample"],
                    set_off=[row.pk for row in data.get("set_off") or ()],
                )
            except TransitionNotAllowed as exc:
                messages.error(request, str(exc))
                status = exc.status_code
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(
                    request, _("Vaststelling %(reference)s is voorgesteld.") % {"reference": settlement.reference}
                )
                return redirect("settlement_detail", pk=settlement.pk)
    today = local_today()
    state = services.readiness(decision, today=today)
    inputs = services.inputs_of(decision)
    return render(
        request,
        "allocations/settlements/propose.html",
        {
            "decision": decision,
            "form": form,
            "error_forms": [form],
            "state": state,
            "inputs": inputs,
            "preview": rules.settle(inputs) if state.ready and not rules.problems(inputs) else None,
            "subsidy": subsidy,
        },
        status=status,
    )


def _settlement(request, pk: int) -> Settlement:
    require(can_view_settlements(request.user))
    settlement = selectors.settlement_for(pk)
    if settlement is None:
        raise Http404
    return settlement


def _page(request, settlement: Settlement, *, check_form=None, approve_form=None, status: int = 200):
    user = request.user
    actions = {t.action for t in SETTLEMENT_WORKFLOW.available(user, settlement)}
    if user.pk in (settlement.proposed_by_id, settlement.checked_by_id):
        actions -= {"check", "approve"}  # three steps, three people: the page offers no second step
    if "check" in actions and check_form is None:
        check_form = CheckForm(
            prefix="controle",
            candidates=setoffs.candidates(settlement.decision),
            initial={"set_off": [row.instalment_id for row in settlement.set_offs.all()]},
        )
    if "approve" in actions and approve_form is None:
        approve_form = ApproveForm(prefix="goedkeuring")
    lapsed = (
        Instalment.objects.filter(
            decision=settlement.decision,
            cancel_reason=_("vastgesteld bij %(reference)s") % {"reference": settlement.reference},
        )
        if settlement.status == SettlementStatus.APPROVED
        else Instalment.objects.none()
    )
    return render(
        request,
        "allocations/settlements/detail.html",
        {
            "settlement": settlement,
            "decision": settlement.decision,
            "ground_text": rules.GROUND_TEXTS.get(rules.Ground(settlement.ground)) if settlement.ground else "",
            "check_form": check_form if "check" in actions else None,
            "approve_form": approve_form if "approve" in actions else None,
            "may_withdraw": "withdraw" in actions,
            "error_forms": [check_form, approve_form],
            "events": selectors.steps_of(settlement),
            "lapsed_instalments": list(lapsed.order_by("sequence")),
            "set_offs": list(setoffs.planned(settlement)),
            "documents": list(settlement.documents.select_related("sent_by").order_by("-version")),
            "current_document": documents.current_document(settlement),
            "sent_document": documents.sent_document(settlement),
            "may_make_letter": can_make_settlement_letter(user),
            "may_send_letter": can_send_settlement_letter(user),
            "is_approved": settlement.status == SettlementStatus.APPROVED,
            "may_check": can_check_settlement(user),
            "may_approve": can_approve_settlement(user),
            "may_correct": settlement.status == SettlementStatus.APPROVED
            and can_propose_settlement(user)
            and not Settlement.objects.filter(decision=settlement.decision, sequence__gt=settlement.sequence).exists(),
        },
        status=status,
    )


@login_required
@require_GET
def settlement_detail(request, pk: int):
    return _page(request, _settlement(request, pk))


@login_required
@require_POST
def settlement_check(request, pk: int):
    settlement = _settlement(request, pk)
    require(can_check_settlement(request.user))
    form = CheckForm(request.POST, prefix="controle", candidates=setoffs.candidates(settlement.decision))
    if form.is_valid():
        chosen = form.cleaned_data.get("set_off")
        try:
            services.check_settlement(
                settlement=settlement,
                by=request.user,
                reclaim_number=form.cleaned_data["reclaim_number"],
                set_off=[row.pk for row in chosen] if "set_off" in form.fields else None,
            )
        except TransitionNotAllowed as exc:
            messages.error(request, str(exc))
            return _page(request, settlement, check_form=form, status=exc.status_code)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("De controle is vastgelegd."))
            return redirect("settlement_detail", pk=settlement.pk)
    return _page(request, settlement, check_form=form, status=400)


@login_required
@require_POST
def settlement_approve(request, pk: int):
    settlement = _settlement(request, pk)
    require(can_approve_settlement(request.user))
    form = ApproveForm(request.POST, prefix="goedkeuring")
    if form.is_valid():
        try:
            services.approve_settlement(settlement=settlement, by=request.user)
        except TransitionNotAllowed as exc:
            messages.error(request, str(exc))
            return _page(request, settlement, approve_form=form, status=exc.status_code)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("De subsidie is vastgesteld."))
            return redirect("settlement_detail", pk=settlement.pk)
    return _page(request, settlement, approve_form=form, status=400)


@login_required
@require_POST
def settlement_withdraw(request, pk: int):
    settlement = _settlement(request, pk)
    require(can_withdraw_settlement(request.user))
    try:
        services.withdraw_settlement(settlement=settlement, by=request.user)
    except TransitionNotAllowed as exc:
        messages.error(request, str(exc))
        return _page(request, settlement, status=exc.status_code)
    messages.success(request, _("Het voorstel is ingetrokken."))
    return redirect("settlement_detail", pk=settlement.pk)


def _document(settlement: Settlement):
    document = documents.current_document(settlement)
    if document is None:
        raise Http404
    return document


def _serve(request, document):
    try:
        handle = documents.open_document(document=document, by=request.user)
    except FileNotFoundError as exc:
        raise Http404 from exc
    name = f"vaststelling-{document.settlement.reference}-v{document.version}.pdf"
    return private_file(handle, filename=name, content_type="application/pdf")


@login_required
@require_GET
def settlement_letter(request, pk: int):
    """The current version of an approved settlement's stored letter, for staff (404 before it is made)."""
    settlement = _settlement(request, pk)
    return _serve(request, _document(settlement))


@login_required
@require_GET
def settlement_document_download(request, pk: int):
    """One stored version: staff any, the municipality's officers the version sent to them (404 otherwise)."""
    document = get_object_or_404(
        SettlementDocument.objects.visible_to(request.user).select_related("settlement__decision__application"),
        pk=pk,
    )
    return _serve(request, document)


@login_required
@require_POST
def settlement_letter_make(request, pk: int):
    settlement = _settlement(request, pk)
    require(can_make_settlement_letter(request.user))
    try:
        document = documents.make_letter(settlement=settlement, by=request.user)
    except TransitionNotAllowed as exc:
        messages.error(request, str(exc))
        return _page(request, settlement, status=409)
    messages.success(
        request,
        _("De brief is gemaakt met de datum %(date)s (versie %(version)s).")
        % {"date": long_date(document.letter_date), "version": document.version},
    )
    return redirect("settlement_detail", pk=settlement.pk)


def _send_summary(settlement: Settlement) -> Summary:
    today = local_today()
    current = documents.current_document(settlement)
    people = len(documents.officers_of(settlement))
    remake = current is None or current.letter_date != today
    facts = [
        (_("Beschikking"), f"{settlement.decision.number} – {settlement.decision.application.municipality.name}"),
        (_("Datum op de brief (vandaag)"), long_date(today)),
        (_("Vastgesteld bedrag"), euro(settlement.settled)),
        (_("Einde van de bezwaartermijn"), long_date(objection_last_day(today))),
    ]
    if settlement.reclaim:
        facts.append(
            (
                _("Terugvordering (vorderingsnummer %(number)s)") % {"number": settlement.reclaim_number},
                euro(settlement.reclaim),
            )
        )
    if settlement.set_off:
        facts.append((_("Waarvan verrekend"), euro(settlement.set_off)))
    if settlement.reclaim_to_pay:
        facts.append((_("Terug te betalen uiterlijk"), long_date(rules.reclaim_due(today))))
    consequences = [
        _("De brief wordt opnieuw gemaakt met de datum van vandaag; de vorige versie blijft bewaard.")
        if remake and current is not None
        else _("De brief wordt gemaakt met de datum van vandaag.")
        if remake
        else _("De brief van vandaag wordt verzonden."),
        _("Een verzonden brief verandert niet meer; een ander besluit is een correctie met een eigen brief."),
        _("De bezwaartermijn van zes weken begint; hij loopt tot en met %(date)s.")
        % {"date": long_date(objection_last_day(today))},
        ngettext(
            "%(people)d contactpersoon van de gemeente krijgt nu een e-mail en ziet de brief in het portaal.",
            "%(people)d contactpersonen van de gemeente krijgen nu een e-mail en zien de brief in het portaal.",
            people,
        )
        % {"people": people},
    ]
    return Summary(
        title=_("Brief van vaststelling %(reference)s verzenden") % {"reference": settlement.reference},
        lead=settlement.decision.run.call.title,
        button=_("Ja, brief verzenden"),
        action_url=reverse("settlement_letter_send", args=[settlement.pk]),
        back_url=reverse("settlement_detail", args=[settlement.pk]),
        facts=facts,
        consequences=consequences,
    )


@login_required
@require_http_methods(["GET", "POST"])
def settlement_letter_send(request, pk: int):
    """GET: what sending does (date, objection term, reclaim, e-mails), to confirm; POST: send."""
    settlement = _settlement(request, pk)
    require(can_send_settlement_letter(request.user))
    if request.method == "GET":
        if settlement.status != SettlementStatus.APPROVED or documents.sent_document(settlement) is not None:
            return redirect("settlement_detail", pk=settlement.pk)  # the page says why not
        return render_confirmation(request, _send_summary(settlement))
    if not confirmed(request):
        messages.error(request, str(NOT_CONFIRMED))
        return _page(request, settlement, status=400)
    try:
        document = documents.send_letter(settlement=settlement, by=request.user)
    except TransitionNotAllowed as exc:
        messages.error(request, str(exc))
        return _page(request, settlement, status=409)
    messages.success(
        request, _("De brief is verzonden met de datum %(date)s.") % {"date": long_date(document.letter_date)}
    )
    return redirect("settlement_detail", pk=settlement.pk)
