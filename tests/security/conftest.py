"""A world with two municipalities and the ministry's objects, for the resolver-driven sweeps.

``world.ids`` maps each URL keyword (and a few object names) to a real object: the officer's own
municipality has a draft; everything the keywords point at belongs to ANOTHER municipality or is the
ministry's own (runs, export jobs, configuration).
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

import pytest
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone

from accounts import services as account_services
from accounts.models import ApiToken, AuditEvent
from allocations.accountability.models import Source, Statement
from allocations.exports.models import ExportJob
from allocations.letters.models import Letter, LetterJob, LetterText
from allocations.objections.letter_models import ObjectionLetter
from allocations.objections.models import ObjectionCase
from allocations.objections.rescoring_models import ReopenedScoring, Rescore
from allocations.payments.models import Instalment, InstalmentStatus
from allocations.runs.models import AllocationRun, Decision, RunStatus
from allocations.runs.reconsideration_models import Reconsideration
from allocations.settlements.models import Settlement, SettlementBatch, SettlementDocument, SettlementJob
from applications.assessment import services as assessment
from applications.models import Application, Attachment, BonusRule, Criterion, NeedBand
from tests.allocations.final_runs import export_run
from tests.conftest import HOSTILE_KEY, SWEEPS
from tests.factories import CriterionFactory, complete_application, submitted_application


def walk(patterns=None, prefix="", namespace=""):
    """Every URL pattern as ``(route, name, pattern)``, the name with its namespace (``admin:index``);
    DRF's ``.json`` format-suffix twins are left out."""
    for p in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(p, URLResolver):
            inner = f"{namespace}{p.namespace}:" if p.namespace else namespace
            yield from walk(p.url_patterns, prefix + str(p.pattern), inner)
        elif (
            isinstance(p, URLPattern)
            and "<format>" not in str(p.pattern)
            and "<drf_format_suffix" not in str(p.pattern)
        ):
            yield prefix + str(p.pattern), f"{namespace}{p.name}" if p.name else None, p


@dataclass
class World:
    ids: dict = field(default_factory=dict)
    own: dict = field(default_factory=dict)

    @staticmethod
    def snapshot() -> dict:
        """What a refused request must leave as it was."""
        return {
            "audit": AuditEvent.objects.count(),
            "applications": sorted(Application.objects.values_list("pk", "status", "title", "revision")),
            "attachments": Attachment.objects.count(),
            "runs": sorted(AllocationRun.objects.values_list("pk", "status")),
            "decisions": Decision.objects.count(),
            "letters": sorted(Letter.objects.values_list("pk", "version", "superseded_at")),
            "letter_jobs": LetterJob.objects.count(),
            "letter_texts": LetterText.objects.count(),
            "tokens": sorted(ApiToken.objects.values_list("pk", "revoked_at")),
            "export_jobs": ExportJob.objects.count(),
            "reconsiderations": Reconsideration.objects.count(),
            "criteria": sorted(Criterion.objects.values_list("pk", "name", "weight")),
            "instalments": sorted(Instalment.objects.values_list("pk", "status", "paid_on", "cancel_reason")),
            "objections": sorted(ObjectionCase.objects.values_list("pk", "status", "outcome", "postponed_weeks")),
            "objection_letters": sorted(ObjectionLetter.objects.values_list("pk", "sha256", "sent_at")),
            "statements": Statement.objects.count(),
            "settlements": sorted(Settlement.objects.values_list("pk", "status", "reclaim_number")),
            "settlement_documents": sorted(SettlementDocument.objects.values_list("pk", "version", "sha256")),
            "settlement_batches": sorted(SettlementBatch.objects.values_list("pk", "status")),
            "reopened_scorings": sorted(ReopenedScoring.objects.values_list("pk", "closed_at")),
            "rescores": sorted(Rescore.objects.values_list("pk", "status", "updated_at")),
        }


@pytest.fixture
def world(officer, other_officer, reviewer, administrator):
    own = complete_application(municipality=officer.municipality, created_by=officer)
    theirs = submitted_application(other_officer)
    criterion = CriterionFactory(call=theirs.call, name="Effectiviteit")
    assignment = assessment.assign_reviewer(application=theirs, reviewer=reviewer, by=administrator)
    attachment = Attachment.objects.create(
        application=theirs,
        file="attachments/x",
        original_name="plan.pdf",
        file_format="pdf",
        size=10,
        sha256="0" * 64,
        uploaded_by=other_officer,
    )
    run = export_run(lines=2)
    draft = export_run(lines=1, call=run.call, status=RunStatus.DRAFT, letters=False)
    decision = run.decisions.order_by("pk").first()
    letter = Letter.objects.filter(decision=decision).order_by("-version").first()
    # An objection of the decision's municipality against it, once sent: another municipality's case.
    Decision.objects.filter(pk=decision.pk).update(sent_at=timezone.now() - datetime.timedelta(days=3))
    objection = ObjectionCase.objects.create(
        number=f"{decision.number}-B1",
        decision=decision,
        objector=decision.application.municipality,
        channel="post",
        received_on=timezone.localdate(),
        lodged_by=administrator,
        grounds="Bezwaar.",
        timely_computed=True,
    )
    objection_letter = ObjectionLetter.objects.create(
        case=objection,
        kind="acknowledgement",
        version=1,
        file="objection-letters/x.pdf",
        sha256="0" * 64,
        size=10,
        letter_date=timezone.localdate(),
        sent_at=timezone.now(),
        status="sent",
    )
    # The scoring of the objector's application reopened, with a new review assigned to the reviewer.
    scoring = ReopenedScoring.objects.create(
        case=objection, application_id=decision.application_id, reason="Opnieuw.", opened_by=administrator
    )
    rescore = Rescore.objects.create(scoring=scoring, reviewer=reviewer, assigned_by=administrator)
    job = ExportJob.objects.create(run=run, format="csv", requested_by=administrator)
    band = NeedBand.objects.create(call=theirs.call, indicator_id=_indicator_id(), threshold=Decimal(5), points=2)
    rule = BonusRule.objects.create(call=theirs.call, kind=BonusRule.Kind.NOT_FUNDED_BEFORE, label="x", points=5)
    token, _key = account_services.issue_api_token(user=other_officer, name="sleutel")
    reconsideration = Reconsideration.objects.create(
        run=run,
        application_id=decision.application_id,
        corrections={"requested": 100},
        reason="x",
        snapshot_sha256="0" * 64,
        engine_version="1",
        reserve_used_before=0,
        sha256="0" * 64,
        result={"lines": []},
        old_amount=0,
        rerun_amount=0,
        awarded=0,
        extra=0,
        from_reserve=0,
        on_top=0,
        computed_by=administrator,
    )
    # An instalment of the decision, ordered, so that its pay date has a payment order to download.
    instalment = Instalment.objects.create(
        decision=decision,
        sequence=1,
        year=2027,
        due_on=datetime.date(2027, 4, 12),
        amount=decision.amount or Decimal("1.00"),
        reference=f"{decision.number}-T1",
        status=InstalmentStatus.ORDERED,
    )
    # The decision's final account and a proposed settlement of it (the assessor is the administrator).
    statement = Statement.objects.create(
        decision=decision,
        year=2027,
        spent=Decimal("1.00"),
        spent_to_date=Decimal("1.00"),
        final=True,
        source=Source.PORTAL,
        entered_by=administrator,
        report="accountability/x.pdf",
        report_name="verslag.pdf",
    )
    settlement = Settlement.objects.create(
        decision=decision,
        sequence=1,
        kind="subsidy",
        awarded=decision.amount,
        paid=Decimal(0),
        open=decision.amount,
        spent=Decimal("1.00"),
        inputs_sha256="0" * 64,
        settled=decision.amount,
        lapsed=decision.amount,
        final_payment=decision.amount,
        reclaim=Decimal(0),
        proposed_by=administrator,
    )
    # A sent letter of that settlement (the world's settlement stands in for an approved one).
    document = SettlementDocument.objects.create(
        settlement=settlement,
        version=1,
        file="settlements/x.pdf",
        sha256="0" * 64,
        size=1,
        letter_date=datetime.date(2029, 9, 3),
        sent_at=timezone.now(),
        sent_by=administrator,
    )
    # A settlement batch of the run's call, its one job holding that settlement.
    batch = SettlementBatch.objects.create(
        call_id=run.call_id,
        number=1,
        status="finished",
        rules_version="2026.1",
        sample_percent=10,
        sample_seed=1,
        inputs_sha256="0" * 64,
        started_by=administrator,
    )
    SettlementJob.objects.create(
        batch=batch,
        decision=decision,
        status="done",
        kind="subsidy",
        awarded=decision.amount,
        paid=Decimal(0),
        open=decision.amount,
        spent=Decimal("1.00"),
        inputs_sha256="0" * 64,
        settlement=settlement,
    )
    ids = {
        "application": theirs.pk,
        "decided_application": decision.application_id,
        "attachment": attachment.pk,
        "assignment": assignment.pk,
        "criterion": criterion.pk,
        "need_band": band.pk,
        "bonus_rule": rule.pk,
        "call": theirs.call_id,
        "run_call": run.call_id,
        "run": run.pk,
        "draft_run": draft.pk,
        "letter": letter.pk,
        "objection": objection.pk,
        "objection_letter": objection_letter.pk,
        "reopened_scoring": scoring.pk,
        "rescore": rescore.pk,
        "export_job": job.pk,
        "reconsideration": reconsideration.pk,
        "token": token.pk,
        "instalment": instalment.pk,
        "pay_date": instalment.due_on.isoformat(),
        "decision": decision.pk,
        "statement": statement.pk,
        "settlement": settlement.pk,
        "settlement_document": document.pk,
        "settlement_batch": batch.pk,
        "cbs_code": other_officer.municipality.cbs_code,
    }
    return World(ids=ids, own={"application": own.pk, "call": own.call_id})


def _indicator_id():
    from accounts.importers import ensure_indicators

    return next(iter(ensure_indicators().values())).pk


@pytest.fixture
def tally(request):
    """``tally(name, n)`` records how many hostile cases a sweep tried; the total is printed at the end.

    The counts go through pytest's cache directory so that they also survive the run's xdist workers; the
    hooks that clear and sum them are in tests/conftest.py, the one conftest the xdist controller loads.
    """

    def record(name: str, count: int) -> None:
        assert name in SWEEPS, name
        if getattr(request.config, "cache", None) is None:
            return
        request.config.cache.set(f"{HOSTILE_KEY}/{name}", count)

    return record
