"""Reconsidering one decision of a final run for an objection, and verifying a reconsideration like a run.

``reconsider`` re-runs the engine on the final run's frozen snapshot with only the corrections to the one
application (``reconsideration.py``: Awb 4:25 lid 3, 7:11) and stores what it gave; ``verify`` recomputes
that from the stored snapshot and corrections and compares it with what was stored. Neither writes anything
to the run, its lines, decisions or letters: those stay as they were decided and sent.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import audit, textlimits
from accounts.models import User
from accounts.money import cents, euros
from accounts.permissions import require
from accounts.workflow import TransitionNotAllowed
from allocations.runs import reconsideration, snapshot
from allocations.runs.models import AllocationRun, RunSnapshot
from allocations.runs.permissions import can_manage_allocation
from allocations.runs.reconsideration import Corrections
from allocations.runs.reconsideration_models import Reconsideration
from applications.models import Application, Call


def inputs_sha256(
    *,
    snapshot_sha256: str,
    application: int,
    corrections: dict,
    engine_version: str,
    reserve_used_before: int,
    sources: dict | None = None,
) -> str:
    """The SHA-256 of a reconsideration's inputs, as canonical JSON: the frozen snapshot (by its hash), the
    application and its corrections, the engine that computed it, and what the reserve had given before; and,
    when there are any, the sources of the corrections (a reopened scoring). Without sources the document is the
    one it always was, so earlier reconsiderations keep their hash."""
    document = {
        "snapshot_sha256": snapshot_sha256,
        "application": application,
        "corrections": corrections,
        "engine_version": engine_version,
        "reserve_used_before": reserve_used_before,
    }
    if sources:
        document["sources"] = sources
    return snapshot.sha256(document)


def reserve_used(run: AllocationRun, *, apart_from: int | None = None) -> int:
    """What the reconsiderations that stand (the latest per application) took from the run's reserve, in cents;
    ``apart_from``: not counting that application's, which a new reconsideration of it replaces."""
    standing = Reconsideration.objects.filter(run=run).current()
    if apart_from is not None:
        standing = standing.exclude(application_id=apart_from)
    return cents(standing.aggregate(total=Sum("from_reserve"))["total"]) or 0


def _frozen_snapshot(run: AllocationRun) -> RunSnapshot:
    """The run's stored inputs, refused when they no longer match their hash: a re-run on inputs that changed
    would not be the division as it stood."""
    stored = RunSnapshot.objects.get(run=run)
    if not (snapshot.sha256(stored.data) == stored.sha256 == run.input_hash):
        raise TransitionNotAllowed(
            _(
                "De vastgelegde invoer van deze verdeling klopt niet meer met haar hash. Controleer de verdeling; "
                "een heroverweging kan zo niet worden berekend."
            )
        )
    return stored


def _corrections(corrections: Corrections | dict) -> Corrections:
    if isinstance(corrections, Corrections):
        return Corrections.from_json(corrections.as_json())
    if not isinstance(corrections, dict):
        raise ValidationError({"corrections": [_("De correcties zijn onleesbaar.")]})
    return Corrections.from_json(corrections)


def reconsider(
    *,
    run: AllocationRun,
    application: Application,
    corrections: Corrections | dict,
    reason: str,
    by: User,
    now: datetime.datetime | None = None,
    sources: dict | None = None,
) -> Reconsideration:
    """Re-run the final ``run`` on its frozen snapshot with only ``corrections`` to ``application``, and store
    it. Administrators only; a run that is not final is a 409; bad corrections, no reason, or an application
    the run did not divide are a ValidationError per field. Changes nothing of the run (Awb 4:25 lid 3).

    ``sources`` says where corrections came from (per correction, e.g. the reopened scoring behind ``points``);
    the caller that has the source checks it, this records it and hashes it with the inputs."""
    require(can_manage_allocation(by))
    now = now or timezone.now()
    if not run.is_final:
        raise TransitionNotAllowed(
            _("Alleen een definitieve verdeling kan worden heroverwogen; deze is: %(status)s.")
            % {"status": run.get_status_display()}
        )
    errors: dict[str, list[str]] = {}
    try:
        corrected = _corrections(corrections)
    except ValidationError as error:
        errors.update(error.message_dict)
        corrected = None
    if corrected is not None and corrected.empty:
        errors["corrections"] = [_("Geef ten minste één correctie op: het bedrag, de subsidiabiliteit of de punten.")]
    reason = (reason or "").strip()
    if not reason:
        errors["reason"] = [_("Geef de reden van de heroverweging.")]
    elif len(reason) > textlimits.MESSAGE:
        errors["reason"] = [
            str(textlimits.MESSAGE_TOO_LONG % {"limit_value": textlimits.MESSAGE, "show_value": len(reason)})
        ]
    if application.call_id != run.call_id:
        errors.setdefault("application", []).extend(reconsideration.NotInRun().message_dict["application"])
    sources = sources or {}
    if set(sources) - {"requested", "eligible", "points"}:
        errors.setdefault("corrections", []).append(_("Een herkomst hoort bij een correctie."))
    if errors:
        raise ValidationError(errors)
    assert corrected is not None
    with transaction.atomic():
        # One reconsideration at a time per call: each reads what the reserve still holds.
        Call.objects.select_for_update().get(pk=run.call_id)
        stored = _frozen_snapshot(run)
        used = reserve_used(run, apart_from=application.pk)
        result = reconsideration.reconsider(stored.data, application.pk, corrected, reserve_used=used)
        document = corrected.as_json()
        previous = Reconsideration.objects.filter(run=run, application=application).current().first()
        record = Reconsideration.objects.create(
            run=run,
            application=application,
            replaces=previous,
            corrections=document,
            sources=sources,
            reason=reason,
            snapshot_sha256=stored.sha256,
            engine_version=snapshot.ENGINE_VERSION,
            reserve_used_before=euros(used),
            sha256=inputs_sha256(
                snapshot_sha256=stored.sha256,
                application=application.pk,
                corrections=document,
                engine_version=snapshot.ENGINE_VERSION,
                reserve_used_before=used,
                sources=sources,
            ),
            result=result.as_json(),
            old_amount=euros(result.old.awarded),
            rerun_amount=euros(result.new.awarded),
            awarded=euros(result.awarded),
            extra=euros(result.extra),
            from_reserve=euros(result.from_reserve),
            on_top=euros(result.on_top),
            not_worse_off=result.not_worse_off,
            computed_by=by,
            computed_at=now,
        )
        audit.record(
            actor=by,
            verb="allocation_run.reconsidered",
            target=record.run,
            data={
                "reconsideration": record.pk,
                "reference": application.reference,
                "corrections": document,
                "sources": sources,
                "reason": reason,
                "old": f"{euros(result.old.awarded):.2f}",
                "awarded": f"{euros(result.awarded):.2f}",
                "extra": f"{euros(result.extra):.2f}",
                "from_reserve": f"{euros(result.from_reserve):.2f}",
                "on_top": f"{euros(result.on_top):.2f}",
                "sha256": record.sha256,
            },
        )
    return record


@dataclass
class ReconsiderationCheck:
    """What ``verify`` found: the inputs against their hash, and the recomputed result against the stored one."""

    hash_ok: bool
    stored_hash: str
    computed_hash: str
    snapshot_ok: bool
    engine_version: str
    differences: list[dict] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.hash_ok and self.snapshot_ok and not self.differences


def _compare(stored, computed, path: str, reference: str, found: list[dict]) -> None:
    if isinstance(stored, dict) and isinstance(computed, dict):
        for key in sorted(set(stored) | set(computed), key=str):
            _compare(stored.get(key), computed.get(key), f"{path}.{key}" if path else str(key), reference, found)
    elif stored != computed:
        found.append({"reference": reference, "field": path, "stored": str(stored), "computed": str(computed)})


def result_differences(stored: dict, computed: dict) -> list[dict]:
    """Every value of the stored result against the recomputed one: the objector's, then line by line."""
    found: list[dict] = []
    head = {k: v for k, v in stored.items() if k != "lines"}
    _compare(head, {k: v for k, v in computed.items() if k != "lines"}, "", stored.get("reference", ""), found)
    before = {line["application"]: line for line in stored.get("lines", [])}
    after = {line["application"]: line for line in computed.get("lines", [])}
    for pk in sorted(set(before) | set(after)):
        a, b = before.get(pk), after.get(pk)
        either = a if a is not None else b
        assert either is not None  # pk came from one of the two
        reference = either["reference"]
        if a is None or b is None:
            found.append(
                {
                    "reference": reference,
                    "field": "line",
                    "stored": "present" if a else "absent",
                    "computed": "present" if b else "absent",
                }
            )
            continue
        _compare(a, b, "", reference, found)
    return found


def _column_differences(record: Reconsideration, computed: dict) -> list[dict]:
    columns = {
        "old_amount": computed["old"]["awarded"],
        "rerun_amount": computed["new"]["awarded"],
        "awarded": computed["awarded"],
        "extra": computed["extra"],
        "from_reserve": computed["from_reserve"],
        "on_top": computed["on_top"],
        "reserve_used_before": computed["reserve_used_before"],
    }
    found = [
        {
            "reference": record.application.reference,
            "field": name,
            "stored": str(cents(getattr(record, name))),
            "computed": str(value),
        }
        for name, value in columns.items()
        if cents(getattr(record, name)) != value
    ]
    if record.not_worse_off != computed["not_worse_off"]:
        found.append(
            {
                "reference": record.application.reference,
                "field": "not_worse_off",
                "stored": str(record.not_worse_off),
                "computed": str(computed["not_worse_off"]),
            }
        )
    return found


def verify(*, reconsideration_record: Reconsideration, by: User) -> ReconsiderationCheck:
    """Recompute the reconsideration from the run's stored snapshot and the stored corrections, and compare it
    with what was stored: the inputs' hash, every value of the result, and its money columns."""
    require(can_manage_allocation(by))
    record = reconsideration_record
    stored = RunSnapshot.objects.get(run_id=record.run_id)
    snapshot_hash = snapshot.sha256(stored.data)
    computed_hash = inputs_sha256(
        snapshot_sha256=snapshot_hash,
        application=record.application_id,
        corrections=record.corrections,
        engine_version=record.engine_version,
        reserve_used_before=cents(record.reserve_used_before),
        sources=record.sources,
    )
    differences: list[dict] = []
    try:
        result = reconsideration.reconsider(
            stored.data,
            record.application_id,
            Corrections.from_json(record.corrections),
            reserve_used=cents(record.reserve_used_before),
        )
    except (ValidationError, ValueError, KeyError, TypeError) as exc:
        differences.append({"reference": "", "field": "result", "stored": "", "computed": str(exc)})
    else:
        computed = result.as_json()
        differences += result_differences(record.result, computed)
        differences += _column_differences(record, computed)
    check = ReconsiderationCheck(
        hash_ok=computed_hash == record.sha256,
        stored_hash=record.sha256,
        computed_hash=computed_hash,
        snapshot_ok=snapshot_hash == record.snapshot_sha256 == stored.sha256,
        engine_version=snapshot.ENGINE_VERSION,
        differences=differences,
    )
    audit.record(
        actor=by,
        verb="allocation_run.reconsideration_verified",
        target=record.run,
        data={"reconsideration": record.pk, "reference": record.application.reference, "ok": check.ok},
    )
    return check
