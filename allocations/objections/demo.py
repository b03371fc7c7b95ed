"""Demo objections: a small closed call with a tie at the cut-off, divided, approved and sent three weeks ago, and
one objection case in each state against its decisions, including a founded one on the tie.

Used by ``seed_demo`` only. Everything after the call's applications goes through the services, each with the
moment it happened (``now``), so the audit trail, the terms and the letters read as a real history: the run is
started and approved by two administrators, its letters made and sent, and every case lodged, heard, reconsidered,
decided and approved the way the pages do it. Idempotent: a call whose decisions already have objections is left
alone.
"""

from __future__ import annotations

import datetime
import itertools
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from accounts.models import Municipality, User
from allocations.letters import batches
from allocations.letters import services as letter_services
from allocations.letters.deadlines import is_working_day, local_today
from allocations.letters.models import BatchStatus, JobStatus, LetterJob
from allocations.objections import outcome, selectors, services
from allocations.objections.models import CaseOutcome, ObjectionCase
from allocations.runs import execution, reconsideration_services
from allocations.runs import services as run_services
from allocations.runs.demo import _applications, _call, _publish
from allocations.runs.models import AllocationLine, AllocationRun, Decision
from applications.models import AssessmentSettings, Call, Criterion, Scheme

CALL_CODE = "bezwaren-demo-2026"
DEMO_DOMAIN = "demo.nplv.example"
#: The four municipalities with a demo officer: the top line, the two tied ones and the one that withdraws.
OFFICER_CODES = ("GM0356", "GM0363", "GM0794", "GM0400")
OTHERS = 7
CEILING = Decimal("100000.00")
RESERVE = Decimal("25000.00")
# Review score per application (1–10 on every criterion): the first scores highest, the two tied ones the
# same, the rest lower, so the ceiling runs out in the tie.
SCORES = [9, 7, 7, 6, 5, 5, 5, 4, 4, 4, 4]
REQUESTED = [Decimal("82000"), Decimal("50000"), Decimal("30000")] + [Decimal("40000")] * 8


def _at(day: datetime.date, hour: int = 10) -> datetime.datetime:
    """A moment on ``day`` that is that same day in Amsterdam."""
    return datetime.datetime(day.year, day.month, day.day, hour, 0, tzinfo=datetime.UTC)


def send_day(today: datetime.date) -> datetime.date:
    """The working day on or before three weeks ago: the objection term still runs, the cases have a history."""
    day = today - datetime.timedelta(days=21)
    while not is_working_day(day):
        day -= datetime.timedelta(days=1)
    return day


def _user(name: str) -> User:
    return User.objects.get(email=f"{name}@{DEMO_DOMAIN}")


def _municipalities() -> list[Municipality]:
    first = {m.cbs_code: m for m in Municipality.objects.filter(cbs_code__in=OFFICER_CODES)}
    others = Municipality.objects.exclude(cbs_code__in=OFFICER_CODES).order_by("cbs_code")[:OTHERS]
    return [first[code] for code in OFFICER_CODES] + list(others)


def _scheme() -> Scheme:
    scheme, _created = Scheme.objects.get_or_create(
        code="bezwaren-demo",
        defaults={
            "name": "Leefbaarheidsimpuls (demo voor bezwaren)",
            "kind": Scheme.Kind.FUND,
            "legal_basis": "Regeling leefbaarheidsimpuls (demoregeling) en titel 4.2 van de Algemene wet "
            "bestuursrecht.",
            "description": "Een kleine verdeling met een gelijke stand op de grens van het plafond.",
        },
    )
    for order, name in enumerate(["Wonen", "Veiligheid"], start=1):
        scheme.themes.get_or_create(name=name, defaults={"order": order})
    return scheme


def seed_objection_call(*, by: User, reviewers: list[User]) -> Call:
    """The closed call: a ceiling of € 100.000 with a reserve of € 25.000, reviewed applications, no need bands,
    so two applications with the same reviews tie exactly and a lottery decides."""
    call, fresh = _call(
        CALL_CODE,
        _scheme(),
        title="Leefbaarheidsimpuls 2026 (bezwaren-demo)",
        budget=CEILING + RESERVE,
        year_from=2026,
        year_to=2027,
        prefix="LBI26",
        description="Verdeeld en verzonden; met een bezwaar in elke stand (demo).",
    )
    if not fresh:
        return call
    with transaction.atomic():
        AssessmentSettings.objects.get_or_create(call=call, defaults={"need_reference_year": 2024})
        if not call.criteria.exists():
            for order, name in enumerate(["Aansluiting bij de doelen", "Effectiviteit van de aanpak"], start=1):
                Criterion.objects.create(call=call, name=name, weight=Decimal("5"), order=order)
        policy = {"method": "ranked", "partial_last": True, "reserve": RESERVE, "tiebreak": "lottery", "unit": 100}
        _publish(call, by=by, policy={"values": policy, "pots": [], "reservations": []})
        entries = [(m, "", requested) for m, requested in zip(_municipalities(), REQUESTED, strict=True)]
        place = {f"{call.reference_prefix}-{i:03d}": score for i, score in enumerate(SCORES, start=1)}
        _applications(call, entries, by=by, reviewers=reviewers, score=lambda ref, order, rank: place[ref])
    return call


def _render_letters(run: AllocationRun) -> None:
    """Make the batch's letters now, whether a worker or the eager default would otherwise: the batch is sent
    right after. Rendering a job is idempotent, so a worker that also picks it up does no harm."""
    pending = LetterJob.objects.filter(decision__run=run, status__in=[JobStatus.PENDING, JobStatus.CLAIMED])
    for job_id in pending.values_list("pk", flat=True):
        letter_services.render_job(job_id)


def sent_run(call: Call, *, sent_on: datetime.date, starter: User, approver: User) -> AllocationRun:
    """The call's final run, started by ``starter`` and approved by ``approver`` on ``sent_on``, its letters made
    and sent that day. An existing final run is reused."""
    run = AllocationRun.objects.final_of(call)
    if run is None:
        run = run_services.start_run(call=call, by=starter, now=_at(sent_on, 7))
        execution.execute_run(run.pk)  # at once, whether the eager default already did or a worker would
        run.refresh_from_db()
        run = run_services.approve_run(run=run, by=approver, now=_at(sent_on, 8))
    if batches.batch_of(run).status != BatchStatus.SENT:
        batches.prepare_letters(run=run, send_on=sent_on, by=starter, now=_at(sent_on, 9))
        _render_letters(run)
        batches.mark_batch_sent(run=run, by=starter, now=_at(sent_on, 10))
    return run


# --- the cases ------------------------------------------------------------------------------------------------


def tie_of(run: AllocationRun) -> tuple[Decision, Decision]:
    """The two decisions tied at the cut-off: (the one that got the last money, the one that lost the lottery)."""
    lines = list(AllocationLine.objects.filter(run=run, included=True).order_by("rank"))
    for above, below in itertools.pairwise(lines):
        if above.total_points == below.total_points and above.awarded > 0 and below.awarded == 0:
            decisions = {d.application_id: d for d in Decision.objects.filter(run=run)}
            return decisions[above.application_id], decisions[below.application_id]
    raise ValueError("The demo run has no tie at the cut-off.")


def _reconsider(run: AllocationRun, decision: Decision, *, points: Decimal, reason: str, now: datetime.datetime):
    line = AllocationLine.objects.get(run=run, application_id=decision.application_id)
    score = line.reviewer_score + points
    return reconsideration_services.reconsider(
        run=run,
        application=decision.application,
        corrections={"points": {"reviewer_score": f"{score:.2f}"}},
        reason=reason,
        by=_user("beheerder1"),
        now=now,
    )


def _officer(decision: Decision) -> User:
    return User.objects.filter(role="officer", municipality_id=decision.application.municipality_id).order_by("pk")[0]


def _register(decision: Decision, day: datetime.date, **extra) -> ObjectionCase:
    fields = {"channel": "email", "grounds": "De gemeente is het niet eens met de rangschikking.", **extra}
    return services.register_objection(
        decision=decision,
        by=_user("beheerder1"),
        objector=decision.application.municipality,
        received_on=day,
        now=_at(day, 11),
        **fields,
    )


def founded_on_the_tie(run: AllocationRun, decision: Decision, day) -> ObjectionCase:
    """The lottery's loser objects in the portal: a criterion was added up wrongly. Heard with the competitors,
    the re-run on the frozen snapshot gives it the last € 18.000 from the reserve; beheerder1 prepares the founded
    outcome and beheerder2 approves it, which schedules the extra instalment."""
    first, second = _user("beheerder1"), _user("beheerder2")
    grounds = "Bij het criterium 'Effectiviteit van de aanpak' is een score verkeerd opgeteld; met de juiste score "
    grounds += "staan wij boven de gemeente waarmee wij gelijk eindigden."
    case = services.lodge_objection(decision=decision, by=_officer(decision), grounds=grounds, now=_at(day(3)))
    parties = selectors.interested_parties(case)
    case = services.plan_hearing(case=case, by=first, on=day(10), invited=parties, now=_at(day(4)))
    case = services.record_hearing(
        case=case, by=first, held_on=day(10), notes="De optelfout is besproken.", now=_at(day(10), 15)
    )
    record = _reconsider(run, decision, points=Decimal("0.50"), reason="Optelfout in een criterium.", now=_at(day(11)))
    outcome.attach_reconsideration(case=case, reconsideration=record, by=first)
    reason = "De score was verkeerd opgeteld; met de juiste score wint de gemeente de gelijke stand."
    case = outcome.decide(case=case, by=first, outcome=CaseOutcome.FOUNDED, reason=reason, now=_at(day(12)))
    return outcome.approve_decision(case=case, by=second, now=_at(day(13)))


def awaiting_approval(run: AllocationRun, decision: Decision, day) -> ObjectionCase:
    """A founded outcome with extra money, prepared by beheerder1: it waits for another administrator."""
    first = _user("beheerder1")
    case = _register(decision, day(4))
    case = services.waive_hearing(
        case=case, by=first, ground="e", reason="Aan het bezwaar wordt volledig tegemoetgekomen."
    )
    record = _reconsider(run, decision, points=Decimal("45.00"), reason="Een beoordeling ontbrak.", now=_at(day(14)))
    outcome.attach_reconsideration(case=case, reconsideration=record, by=first)
    reason = "Een beoordeling is ten onrechte niet meegeteld."
    return outcome.decide(case=case, by=first, outcome=CaseOutcome.FOUNDED, reason=reason, now=_at(day(16)))


def withdrawn(decision: Decision, day) -> ObjectionCase:
    officer = _officer(decision)
    case = services.lodge_objection(decision=decision, by=officer, grounds="Het bedrag klopt niet.", now=_at(day(2)))
    return services.withdraw(case=case, by=officer, now=_at(day(5)))


def inadmissible(decision: Decision, day) -> ObjectionCase:
    """A pro forma objection by post whose grounds never came (Awb 6:6): inadmissible."""
    first = _user("beheerder1")
    case = _register(decision, day(3), channel="post", posted_on=day(2), grounds="", pro_forma=True)
    missing = "De gronden van het bezwaar."
    case = services.request_repair(case=case, by=first, missing=missing, deadline=day(10), now=_at(day(3)))
    case = services.end_repair(case=case, by=first, repaired=False, now=_at(day(11)))
    reason = "De gronden zijn niet binnen de hersteltermijn ontvangen (Awb 6:6)."
    return outcome.decide(case=case, by=first, outcome=CaseOutcome.INADMISSIBLE, reason=reason, now=_at(day(11)))


def unfounded(decision: Decision, day) -> ObjectionCase:
    first = _user("beheerder1")
    case = _register(decision, day(2))
    case = services.waive_hearing(
        case=case, by=first, ground="b", reason="De rangschikking volgt rechtstreeks uit de gepubliceerde regels."
    )
    reason = "De punten zijn juist toegekend."
    return outcome.decide(case=case, by=first, outcome=CaseOutcome.UNFOUNDED, reason=reason, now=_at(day(7)))


def open_cases(decisions: list[Decision], day, today: datetime.date) -> list[ObjectionCase]:
    """Received; waiting for repair; a hearing planned (and the term postponed); heard and ready."""
    first = _user("beheerder1")
    now = timezone.now()
    received = _register(decisions[0], day(15))
    repair = _register(decisions[1], day(14), channel="post", posted_on=day(13), grounds="", pro_forma=True)
    repair = services.request_repair(
        case=repair, by=first, missing="De gronden van het bezwaar.", deadline=today + datetime.timedelta(14), now=now
    )
    planned = _register(decisions[2], day(9))
    hearing_on = today + datetime.timedelta(days=10)
    while not is_working_day(hearing_on):
        hearing_on += datetime.timedelta(days=1)
    planned = services.plan_hearing(case=planned, by=first, on=hearing_on, now=now)
    planned = services.postpone(case=planned, by=first, weeks=4, reason="De hoorzitting valt laat.", now=now)
    ready = _register(decisions[3], day(5))
    ready = services.plan_hearing(case=ready, by=first, on=day(8), now=_at(day(6)))
    ready = services.record_hearing(case=ready, by=first, held_on=day(8), notes="Gehoord.", now=_at(day(8), 15))
    return [received, repair, planned, ready]


def seed_objections(*, now: datetime.datetime | None = None) -> list[ObjectionCase]:
    """The demo call, its sent run and one case in each state; nothing new when its cases exist."""
    today = local_today(now)
    call = seed_objection_call(by=_user("beheerder1"), reviewers=[_user("beoordelaar1"), _user("beoordelaar2")])
    existing = list(ObjectionCase.objects.filter(decision__run__call=call))
    if existing:
        return existing
    sent_on = send_day(today)
    run = sent_run(call, sent_on=sent_on, starter=_user("beheerder1"), approver=_user("beheerder2"))

    def day(n: int) -> datetime.date:
        return sent_on + datetime.timedelta(days=n)

    winner, loser = tie_of(run)
    decisions = {d.application.municipality.cbs_code: d for d in Decision.objects.filter(run=run)}
    others = sorted(
        (d for d in decisions.values() if d.pk not in (winner.pk, loser.pk)), key=lambda d: d.application.reference
    )
    withdrawing = decisions[OFFICER_CODES[3]]
    rest = [d for d in others if d.pk != withdrawing.pk and d.application.municipality.cbs_code not in OFFICER_CODES]
    with transaction.atomic():
        return [
            founded_on_the_tie(run, loser, day),
            withdrawn(withdrawing, day),
            *open_cases(rest[:4], day, today),
            awaiting_approval(run, rest[4], day),
            inadmissible(rest[5], day),
            unfounded(rest[6], day),
        ]
