"""Every state change of an application: keyword-only functions that check the rule, validate, write
and record the audit event, in one transaction. Views, the API and tasks only call these."""

from __future__ import annotations

import datetime
from collections import defaultdict

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import audit
from accounts.models import User
from accounts.permissions import require
from accounts.workflow import TransitionNotAllowed
from applications import emails, validation
from applications.models import (
    CONTENT_FIELDS,
    MONEY_FIELDS,
    Application,
    Attachment,
    BudgetLine,
    Call,
    InformationRequest,
    ReferenceCounter,
    ReviewAssignment,
    Status,
)
from applications.permissions import (
    can_edit_application,
    can_start_application,
    can_view_application,
    is_officer_of,
)
from applications.tasks import store_submission_copy
from applications.workflow import move


class ConcurrentEdit(TransitionNotAllowed):
    """Someone saved the application after this person loaded it (HTTP 409 in the API)."""


def check_visible(application: Application, by: User) -> None:
    """404 unless the caller may see the application as it is now in the database."""
    current = Application.objects.filter(pk=application.pk).only("status", "municipality_id", "submitted_at").first()
    require(current is not None and can_view_application(by, current), not_found=True)


def lock(application: Application, by: User) -> Application:
    """The row, locked for this transaction, checked again for visibility once locked."""
    locked = (
        Application.objects.select_for_update()
        .select_related("call", "call__scheme", "municipality", "updated_by")
        .filter(pk=application.pk)
        .first()
    )
    if locked is None or not can_view_application(by, locked):
        raise Http404
    return locked


def check_editable(application: Application, by: User, expected_revision: int | None) -> None:
    """Only the municipality edits, and only a draft or an application the ministry asked to complete."""
    require(is_officer_of(by, application))
    if not can_edit_application(by, application):
        raise TransitionNotAllowed(
            _("Deze aanvraag is %(status)s en kan niet meer worden gewijzigd.")
            % {"status": application.get_status_display().lower()}
        )
    if expected_revision is not None and int(expected_revision) != application.revision:
        raise ConcurrentEdit(
            _(
                "%(name)s heeft deze aanvraag intussen gewijzigd (om %(time)s). Uw wijziging is niet opgeslagen; "
                "open de aanvraag opnieuw en voer uw wijziging nog eens in."
            )
            % {
                "name": application.updated_by.display_name,
                "time": timezone.localtime(application.updated_at).strftime("%H:%M"),
            }
        )


def touch(application: Application, by: User, now: datetime.datetime) -> None:
    """A new revision; "Laatst bewerkt door" credits only the municipality's own work, not ministry actions."""
    application.revision += 1
    if is_officer_of(by, application):
        application.updated_by = by
        application.updated_at = now


def _next_reference(call: Call, municipality) -> str:
    """The next number from the call's counter for this municipality, taken under a row lock; call inside
    the transaction that creates the application. A number is never handed out twice, also after a
    draft is deleted."""
    prefix = f"{call.reference_prefix}-{municipality.cbs_code}-"
    counter, _created = ReferenceCounter.objects.select_for_update().get_or_create(
        call=call, municipality=municipality, defaults={"last": _highest_number(prefix)}
    )
    counter.last += 1
    counter.save(update_fields=["last"])
    return f"{prefix}{counter.last}"


def _highest_number(prefix: str) -> int:
    """For calls that started before the counter existed: carry on after the highest number in use."""
    numbers = [
        int(suffix)
        for suffix in (
            reference.removeprefix(prefix)
            for reference in Application.objects.filter(reference__startswith=prefix).values_list(
                "reference", flat=True
            )
        )
        if suffix.isdigit()
    ]
    return max(numbers, default=0)


def start_application(
    *, call: Call, by: User, title: str, area_name: str = "", now: datetime.datetime | None = None
) -> Application:
    """Create a draft for the officer's municipality; refuses closed calls, ineligible municipalities
    and a second application where the call allows one per municipality (or per area)."""
    now = now or timezone.now()
    require(can_start_application(by))
    require(call.is_published, not_found=True)
    municipality = by.municipality
    if municipality is None:  # an officer always has one
        raise PermissionDenied
    errors: validation.Errors = defaultdict(list)
    title = (title or "").strip()
    area_name = (area_name or "").strip() if call.multiple_per_municipality else ""
    if not title:
        errors["title"].append(_("Geef de aanvraag een titel."))
    if len(title) > 200:
        errors["title"].append(_("De titel is te lang (maximaal 200 tekens)."))
    if call.multiple_per_municipality and not area_name:
        errors["area_name"].append(_("In deze ronde vraagt u per gebied aan; kies het gebied."))
    window = validation.window_error(call, now)
    if call.status_at(now) == Call.Status.CLOSED and window:
        errors["call"].append(window)
    if not call.is_open_to(municipality, timezone.localdate(now)):
        errors["call"].append(
            _(
                "Gemeente %(municipality)s komt niet in aanmerking voor deze ronde; die staat alleen open "
                "voor leden van: %(networks)s."
            )
            % {
                "municipality": municipality.name,
                "networks": ", ".join(n.name for n in call.eligible_networks.all()),
            }
        )
    existing = (
        Application.objects.filter(call=call, municipality=municipality, area_name=area_name)
        .exclude(status=Status.WITHDRAWN)
        .first()
    )
    if existing is not None:
        field = "area_name" if call.multiple_per_municipality else "call"
        errors[field].append(
            (
                _("Uw gemeente heeft al een aanvraag voor dit gebied in deze ronde (kenmerk %(reference)s).")
                if call.multiple_per_municipality
                else _(
                    "Uw gemeente heeft al een aanvraag in deze ronde (kenmerk %(reference)s). Er is één aanvraag "
                    "per gemeente toegestaan."
                )
            )
            % {"reference": existing.reference}
        )
    validation.raise_if(errors)
    for _attempt in range(3):
        try:
            with transaction.atomic():
                application = Application.objects.create(
                    call=call,
                    municipality=municipality,
                    area_name=area_name,
                    title=title,
                    reference=_next_reference(call, municipality),
                    created_by=by,
                    updated_by=by,
                    created_at=now,
                    updated_at=now,
                )
                audit.record(
                    actor=by,
                    verb="application.created",
                    target=application,
                    after={"status": application.status, "title": title, "area_name": area_name},
                )
                return application
        except IntegrityError as exc:
            if (
                Application.objects.filter(call=call, municipality=municipality, area_name=area_name)
                .exclude(status=Status.WITHDRAWN)
                .exists()
            ):
                raise ValidationError({"call": [_("Uw gemeente heeft al een aanvraag in deze ronde.")]}) from exc
    raise ValidationError({"call": [_("Het kenmerk kon niet worden toegekend; probeer het opnieuw.")]})


def update_application(
    *,
    application: Application,
    by: User,
    data: dict,
    expected_revision: int | None = None,
    now: datetime.datetime | None = None,
) -> Application:
    """Save changed content fields of a draft (or of an application the ministry asked to complete)."""
    now = now or timezone.now()
    check_visible(application, by)
    unknown = set(data) - set(CONTENT_FIELDS)
    if unknown:
        raise ValidationError(
            {field: [_("Dit veld bestaat niet of kan niet worden gewijzigd.")] for field in sorted(unknown)}
        )
    with transaction.atomic():
        application = lock(application, by)
        check_editable(application, by, expected_revision)
        call = application.call
        errors: validation.Errors = defaultdict(list)
        changes = {}
        for field, value in data.items():
            if field in MONEY_FIELDS:
                value = validation.parse_amount(value, field=field, errors=errors, allow_zero=MONEY_FIELDS[field])
            elif isinstance(value, str):
                value = value.strip()
            elif value is None:
                value = ""
            if field == "area_name" and not call.multiple_per_municipality:
                value = ""
            if field == "area_name" and application.status != Status.DRAFT and value != application.area_name:
                errors[field].append(_("Het gebied kan na indienen niet meer worden gewijzigd."))
            if field == "title" and not value:
                errors[field].append(_("Geef de aanvraag een titel."))
            if getattr(application, field) != value:
                changes[field] = value
        if "requested_amount" in changes:
            validation.check_requested_amount(changes["requested_amount"], call, errors)
        if "area_name" in changes and call.multiple_per_municipality:
            clash = Application.objects.filter(
                call=call, municipality=application.municipality, area_name=changes["area_name"]
            ).exclude(pk=application.pk)
            if clash.exclude(status=Status.WITHDRAWN).exists():
                errors["area_name"].append(_("Uw gemeente heeft al een aanvraag voor dit gebied in deze ronde."))
        validation.raise_if(errors)
        if not changes:
            return application
        before = {field: getattr(application, field) for field in changes}
        for field, value in changes.items():
            setattr(application, field, value)
        application.full_clean(exclude=["call", "municipality", "created_by", "updated_by", "reference"])
        touch(application, by, now)
        application.save()
        audit.record(actor=by, verb="application.updated", target=application, before=before, after=changes)
    return application


def replace_budget_lines(
    *,
    application: Application,
    by: User,
    lines: list[dict],
    expected_revision: int | None = None,
    now: datetime.datetime | None = None,
) -> Application:
    """Replace the whole budget: one amount per theme per year of the call."""
    now = now or timezone.now()
    check_visible(application, by)
    with transaction.atomic():
        application = lock(application, by)
        check_editable(application, by, expected_revision)
        errors, cleaned = validation.check_budget_lines(lines, application.call)
        validation.raise_if(errors)
        before = [
            {"theme": line.theme.name, "year": line.year, "amount": line.amount}
            for line in application.budget_lines.select_related("theme")
        ]
        application.budget_lines.all().delete()
        BudgetLine.objects.bulk_create([BudgetLine(application=application, **line) for line in cleaned])
        touch(application, by, now)
        application.save(update_fields=["revision", "updated_by", "updated_at"])
        audit.record(
            actor=by,
            verb="application.budget_updated",
            target=application,
            before={"lines": before},
            after={
                "lines": [
                    {"theme": line["theme"].name, "year": line["year"], "amount": line["amount"]} for line in cleaned
                ]
            },
        )
    return application


def _collect(errors: dict[str, list[str]], exc: ValidationError) -> None:
    for key, messages in (exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}).items():
        errors[key].extend(messages)


def save_content(
    *,
    application: Application,
    by: User,
    data: dict,
    lines: list[dict] | None = None,
    expected_revision: int | None = None,
    now: datetime.datetime | None = None,
) -> Application:
    """Content fields, then (when ``lines`` is given) the whole budget, in one step: the step page and the
    API save a budget through here. The errors of both parts come back together (the budget's as
    ``lines.<index>.<field>``) and nothing is saved unless both pass."""
    errors: dict[str, list[str]] = defaultdict(list)
    with transaction.atomic():
        try:
            with transaction.atomic():
                application = update_application(
                    application=application, by=by, data=data, expected_revision=expected_revision, now=now
                )
        except ValidationError as exc:
            _collect(errors, exc)
        if lines is not None:
            try:
                with transaction.atomic():
                    # The revision was checked above, under the row lock this transaction still holds.
                    application = replace_budget_lines(application=application, by=by, lines=lines, now=now)
            except ValidationError as exc:
                _collect(errors, exc)
        if errors:
            raise ValidationError(dict(errors))
    return application


def submit_application(*, application: Application, by: User, now: datetime.datetime | None = None) -> Application:
    """Submit inside the call's window (a re-submission after an information request may come later)."""
    now = now or timezone.now()
    check_visible(application, by)
    previous = {}

    def complete(locked: Application) -> None:
        previous["status"] = locked.status
        validation.raise_if(validation.submission_errors(locked, now=now))
        locked.submitted_at = now
        touch(locked, by, now)

    # An answer to a request made during review goes back into review, to the reviewers it had.
    action = (
        "answer_information"
        if application.status == Status.INFO_REQUESTED
        and ReviewAssignment.objects.filter(application=application, active=True).exists()
        else "submit"
    )
    with transaction.atomic():
        application = move(
            application,
            action,
            by=by,
            now=now,
            check=complete,
            after_fields=("revision", "requested_amount", "submitted_at"),
        )
        if previous["status"] == Status.INFO_REQUESTED:
            InformationRequest.objects.filter(application=application, answered_at__isnull=True).update(
                answered_at=now, answered_by=by
            )
        emails.submission_receipt(application, submitted_by=by)
        application_id, submitted_at = application.pk, now.isoformat()
        # robust: a broker outage must not fail a submission that is already committed.
        transaction.on_commit(lambda: store_submission_copy.delay(application_id, submitted_at), robust=True)
    return application


def withdraw_application(
    *, application: Application, by: User, reason: str = "", now: datetime.datetime | None = None
) -> Application:
    now = now or timezone.now()
    check_visible(application, by)
    previous = {}

    def stamp(locked: Application) -> None:
        previous["status"] = locked.status
        locked.withdrawn_at = now
        touch(locked, by, now)

    with transaction.atomic():
        application = move(
            application,
            "withdraw",
            by=by,
            now=now,
            check=stamp,
            data={"reason": reason},
            after_fields=("revision",),
        )
        if previous["status"] != Status.DRAFT:
            emails.withdrawal_notice(application, withdrawn_by=by)
    return application


INFORMATION_REPLY_DAYS = 14


def default_reply_by(now: datetime.datetime | None = None) -> datetime.date:
    """The reply deadline an information request proposes: two weeks from today (Amsterdam time)."""
    return timezone.localdate(now or timezone.now()) + datetime.timedelta(days=INFORMATION_REPLY_DAYS)


def request_information(
    *,
    application: Application,
    by: User,
    message: str,
    reply_by: datetime.date | None = None,
    now: datetime.datetime | None = None,
) -> InformationRequest:
    """Ask the municipality to complete a submitted application or one in review (its reviews wait until
    the answer), with a reply deadline (Awb 4:5; two weeks unless the administrator chooses a date)."""
    now = now or timezone.now()
    check_visible(application, by)
    message = (message or "").strip()
    errors = {}
    if not message:
        errors["message"] = [_("Beschrijf welke informatie de gemeente moet aanvullen.")]
    reply_by = reply_by or default_reply_by(now)
    if reply_by <= timezone.localdate(now):
        errors["reply_by"] = [_("Kies een datum na vandaag.")]
    elif reply_by > timezone.localdate(now) + datetime.timedelta(days=365):
        errors["reply_by"] = [_("Kies een datum binnen een jaar.")]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        application = move(
            application,
            "request_information",
            by=by,
            now=now,
            check=lambda locked: touch(locked, by, now),
            data={"message": message, "reply_by": reply_by.isoformat()},
            after_fields=("revision",),
        )
        request = InformationRequest.objects.create(
            application=application, message=message, requested_by=by, requested_at=now, reply_by=reply_by
        )
        emails.information_requested(application, request)
    return request


def start_review(*, application: Application, by: User, now: datetime.datetime | None = None) -> Application:
    now = now or timezone.now()
    check_visible(application, by)
    with transaction.atomic():
        application = move(
            application,
            "start_review",
            by=by,
            now=now,
            check=lambda locked: touch(locked, by, now),
            after_fields=("revision",),
        )
    return application


def delete_draft(*, application: Application, by: User) -> None:
    """A draft that was never submitted may be thrown away; the audit trail keeps what it held."""
    check_visible(application, by)
    with transaction.atomic():
        application = lock(application, by)
        if application.status != Status.DRAFT:
            raise TransitionNotAllowed(_("Alleen een concept kan worden verwijderd; trek een ingediende aanvraag in."))
        require(can_edit_application(by, application))
        files = [a.file.name for a in application.attachments.all()]
        audit.record(
            actor=by,
            verb="application.draft_deleted",
            target=application,
            data={"reference": application.reference, "title": application.title, "attachments": len(files)},
        )
        application.delete()
        storage = Attachment._meta.get_field("file").storage

        def delete_files() -> None:
            for name in files:
                if name:
                    storage.delete(name)

        transaction.on_commit(delete_files)
