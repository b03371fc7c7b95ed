"""The audit log in a real browser: readable, filterable, the table reachable by keyboard, and no axe
violation (issue 9, items 12 and 15: scrollable-region-focusable)."""

import pytest
from playwright.sync_api import expect

from accounts import audit
from tests.browser.conftest import check_accessibility, log_in
from tests.factories import PASSWORD, AdministratorFactory, OfficerFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_an_administrator_reads_filters_and_exports_the_audit_log(page):
    anne = AdministratorFactory(full_name="Anne Beheer")
    officer = OfficerFactory(full_name="Otto Ambtenaar")
    audit.record(actor=anne, verb="user.invited", target=officer, data={"role": "officer"})
    audit.record(actor=officer, verb="api_token.issued", target=officer, before={"naam": "oud"}, after={"naam": "x"})

    log_in(page, anne.email, PASSWORD, totp_secret=anne.totp_secret)
    page.goto("/beheer/auditlog/")
    expect(page.get_by_role("rowheader", name="Anne Beheer heeft")).to_be_visible()
    expect(page.get_by_text("oud → x")).to_be_visible()
    check_accessibility(page, context="audit log")

    region = page.get_by_role("region", name="Auditlog, schuifbaar")
    region.focus()
    expect(region).to_be_focused()

    page.get_by_label("Handeling").select_option("user.invited")
    page.get_by_role("button", name="Filteren").click()
    expect(page.get_by_text("1 gebeurtenis gevonden.")).to_be_visible()
    expect(page.get_by_text("oud → x")).to_have_count(0)
    check_accessibility(page, context="filtered audit log")

    with page.expect_download() as download:
        page.get_by_test_id("audit-export").click()
    assert download.value.suggested_filename.startswith("auditlog-")
    page.goto("/beheer/auditlog/?handeling=audit.exported")
    expect(page.get_by_text("1 gebeurtenis gevonden.")).to_be_visible()
