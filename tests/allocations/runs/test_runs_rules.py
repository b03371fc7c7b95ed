"""Every run applies the published rules (DESIGN.md §7c): it records their hash, the run page, the API, the letter
and ``verify`` show it, and ``verify`` and approval refuse a run whose rules differ from the published version.
A run divides a closed window only."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from accounts.workflow import TransitionNotAllowed
from allocations.runs import policies, services
from allocations.runs.models import AllocationPolicy, AllocationRun, RunSnapshot, RunStatus
from applications.models import Criterion, RulesVersion
from applications.published_rules import document
from tests.allocations.runs.builders import allocation_call, reviewed, set_policy
from tests.factories import CallFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def call():
    call = allocation_call(budget=Decimal("400000.00"), policy={"method": "ranked", "seed": 11})
    reviewed(call, requested=Decimal("150000.00"), total=Decimal("80"))
    reviewed(call, requested=Decimal("300000.00"), total=Decimal("70"))
    return call


def test_a_run_records_the_hash_of_the_published_rules_it_applied(call, administrator, start):
    published = RulesVersion.objects.filter(call=call).order_by("-number").first()
    run = start(call, administrator)
    assert run.status == RunStatus.DRAFT
    assert run.rules_hash == published.sha256 == document.current_hash(call)
    assert RunSnapshot.objects.get(run=run).data["policy"]["rules_sha256"] == published.sha256


def test_verify_confirms_the_published_rules(call, administrator, start):
    run = start(call, administrator)
    result = services.verify_run(run=run, by=administrator)
    assert result.ok and result.rules.ok
    assert result.rules.published_hash == run.rules_hash and result.rules.published_version == 2


def test_verify_refuses_a_run_whose_rules_differ_from_the_published_version(call, administrator, start):
    # The policy changed behind the services' back after the window opened: the run applies other rules.
    AllocationPolicy.objects.filter(call=call).update(seed=12)
    run = start(call, administrator)
    assert run.rules_hash != RulesVersion.objects.filter(call=call).order_by("-number").first().sha256
    result = services.verify_run(run=run, by=administrator)
    assert not result.ok and not result.rules.ok
    fields = {d["field"]: d for d in result.differences}
    assert "rules.sha256" in fields
    assert fields["rules.seed"] == {"reference": "", "field": "rules.seed", "stored": "12", "computed": "11"}


def test_verify_detects_a_tampered_rules_hash_and_a_tampered_publication(call, administrator, start):
    run = start(call, administrator)
    AllocationRun.objects.filter(pk=run.pk).update(rules_hash="0" * 64)
    run.refresh_from_db()
    fields = {d["field"] for d in services.verify_run(run=run, by=administrator).differences}
    assert {"rules.sha256", "rules.snapshot_sha256"} <= fields
    recorded = RunSnapshot.objects.get(run=run).data["policy"]["rules_sha256"]
    AllocationRun.objects.filter(pk=run.pk).update(rules_hash=recorded)
    run.refresh_from_db()
    version = RulesVersion.objects.filter(call=call).order_by("-number").first()
    RulesVersion.objects.filter(pk=version.pk).update(document=version.document.replace('"seed":11', '"seed":13'))
    fields = {d["field"] for d in services.verify_run(run=run, by=administrator).differences}
    assert {"rules.published_text", "rules.seed"} <= fields


def test_approval_refuses_a_run_whose_rules_are_not_the_published_ones(
    call, administrator, second_administrator, start
):
    Criterion.objects.create(call=call, name="Achteraf toegevoegd", weight=Decimal("2"))  # past the services
    run = start(call, administrator)
    with pytest.raises(TransitionNotAllowed) as refused:
        services.approve_run(run=run, by=second_administrator)
    assert "andere regels toe dan de gepubliceerde (versie 2)" in str(refused.value)
    run.refresh_from_db()
    assert run.status == RunStatus.DRAFT


def test_the_run_page_and_the_api_show_the_rules_hash(call, administrator, administrator_client, start):
    run = start(call, administrator)
    page = administrator_client.get(f"/verdelingen/{run.pk}/").content.decode()
    assert run.rules_hash in page
    assert f"/regels/{call.pk}/versie/2/" in page and "gepubliceerde regels, versie 2" in page
    api = administrator_client.get(f"/api/v1/allocation-runs/{run.pk}/").json()
    assert api["rules_hash"] == run.rules_hash
    verified = administrator_client.post(f"/api/v1/allocation-runs/{run.pk}/verify/").json()
    assert verified["rules"] == {
        "applied_hash": run.rules_hash,
        "published_hash": run.rules_hash,
        "published_version": 2,
        "ok": True,
    }


def test_a_run_is_refused_while_the_window_is_open_or_has_not_opened(administrator):
    now = timezone.now()
    day = datetime.timedelta(days=1)
    for opens, closes in ((now - day, now + day), (now + day, now + 2 * day)):
        call = CallFactory(opens_at=opens, closes_at=closes)
        with pytest.raises(TransitionNotAllowed, match="pas worden berekend als de aanvraagtermijn is gesloten"):
            services.start_run(call=call, by=administrator)
    assert not AllocationRun.objects.exists()


def test_a_policy_saved_before_opening_is_a_new_version_and_after_opening_is_refused(administrator):
    call = allocation_call(policy={"method": "ranked"})
    assert call.rules_versions.count() == 1  # the default policy is the ranked one: nothing new to publish
    set_policy(call, by=administrator, method="pro_rata")
    assert call.rules_versions.count() == 2
    before = document.current_hash(call)
    with pytest.raises(TransitionNotAllowed, match="4:27"):
        policies.save_policy(call=call, by=administrator, values={"method": "ranked"}, pots=[], reservations=[])
    assert document.current_hash(call) == before and call.rules_versions.count() == 2


def test_the_letter_names_the_published_rules_the_run_applied(call, administrator, second_administrator, start):
    from allocations.letters import pdf, selectors
    from allocations.letters.compose import letter_content
    from allocations.letters.services import texts_for
    from allocations.runs.models import Decision

    run = start(call, administrator)
    services.approve_run(run=run, by=second_administrator)
    decision = selectors.decisions_for_letters(Decision.objects.filter(run=run).values("pk")).first()
    content = letter_content(decision, texts_for(call), letter_date=timezone.localdate())
    assert (content.rules_hash, content.rules_version) == (run.rules_hash, 2)
    html = pdf.letter_html(content)
    assert (
        "De verdeling paste de regels van deze aanvraagronde toe zoals die vóór de opening zijn gepubliceerd: "
        f"versie 2, SHA-256 {run.rules_hash}."
    ) in html
    assert html.index("Grondslag") < html.index(run.rules_hash) < html.index("Motivering")
