"""Pages for award letters: preparing a run's letters with their send date, the batch's live progress,
sending, texts with a preview, and downloads.

Thin: each view checks visibility (404) and role (403), calls a selector or a service, and renders.
"""

from __future__ import annotations

import io

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.downloads import private_file
from accounts.forms import add_service_errors
from accounts.permissions import require
from accounts.workflow import TransitionNotAllowed
from allocations.letters import batches, deadlines, selectors, services
from allocations.letters.models import LetterText
from allocations.letters.permissions import (
    can_edit_letter_texts,
    can_manage_letters,
    can_view_application_letters,
)
from allocations.letters.transitions import BATCH_WORKFLOW
from allocations.runs.models import AllocationRun, Decision
from allocations.runs.permissions import can_view_decision
from applications.models import Application, Call

PDF = "application/pdf"


def _run_for_admin(request, pk: int) -> AllocationRun:
    require(can_manage_letters.test(request.user, None))  # a role that never manages letters: 403
    return get_object_or_404(AllocationRun.objects.select_related("call"), pk=pk)


class PrepareForm(forms.Form):
    """The send date, typed the way the page's language writes dates (Dutch: 15-12-2026)."""

    send_on = forms.DateField(
        label=gettext_lazy("Verzenddatum"),
        help_text=gettext_lazy(
            "De dag waarop de brieven worden verzonden: een werkdag, vandaag of later. De brieven dragen deze "
            "datum en de bezwaartermijn telt vanaf deze dag. Schrijf de datum als dd-mm-jjjj."
        ),
        widget=forms.DateInput(attrs={"autocomplete": "off", "inputmode": "numeric", "size": 10}),
        error_messages={
            "required": gettext_lazy("Vul de datum in waarop de brieven worden verzonden."),
            "invalid": gettext_lazy("Vul een datum in als dd-mm-jjjj, bijvoorbeeld 15-12-2026."),
        },
    )


def _run_letters_page(request, run: AllocationRun, *, form: PrepareForm | None = None, status: int = 200):
    """The batch page: the planned send date and the form to set or change it, the progress, and sending
    (the button only when ``batches.send_refusal`` finds nothing against it, otherwise its reason)."""
    batch = batches.batch_of(run)
    if form is None:
        initial = batch.send_on if batch.pk else deadlines.next_working_day(deadlines.local_today())
        form = PrepareForm(initial={"send_on": initial})
    offered = {t.action for t in BATCH_WORKFLOW.available(request.user, batch)}
    return render(
        request,
        "allocations/letters/run_letters.html",
        {
            "run": run,
            "batch": batch if batch.pk else None,
            "objection_last_day": deadlines.objection_last_day(batch.send_on) if batch.pk else None,
            "form": form if "prepare" in offered else None,
            "may_regenerate": "regenerate" in offered,
            "may_retry": "retry" in offered,
            "send_refusal": batches.send_refusal(run, batch),
            "progress": selectors.batch_progress(run),
            "failed": selectors.failed_jobs(run)[:50],
            "letters": selectors.current_letters(run=run)[:500],
        },
        status=status,
    )


def _refused(request, run: AllocationRun, exc: TransitionNotAllowed):
    messages.error(request, str(exc))
    return _run_letters_page(request, run, status=409)


@login_required
@require_GET
def run_letters(request, pk: int):
    return _run_letters_page(request, _run_for_admin(request, pk))


@login_required
@require_GET
def run_letters_progress(request, pk: int):
    run = _run_for_admin(request, pk)
    return JsonResponse(selectors.batch_progress(run).as_dict())


@login_required
@require_POST
def run_letters_prepare(request, pk: int):
    run = _run_for_admin(request, pk)
    form = PrepareForm(request.POST)
    if not form.is_valid():
        return _run_letters_page(request, run, form=form, status=400)
    try:
        batch = batches.prepare_letters(run=run, send_on=form.cleaned_data["send_on"], by=request.user)
    except ValidationError as exc:
        add_service_errors(form, exc)
        return _run_letters_page(request, run, form=form, status=400)
    except TransitionNotAllowed as exc:
        return _refused(request, run, exc)
    messages.success(
        request,
        _("De brieven worden gemaakt met de datum %(date)s.") % {"date": batches.long_date(batch.send_on)},
    )
    return redirect("run_letters", pk=run.pk)


@login_required
@require_POST
def run_letters_send(request, pk: int):
    run = _run_for_admin(request, pk)
    try:
        count = batches.mark_batch_sent(run=run, by=request.user)
    except TransitionNotAllowed as exc:
        return _refused(request, run, exc)
    messages.success(
        request,
        ngettext(
            "%(count)d beschikking is als verzonden gemarkeerd.",
            "%(count)d beschikkingen zijn als verzonden gemarkeerd.",
            count,
        )
        % {"count": count},
    )
    return redirect("run_letters", pk=run.pk)


@login_required
@require_POST
def run_letters_retry(request, pk: int):
    run = _run_for_admin(request, pk)
    try:
        count = batches.retry_failed(run=run, by=request.user)
    except TransitionNotAllowed as exc:
        return _refused(request, run, exc)
    messages.success(
        request,
        ngettext("%(count)d brief wordt opnieuw gemaakt.", "%(count)d brieven worden opnieuw gemaakt.", count)
        % {"count": count},
    )
    return redirect("run_letters", pk=run.pk)


@login_required
@require_POST
def run_letters_regenerate(request, pk: int):
    run = _run_for_admin(request, pk)
    try:
        count = batches.regenerate(run=run, by=request.user)
    except TransitionNotAllowed as exc:
        return _refused(request, run, exc)
    messages.success(
        request,
        ngettext(
            "%(count)d brief wordt opnieuw gemaakt met de nieuwste teksten.",
            "%(count)d brieven worden opnieuw gemaakt met de nieuwste teksten.",
            count,
        )
        % {"count": count},
    )
    return redirect("run_letters", pk=run.pk)


@login_required
@require_GET
def letter_download(request, pk: int):
    letter = selectors.visible_letter(pk, viewer=request.user)
    try:
        handle = services.open_letter(letter=letter, by=request.user)
    except FileNotFoundError as exc:
        raise Http404 from exc
    return private_file(handle, filename=f"{letter.decision.number}-v{letter.version}.pdf", content_type=PDF)


@login_required
@require_GET
def application_letters(request, pk: int):
    """The letters of one application: the municipality sees the versions sent to it, ministry staff all."""
    application = get_object_or_404(Application.objects.select_related("municipality", "call"), pk=pk)
    require(can_view_application_letters.test(request.user, application), not_found=True)
    letters = list(selectors.letters_of_application(application, viewer=request.user))
    decision = Decision.objects.filter(application=application).first()
    if decision is not None and not can_view_decision(request.user, application):
        decision = None
    return render(
        request,
        "allocations/letters/application_letters.html",
        {"application": application, "letters": letters, "decision": decision},
    )


class LetterTextForm(forms.ModelForm):
    class Meta:
        model = LetterText
        fields = list(services.TEXT_FIELDS)
        widgets = {
            name: forms.Textarea(attrs={"rows": 4, "maxlength": 2000})
            for name in ("introduction", "obligations", "unspent_money", "closing")
        }


class PreviewForm(forms.Form):
    decision = forms.ModelChoiceField(queryset=Decision.objects.none(), label=gettext_lazy("Voorbeeld voor besluit"))


@login_required
@require_http_methods(["GET", "POST"])
def call_letter_texts(request, pk: int):
    """Edit the call's letter texts (each save is a new version), or preview the letter for a decision."""
    require(can_edit_letter_texts.test(request.user, None))
    call = get_object_or_404(Call.objects.select_related("scheme"), pk=pk)
    latest = services.texts_for(call)
    decisions = Decision.objects.filter(application__call=call).order_by("number")
    form = LetterTextForm(request.POST or None, instance=LetterText(**_copy(latest)))
    preview = PreviewForm(request.POST or request.GET or None)
    preview.fields["decision"].queryset = decisions
    if request.method == "POST" and form.is_valid():
        if "preview" in request.POST:
            if preview.is_valid():
                texts = form.save(commit=False)
                texts.version = latest.version  # a preview is not a version
                content = services.preview_letter(
                    decision=preview.cleaned_data["decision"], texts=texts, by=request.user
                )
                name = f"voorbeeld-{preview.cleaned_data['decision'].number}.pdf"
                return private_file(io.BytesIO(content), filename=name, content_type=PDF, inline=True)
        else:
            texts = services.save_letter_texts(call=call, by=request.user, data=form.cleaned_data)
            messages.success(
                request, _("De brieftekst is opgeslagen als versie %(version)d.") % {"version": texts.version}
            )
            return redirect("call_letter_texts", pk=call.pk)
    status = 400 if request.method == "POST" else 200
    versions = LetterText.objects.filter(call=call).select_related("created_by").order_by("-version")[:20]
    return render(
        request,
        "allocations/letters/letter_texts.html",
        {"call": call, "form": form, "preview": preview, "latest": latest, "versions": versions},
        status=status,
    )


def _copy(texts: LetterText) -> dict:
    return {name: getattr(texts, name) for name in services.TEXT_FIELDS} | {"call": texts.call}
