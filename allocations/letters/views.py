"""Pages for award letters: preparing a run's letters with their send date, the batch's live progress,
sending, texts with a preview, and downloads.

Thin: each view checks visibility (404) and role (403), calls a selector or a service, and renders.
"""

from __future__ import annotations

import io
import re

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.downloads import private_file
from accounts.forms import add_service_errors
from accounts.models import Role, User
from accounts.permissions import require
from accounts.workflow import TransitionNotAllowed
from allocations.confirmation import NOT_CONFIRMED, Summary, confirmed, render_confirmation
from allocations.letters import batches, deadlines, selectors, services
from allocations.letters.models import LetterText
from allocations.letters.permissions import (
    can_edit_letter_texts,
    can_manage_letters,
    can_view_application_letters,
)
from allocations.letters.transitions import BATCH_WORKFLOW
from allocations.objections import selectors as objections
from allocations.payments import selectors as payment_selectors
from allocations.runs.models import AllocationRun, Decision
from allocations.runs.permissions import can_view_decision
from allocations.settlements.selectors import settlement_letters_of
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
            "error_forms": [form] if "prepare" in offered else [],
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


def _officers_told(run: AllocationRun) -> tuple[int, int]:
    """(municipalities, people) that get the e-mail when the batch is sent: the active officers of each."""
    municipalities = Decision.objects.filter(run=run, sent_at__isnull=True).values("application__municipality_id")
    people = User.objects.filter(role=Role.OFFICER, is_active=True, municipality_id__in=municipalities)
    return people.values("municipality_id").distinct().count(), people.count()


def _send_summary(run: AllocationRun, batch) -> Summary:
    letters = Decision.objects.filter(run=run, sent_at__isnull=True).count()
    places, people = _officers_told(run)
    last_day = deadlines.objection_last_day(batch.send_on)
    return Summary(
        title=_("Batch van verdeling %(number)s als verzonden markeren") % {"number": run.number},
        lead=run.call.title,
        button=_("Ja, batch als verzonden markeren"),
        action_url=reverse("run_letters_send", args=[run.pk]),
        back_url=reverse("run_letters", args=[run.pk]),
        facts=[
            (_("Beschikkingen"), str(letters)),
            (_("Verzenddatum (de datum op de brieven)"), batches.long_date(batch.send_on)),
            (_("Einde van de bezwaartermijn"), batches.long_date(last_day)),
            (_("Gemeenten die een e-mail krijgen"), str(places)),
        ],
        consequences=[
            ngettext(
                "%(count)d beschikking geldt als verzonden op %(date)s; een verzonden brief verandert niet meer.",
                "%(count)d beschikkingen gelden als verzonden op %(date)s; een verzonden brief verandert niet meer.",
                letters,
            )
            % {"count": letters, "date": batches.long_date(batch.send_on)},
            _("De bezwaartermijn van zes weken begint; hij loopt tot en met %(date)s.")
            % {"date": batches.long_date(last_day)},
            ngettext(
                "De aanvragen krijgen de status ‘Beschikking verzonden’ en de gemeente ziet haar besluit.",
                "De aanvragen krijgen de status ‘Beschikking verzonden’ en de gemeenten zien hun besluit.",
                letters,
            ),
            ngettext(
                "%(people)d contactpersoon van de gemeenten krijgt nu een e-mail.",
                "%(people)d contactpersonen van de gemeenten krijgen nu een e-mail.",
                people,
            )
            % {"people": people},
        ],
    )


def _regenerate_summary(run: AllocationRun, batch) -> Summary:
    letters = selectors.current_letters(run=run).count()
    texts = selectors.latest_texts(run.call)
    return Summary(
        title=_("Brieven van verdeling %(number)s opnieuw maken") % {"number": run.number},
        lead=run.call.title,
        button=_("Ja, brieven opnieuw maken"),
        action_url=reverse("run_letters_regenerate", args=[run.pk]),
        back_url=reverse("run_letters", args=[run.pk]),
        facts=[
            (_("Brieven"), str(letters)),
            (_("Teksten"), _("versie %(version)s") % {"version": texts.version} if texts else "–"),
            (_("Datum op de brieven"), batches.long_date(batch.send_on)),
        ],
        consequences=[
            _("Elke brief wordt opnieuw gemaakt met de nieuwste teksten en dezelfde datum."),
            _("Een brief die daardoor verandert krijgt een nieuwe versie; de vorige versie blijft bewaard."),
            _("Niemand wordt geïnformeerd: de brieven zijn nog niet verzonden."),
        ],
    )


def _not_confirmed(request, run: AllocationRun):
    messages.error(request, str(NOT_CONFIRMED))
    return _run_letters_page(request, run, status=400)


@login_required
@require_http_methods(["GET", "POST"])
def run_letters_send(request, pk: int):
    """GET: the summary of sending (letters, date, objection term, e-mails), to confirm; POST: send."""
    run = _run_for_admin(request, pk)
    if request.method == "GET":
        batch = batches.batch_of(run)
        offered = {t.action for t in BATCH_WORKFLOW.available(request.user, batch)}
        if "send" not in offered or batches.send_refusal(run, batch):
            return redirect("run_letters", pk=run.pk)  # the page says why not
        return render_confirmation(request, _send_summary(run, batch))
    if not confirmed(request):
        return _not_confirmed(request, run)
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
@require_http_methods(["GET", "POST"])
def run_letters_regenerate(request, pk: int):
    """GET: the summary of making the letters again, to confirm; POST: make them again."""
    run = _run_for_admin(request, pk)
    if request.method == "GET":
        batch = batches.batch_of(run)
        if "regenerate" not in {t.action for t in BATCH_WORKFLOW.available(request.user, batch)}:
            return redirect("run_letters", pk=run.pk)
        return render_confirmation(request, _regenerate_summary(run, batch))
    if not confirmed(request):
        return _not_confirmed(request, run)
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
    """The letters of one application and the instalments of its decision: the municipality sees the versions
    sent to it and its instalments once sent, ministry staff all."""
    application = get_object_or_404(Application.objects.select_related("municipality", "call"), pk=pk)
    require(can_view_application_letters.test(request.user, application), not_found=True)
    letters = list(selectors.letters_of_application(application, viewer=request.user))
    decision = Decision.objects.filter(application=application).first()
    if decision is not None and not can_view_decision(request.user, application):
        decision = None
    instalments = list(payment_selectors.instalments_of_decision(decision).visible_to(request.user)) if decision else []
    return render(
        request,
        "allocations/letters/application_letters.html",
        {
            "application": application,
            "letters": letters,
            "decision": decision,
            "instalments": instalments,
            "instalment_sums": payment_selectors.sum_of(instalments),
            # "Bezwaar maken" for the municipality's officer once the decision was sent; the cases about it.
            "can_object": objections.objectable_decision(application, viewer=request.user) is not None,
            "objections": list(objections.cases_for(request.user).filter(decision=decision)) if decision else [],
            "settlement_letters": settlement_letters_of(decision, viewer=request.user) if decision else [],
        },
    )


FREE_TEXTS = ("introduction", "obligations", "unspent_money", "closing")
#: Where each text appears in the letter, shown beside its field.
WHERE = {
    "introduction": gettext_lazy(
        "Onder ‘Aanleiding’, na de zin over de aanvraag; in elke brief. Leeg: geen extra alinea."
    ),
    "obligations": gettext_lazy(
        "Onder ‘Verplichtingen’, als laatste punt; alleen in toekenningen (niet in afwijzingen)."
    ),
    "unspent_money": gettext_lazy("Onder ‘Verplichtingen’, na de bestedingsperiode; alleen in toekenningen."),
    "closing": gettext_lazy("Onder ‘Vragen’, na de contactgegevens, vóór de ondertekening; in elke brief."),
    "minister": gettext_lazy("In de ondertekening: ‘namens …’."),
    "signatory_name": gettext_lazy("In de ondertekening, onder ‘Hoogachtend’."),
    "signatory_function": gettext_lazy("In de ondertekening, onder de naam."),
    "directorate": gettext_lazy("In het briefhoofd, onder het ministerie."),
    "contact_name": gettext_lazy("Onder ‘Vragen’: met wie de gemeente contact opneemt."),
    "contact_email": gettext_lazy("Onder ‘Vragen’ en in het briefhoofd."),
    "contact_phone": gettext_lazy("Onder ‘Vragen’ en in het briefhoofd."),
}
NO_PLACEHOLDERS = gettext_lazy(
    "Deze tekst staat letterlijk in elke brief; invulvelden zoals %(found)s worden niet ingevuld. De brief noemt "
    "de gemeente, het bedrag en het kenmerk zelf al. Schrijf de tekst zonder accolades."
)


class LetterTextForm(forms.ModelForm):
    class Meta:
        model = LetterText
        fields = list(services.TEXT_FIELDS)
        widgets = {
            name: forms.Textarea(attrs={"rows": 4, "maxlength": 2000, "class": "utrecht-textarea"})
            for name in FREE_TEXTS
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            field.help_text = WHERE.get(name, "")
            if name not in FREE_TEXTS:
                field.widget.attrs.setdefault("class", "utrecht-textbox")

    def clean(self):
        """Placeholders such as {gemeente} would be printed literally: refused, with what was found."""
        cleaned = super().clean()
        for name in services.TEXT_FIELDS:
            found = re.findall(r"\{[^{}]*\}|[{}]", str(cleaned.get(name) or ""))
            if found:
                self.add_error(name, NO_PLACEHOLDERS % {"found": ", ".join(dict.fromkeys(found))})
        return cleaned


class DecisionChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        """By municipality and kind, so the right example is easy to find: "Utrecht – Afgewezen (KW-B1-0003)"."""
        return f"{obj.application.municipality.name} – {obj.get_outcome_display()} ({obj.number})"


class PreviewForm(forms.Form):
    decision = DecisionChoiceField(
        queryset=Decision.objects.none(),
        label=gettext_lazy("Voorbeeld voor besluit"),
        help_text=gettext_lazy(
            "Het voorbeeld opent in een nieuw tabblad, met de ingevulde teksten (nog niet opgeslagen) en het "
            "opschrift CONCEPT."
        ),
    )


@login_required
@require_http_methods(["GET", "POST"])
def call_letter_texts(request, pk: int):
    """Edit the call's letter texts (each save is a new version), or preview the letter for a decision."""
    require(can_edit_letter_texts.test(request.user, None))
    call = get_object_or_404(Call.objects.select_related("scheme"), pk=pk)
    latest = services.texts_for(call)
    decisions = (
        Decision.objects.filter(application__call=call)
        .select_related("application__municipality")
        .order_by("application__municipality__name", "number")
    )
    form = LetterTextForm(request.POST or None, instance=LetterText(**_copy(latest)))
    # The decision to preview is only asked for (and checked) when a preview is what was asked for.
    wants_preview = "preview" in request.POST
    preview = PreviewForm(request.POST if wants_preview else None)
    preview.fields["decision"].queryset = decisions
    form_valid = request.method == "POST" and form.is_valid()
    if wants_preview:
        preview.is_valid()  # its error belongs in the summary too, whatever the texts
    if form_valid:
        if wants_preview:
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
        {
            "call": call,
            "form": form,
            "preview": preview,
            "latest": latest,
            "versions": versions,
            "error_forms": [form, preview],
        },
        status=status,
    )


def _copy(texts: LetterText) -> dict:
    return {name: getattr(texts, name) for name in services.TEXT_FIELDS} | {"call": texts.call}
