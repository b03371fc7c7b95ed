"""The settlement batch in a real browser, with axe-core on every page: an assessor starts the batch from the
call's settlements page; its page follows the progress live while the jobs run (polled, then reloaded once
finished), and recomputing it from the stored inputs reports no difference."""

from __future__ import annotations

from decimal import Decimal
from unittest import mock

import pytest
import time_machine
from playwright.sync_api import expect

from allocations.runs.models import Decision
from allocations.settlements import batches
from allocations.settlements.models import SettlementBatch, SettlementJob
from tests.allocations.payments.sent import sent_run
from tests.allocations.settlements.conftest import SETTLE_DAY, account, pay_first
from tests.browser.conftest import check_accessibility, log_in
from tests.factories import PASSWORD, AdministratorFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def ready_call():
    """A sent run whose two awards have their first instalment paid and their final account in."""
    assessor = AdministratorFactory(email="beoordelaar@minvro.nl")
    run = sent_run(by=assessor, prefix="W")
    for decision in Decision.objects.filter(run=run, amount__gt=0):
        pay_first(decision)
        account(decision, spent_2027=Decimal("10000.00"), spent_2028=Decimal("10000.00"), by=assessor)
    return assessor, run.call


def test_the_assessor_starts_a_batch_and_follows_its_progress(page, ready_call):
    assessor, call = ready_call
    with time_machine.travel(SETTLE_DAY, tick=True), mock.patch("allocations.settlements.batches._enqueue"):
        log_in(page, assessor.email, PASSWORD, totp_secret=assessor.totp_secret)
        page.goto(f"/beheer/vaststellingen/rondes/{call.pk}/")
        check_accessibility(page, context="the call's settlements with the batch form")
        page.get_by_label("Steekproef (%)").fill("50")
        page.get_by_role("button", name="Batch starten voor 2 beschikkingen").click()
        expect(page.locator(".nplv-messages")).to_contain_text("De vaststellingsbatch is gestart.")
        progress = page.locator("#batch-progress")
        expect(progress.locator("[data-field='done']")).to_have_text("0")
        expect(progress.locator("[data-field='pending']")).to_have_text("2")
        check_accessibility(page, context="the batch running")
        # The jobs run (here, in the test's thread); the page follows without a reload, then reloads finished.
        batch = SettlementBatch.objects.get()
        for job in SettlementJob.objects.filter(batch=batch):
            batches.run_job(job.pk)
        expect(page.locator("[data-field='status-display']")).to_have_text("Klaar", timeout=15_000)
        expect(progress.locator("[data-field='done']")).to_have_text("2")
        expect(page.locator("tr[data-decision] a")).to_have_count(2)
        check_accessibility(page, context="the batch finished")
        page.get_by_role("button", name="Narekenen").click()
        expect(page.locator("#controle")).to_contain_text("Nagerekend")
        check_accessibility(page, context="the batch recomputed")
