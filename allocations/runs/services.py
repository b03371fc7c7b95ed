"""Allocation runs: start, retry, approve with four eyes, and verify.

Every state change a person makes is here, as keyword-only functions that check the rules, write and audit;
each status change takes the run's lifecycle table (``transitions.move``). The task's work (a run is a leased
job, ``allocations.jobs``: computing and writing its lines, the sweeper) is in ``execution``; a run is queued
with ``execution.enqueue`` once its row is committed. The policy is saved by ``policies.save_policy``.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import F, Max
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts import audit
from accounts.models import User
from accounts.money import cents
from accounts.permissions import require
from accounts.workflow import SamePerson, TransitionNotAllowed
from allocations.runs import execution, plan, snapshot, transitions, verification
from allocations.runs.models import (
    AllocationLine,
    AllocationRun,
    Decision,
    Outcome,
    RunSnapshot,
    RunStatus,
    outcome_for,
)
from allocations.runs.permissions import can_approve_run, can_manage_allocation
from allocations.runs.rules import RulesCheck, approval_refusal, rules_check
from allocations.runs.selectors import competing_applications, policy_of
from applications.models import Call
from applications.workflow import move_each

PHASES = {
    "queued": gettext_lazy("in de wachtrij"),
    "snapshot": gettext_lazy("invoer vastleggen"),
    "engine": gettext_lazy("verdelen"),
    "writing": gettext_lazy("regels opslaan"),
    "done": gettext_lazy("klaar"),
    "failed": gettext_lazy("mislukt"),
}


def progress_text(run: AllocationRun) -> str:
    """What the progress line says: the status, and while the run computes its phase and percentage
    ("Bezig: verdelen (60%)"). The page and its live updates show the same words."""
    status = str(run.get_status_display())
    if run.status == RunStatus.RUNNING:
        return f"{status}: {PHASES.get(run.phase, run.phase)} ({run.progress}%)"
    return status


DECISION_ACTIONS: dict[str, str] = {
    Outcome.AWARDED: "award",
    Outcome.PARTIALLY_AWARDED: "partially_award",
    Outcome.REJECTED: "reject",
}


class OwnRunApproval(SamePerson):
    """The four-eyes rule: whoever started a run may not approve it (HTTP 403 with this message)."""

    def __init__(self) -> None:
        super().__init__(
            _(
                "U hebt deze verdeling zelf gestart. Volgens het vier-ogenprincipe moet een andere beheerder "
                "haar goedkeuren."
            )
        )


def start_run(*, call: Call, by: User, now: datetime.datetime | None = None) -> AllocationRun:
    """Create a queued run of the call's current policy and enqueue its task once committed. While a run of
    the call is still queued or running, no other starts (a double click, two administrators at once)."""
    require(can_manage_allocation(by))
    now = now or timezone.now()
    check_window_closed(call, now)
    with transaction.atomic():
        Call.objects.select_for_update().get(pk=call.pk)  # one number per run, also when two start at once
        refusal = start_refusal(call, now)
        if refusal:
            raise TransitionNotAllowed(refusal)
        busy = AllocationRun.objects.filter(call=call, status__in=(RunStatus.QUEUED, RunStatus.RUNNING)).first()
        if busy is not None:
            raise TransitionNotAllowed(
                _("Verdeling %(number)s van deze ronde wordt nog berekend; wacht tot die klaar is.")
                % {"number": busy.number},
                details={"run": busy.pk},
            )
        policy = policy_of(call)
        number = (AllocationRun.objects.filter(call=call).aggregate(n=Max("number"))["n"] or 0) + 1
        run = AllocationRun.objects.create(
            call=call,
            number=number,
            method=policy.method,
            parameters={
                "policy_revision": policy.revision if policy.pk else 0,
                "seed": policy.seed,
                "tiebreak": policy.tiebreak,
            },
            phase="queued",
            started_by=by,
            created_at=now,
        )
        audit.record(actor=by, verb="allocation_run.started", target=run, data={"call": call.code, "number": number})
        transaction.on_commit(lambda: execution.enqueue(run.pk), robust=True)  # the sweeper re-queues a lost one
    return run


FINAL_EXISTS = gettext_lazy(
    "Deze ronde heeft al een definitieve verdeling; een nieuwe verdeling zou nooit kunnen worden goedgekeurd. "
    "Een besluit herzien hoort bij de behandeling van bezwaren."
)


def start_refusal(call: Call, now: datetime.datetime | None = None) -> str:
    """Why no run of ``call`` can start now ('' when one can): its window is not closed yet, or it already has
    a final run. The page shows these words instead of the button, and ``start_run`` refuses with them."""
    now = now or timezone.now()
    if call.status_at(now) != Call.Status.CLOSED:
        return _("Een verdeling kan pas worden berekend als de aanvraagtermijn is gesloten (op %(closes)s).") % {
            "closes": formats.date_format(timezone.localtime(call.closes_at), "j F Y, H:i")
        }
    if AllocationRun.objects.filter(call=call, status=RunStatus.FINAL).exists():
        return str(FINAL_EXISTS)
    return ""


def check_window_closed(call: Call, now: datetime.datetime) -> None:
    """A run divides the applications of a closed window: while it is open or has not opened, more may come."""
    if call.status_at(now) != Call.Status.CLOSED:
        raise TransitionNotAllowed(
            _("Een verdeling kan pas worden berekend als de aanvraagtermijn is gesloten (op %(closes)s).")
            % {"closes": formats.date_format(timezone.localtime(call.closes_at), "j F Y, H:i")}
        )


def retry_run(*, run: AllocationRun, by: User) -> AllocationRun:
    """A failed run is queued again (same number: it is the same run, tried once more), with its attempts
    counted afresh."""
    require(can_manage_allocation(by))
    with transaction.atomic():
        run = transitions.move(
            run,
            "retry",
            by=by,
            fields={"phase": "queued", "progress": 0, "error": "", "lease_until": None, "attempts": 0},
        )
        transaction.on_commit(lambda: execution.enqueue(run.pk), robust=True)  # the sweeper re-queues a lost one
    return run


@dataclass
class ApprovalCheck:
    """Why a run may not be approved now (empty when it may)."""

    own_run: bool = False
    state_message: str = ""
    changes: list[dict] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    # When the inputs were last found unchanged, if that verdict was reused (the page's check, see below).
    inputs_checked_at: datetime.datetime | None = None

    @property
    def ok(self) -> bool:
        return not (self.own_run or self.state_message or self.changes or self.missing)

    @property
    def refusal(self) -> str:
        """Why the state forbids approving (the 409's message): the run's state, changed inputs, or
        applications the run did not take. "" when nothing in the state stands in the way."""
        if self.state_message:
            return self.state_message
        if self.changes:
            return _("De invoer is gewijzigd sinds deze verdeling is berekend. Bereken een nieuwe verdeling.")
        if self.missing:
            return _("Niet alle aanvragen van de ronde zijn in deze verdeling meegenomen: %(refs)s.") % {
                "refs": ", ".join(self.missing[:20])
            }
        return ""


def approval_check(run: AllocationRun, user: User, *, reuse: bool = False) -> ApprovalCheck:
    """Why ``user`` may not approve ``run`` now. The inputs are rebuilt and compared with the stored ones;
    with ``reuse`` (the run page) a finding that they were unchanged, at most ``snapshot.UNCHANGED_SECONDS``
    old, is taken instead and its time shown. A change found is never remembered, and ends such a finding."""
    check = ApprovalCheck(own_run=run.started_by_id == user.pk)
    if run.status != RunStatus.DRAFT:
        check.state_message = _("Alleen een concept-verdeling kan worden goedgekeurd; deze is: %(status)s.") % {
            "status": run.get_status_display()
        }
        return check
    if AllocationRun.objects.final().filter(call_id=run.call_id).exclude(pk=run.pk).exists():
        check.state_message = _(
            "Deze ronde heeft al een definitieve verdeling. Een besluit herzien hoort bij de behandeling van "
            "bezwaren en kan hier niet."
        )
        return check
    check.state_message = approval_refusal(run)  # the rules applied must be the published ones
    if check.state_message:
        return check
    checked_at = snapshot.unchanged_since(run.pk, run.input_hash) if reuse else None
    if checked_at is not None:
        check.inputs_checked_at = checked_at
    else:
        built_at = timezone.now()
        fresh = snapshot.build(run.call, policy_of(run.call))
        if snapshot.sha256(fresh) != run.input_hash:
            # The stored inputs (large) are read only to say what changed.
            stored = RunSnapshot.objects.get(run=run)
            check.changes = snapshot.differences(stored.data, fresh)
            snapshot.forget_unchanged(run.pk, run.input_hash)  # an earlier finding of no change is out of date
        else:
            snapshot.remember_unchanged(run.pk, run.input_hash, built_at)
    in_run = set(AllocationLine.objects.filter(run=run, included=True).values_list("application_id", flat=True))
    check.missing = list(
        competing_applications(run.call_id)
        .exclude(pk__in=in_run)
        .order_by("reference")
        .values_list("reference", flat=True)
    )
    return check


def _outcome(line: AllocationLine) -> str:
    return outcome_for(awarded=line.awarded, requested=line.requested)


def approve_run(*, run: AllocationRun, by: User, now: datetime.datetime | None = None) -> AllocationRun:
    """Make a draft final: a decision per application, each through the lifecycle's one road, audited.

    Approval renders nothing: the letters are made when an administrator prepares them with the day they
    will be sent (``allocations.letters.batches.prepare_letters``), the date they print."""
    require(can_manage_allocation(by))
    if not can_approve_run(by, run):
        raise OwnRunApproval
    now = now or timezone.now()
    with transaction.atomic():
        Call.objects.select_for_update().get(pk=run.call_id)
        run = AllocationRun.objects.select_for_update().select_related("call").get(pk=run.pk)
        check = approval_check(run, by)
        if check.refusal:
            raise TransitionNotAllowed(check.refusal, details={"changes": check.changes, "missing": check.missing})
        lines = list(
            AllocationLine.objects.filter(run=run)
            .select_related("application")
            .order_by(F("rank").asc(nulls_last=True), "pk")
        )
        transitions.move(
            run,
            "approve",
            by=by,
            fields={"approved_by": by, "approved_at": now},
            data={"decisions": len(lines), "total_awarded": run.total_awarded, "input_hash": run.input_hash},
            locked=True,
        )
        prefix = run.call.reference_prefix
        decisions = []
        with translation.override("nl"):  # the record's language, whoever approves
            reasons = {line.pk: line.reason_label for line in lines}
        for seq, line in enumerate(lines, start=1):
            outcome = _outcome(line)
            decisions.append(
                Decision(
                    application=line.application,
                    run=run,
                    line=line,
                    number=f"{prefix}-B{run.number}-{seq:04d}",
                    outcome=outcome,
                    amount=line.awarded,
                    reason=reasons[line.pk],
                    decided_at=now,
                    decided_by=by,
                )
            )
        Decision.objects.bulk_create(decisions)
        # Every application through the lifecycle's one road, in one go (a call has hundreds).
        move_each(
            [
                (
                    decision.application,
                    DECISION_ACTIONS[decision.outcome],
                    {
                        "decision": decision.number,
                        "amount": decision.amount,
                        "outcome": decision.outcome,
                        "run": run.pk,
                        "reason": decision.reason,
                    },
                )
                for decision in decisions
            ],
            by=by,
            now=now,
        )
    return run


@dataclass
class Verification:
    hash_ok: bool
    stored_hash: str
    computed_hash: str
    engine_version: str
    differences: list[dict]
    # Of a final run: how many decisions and letters (sent or current) were compared too.
    decisions_checked: int = 0
    letters_checked: int = 0
    rules: RulesCheck | None = None  # the rules the run applied against the published ones

    @property
    def ok(self) -> bool:
        return self.hash_ok and not self.differences


def verify_run(*, run: AllocationRun, by: User) -> Verification:
    """Re-run the engine on the stored snapshot and compare every line and the run's totals; check the
    snapshot's hash. Of a final run, also every decision and every sent or current letter (the amount it
    prints, and its file's hash), as these are what the municipality holds (``verification``)."""
    require(can_manage_allocation(by))
    if not run.is_computed:
        raise TransitionNotAllowed(_("Alleen een berekende verdeling kan worden gecontroleerd."))
    stored = RunSnapshot.objects.get(run=run)
    computed_hash = snapshot.sha256(stored.data)
    differences: list[dict] = []
    computed: plan.Plan | None = None
    try:
        computed = plan.compute(stored.data)
    except (ValueError, KeyError, TypeError) as exc:
        differences.append({"reference": "", "field": "snapshot", "stored": "", "computed": str(exc)})
    planned = {p.application: p for p in computed.lines} if computed is not None else None
    expected = {pk: p.comparable() for pk, p in (planned or {}).items()}
    line_ids: dict[int, int] = {}
    lines = AllocationLine.objects.filter(run=run).select_related("application").prefetch_related("splits")
    for line in lines:
        line_ids[line.application_id] = line.pk
        actual = {
            "included": line.included,
            "rank": line.rank,
            "pot": line.pot,
            "funded_from": line.funded_from,
            "ceiling": cents(line.ceiling),
            "awarded": cents(line.awarded),
            "reason": line.reason,
            "eligible": line.eligible,
            "is_cutoff": line.is_cutoff,
            "ground": line.ground,
            "splits": sorted((s.theme_id, s.year, cents(s.requested), cents(s.awarded)) for s in line.splits.all()),
        }
        wanted = expected.pop(line.application_id, None)
        if wanted is not None and stored.data.get("schema", 1) < 2:
            del wanted["ground"]  # runs from before grounds were stored have none to compare
        if wanted is None:
            differences.append(
                {"reference": line.application.reference, "field": "line", "stored": "present", "computed": "absent"}
            )
            continue
        for key, value in wanted.items():
            if actual[key] != value:
                differences.append(
                    {
                        "reference": line.application.reference,
                        "field": key,
                        "stored": str(actual[key]),
                        "computed": str(value),
                    }
                )
    for pk in expected:
        differences.append({"reference": str(pk), "field": "line", "stored": "absent", "computed": "present"})
    if computed is not None:
        differences += verification.total_differences(run, computed)
    decisions_checked = letters_checked = 0
    if run.is_final:
        found, decisions_checked = verification.decision_differences(run, planned, line_ids)
        differences += found
        found, letters_checked = verification.letter_differences(run, planned)
        differences += found
        differences += verification.instalment_differences(run)
    rules = rules_check(run)  # a run whose rules differ from the published version does not verify
    result = Verification(
        hash_ok=computed_hash == stored.sha256 == run.input_hash,
        stored_hash=run.input_hash,
        computed_hash=computed_hash,
        engine_version=snapshot.ENGINE_VERSION,
        differences=differences + rules.differences,
        decisions_checked=decisions_checked,
        letters_checked=letters_checked,
        rules=rules,
    )
    audit.record(
        actor=by,
        verb="allocation_run.verified",
        target=run,
        data={
            "ok": result.ok,
            "hash_ok": result.hash_ok,
            "differences": len(differences),
            "decisions": decisions_checked,
            "letters": letters_checked,
        },
    )
    return result
