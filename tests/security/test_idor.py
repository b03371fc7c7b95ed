"""The IDOR sweep (issue 13): every URL pattern with an object id, pages and API, the money half included.

The resolver is walked, so a NEW pattern with an id and no case here fails ``test_every_pattern_with_an_id_
has_a_case``. A grant officer asks for every object of another municipality: a 404, never the object (and
never a 403 that would confirm it exists). Ministry-only objects (runs, decisions' exports, export jobs,
policy, comparison, configuration, reviews) are a 403 or a 404 (DESIGN.md §3). Each case is tried with
GET and with every writing method the pattern may take; nothing may change.
"""

import pytest
from django.test import Client
from django.urls import reverse

from tests.security.conftest import World, walk

pytestmark = pytest.mark.django_db

ORG, MINISTRY = "404", "403/404"
EXPECTED = {ORG: {404}, MINISTRY: {403, 404}}
PAGE_METHODS = ("get", "post")
API_METHODS = ("get", "post", "put", "patch", "delete")

# name -> (what the officer must get, the URL's keywords from world.ids)
CASES = {
    # accounts
    "municipality_detail": (ORG, {"cbs_code": "cbs_code"}),
    "revoke_token": (ORG, {"pk": "token"}),
    "municipality-detail": (ORG, {"cbs_code": "cbs_code"}),
    # applications, intake
    "application_detail": (ORG, {"pk": "application"}),
    "application_step": (ORG, {"pk": "application", "step": "plan"}),
    "application_check": (ORG, {"pk": "application"}),
    "application_transition": (ORG, {"pk": "application", "action": "withdraw"}),
    "application_delete": (ORG, {"pk": "application"}),
    "application_pdf": (ORG, {"pk": "application"}),
    "attachment_download": (ORG, {"pk": "application", "attachment_pk": "attachment"}),
    "attachment_delete": (ORG, {"pk": "application", "attachment_pk": "attachment"}),
    "application-detail": (ORG, {"pk": "application"}),
    "application-attachment": (ORG, {"pk": "application", "attachment_id": "attachment"}),
    "application-attachments": (ORG, {"pk": "application"}),
    "application-history": (ORG, {"pk": "application"}),
    "application-pdf": (ORG, {"pk": "application"}),
    "application-request-information": (MINISTRY, {"pk": "application"}),
    "application-start-review": (MINISTRY, {"pk": "application"}),
    "application-submit": (ORG, {"pk": "application"}),
    "application-withdraw": (ORG, {"pk": "application"}),
    # applications, assessment
    "review_detail": (MINISTRY, {"pk": "assignment"}),
    "review_conflict": (MINISTRY, {"pk": "assignment"}),
    "review_unassign": (MINISTRY, {"pk": "assignment"}),
    "review_reopen": (MINISTRY, {"pk": "assignment"}),
    "call_assessment": (MINISTRY, {"pk": "call"}),
    "call_auto_assign": (MINISTRY, {"pk": "call"}),
    "application_points": (MINISTRY, {"pk": "application"}),
    "application_assessment": (MINISTRY, {"pk": "application"}),
    "assign_reviewer": (MINISTRY, {"pk": "application"}),
    "points_recompute": (MINISTRY, {"pk": "application"}),
    "call-assessment-assessment": (MINISTRY, {"pk": "call"}),
    "call-assessment-auto-assign": (MINISTRY, {"pk": "call"}),
    "call-criterion-list": (MINISTRY, {"call_id": "call"}),
    "call-criterion-detail": (MINISTRY, {"call_id": "call", "pk": "criterion"}),
    "call-need-band-list": (MINISTRY, {"call_id": "call"}),
    "call-need-band-detail": (MINISTRY, {"call_id": "call", "pk": "need_band"}),
    "call-bonus-rule-list": (MINISTRY, {"call_id": "call"}),
    "call-bonus-rule-detail": (MINISTRY, {"call_id": "call", "pk": "bonus_rule"}),
    "application-assessment-assignments": (MINISTRY, {"pk": "application"}),
    "application-assessment-points": (MINISTRY, {"pk": "application"}),
    "application-assessment-recompute-points": (MINISTRY, {"pk": "application"}),
    "application-assessment-reviews": (MINISTRY, {"pk": "application"}),
    "assignment-detail": (MINISTRY, {"pk": "assignment"}),
    "assignment-conflict": (MINISTRY, {"pk": "assignment"}),
    "assignment-review": (MINISTRY, {"pk": "assignment"}),
    "assignment-submit": (MINISTRY, {"pk": "assignment"}),
    "assignment-unassign": (MINISTRY, {"pk": "assignment"}),
    "review-reopen": (MINISTRY, {"pk": "assignment"}),
    # allocations: runs
    "allocation_overview": (MINISTRY, {"pk": "run_call"}),
    "allocation_policy": (MINISTRY, {"pk": "run_call"}),
    "allocation_start": (MINISTRY, {"pk": "run_call"}),
    "run_compare": (MINISTRY, {"pk": "run_call"}),
    "run_detail": (MINISTRY, {"pk": "run"}),
    "run_progress": (MINISTRY, {"pk": "draft_run"}),
    "run_approve": (MINISTRY, {"pk": "draft_run"}),
    "run_verify": (MINISTRY, {"pk": "run"}),
    "run_retry": (MINISTRY, {"pk": "draft_run"}),
    "api-allocation-policy": (MINISTRY, {"pk": "run_call"}),
    "api-allocation-runs": (MINISTRY, {"pk": "run_call"}),
    "api-allocation-run": (MINISTRY, {"pk": "run"}),
    "api-allocation-run-approve": (MINISTRY, {"pk": "draft_run"}),
    "api-allocation-run-verify": (MINISTRY, {"pk": "run"}),
    "api-allocation-run-retry": (MINISTRY, {"pk": "draft_run"}),
    "api-allocation-run-compare": (MINISTRY, {"pk": "run", "other": "draft_run"}),
    # allocations: reconsiderations (objections)
    "run_reconsider": (MINISTRY, {"pk": "run"}),
    "reconsideration_detail": (MINISTRY, {"pk": "reconsideration"}),
    "reconsideration_verify": (MINISTRY, {"pk": "reconsideration"}),
    "api-allocation-run-reconsiderations": (MINISTRY, {"pk": "run"}),
    "api-reconsideration": (MINISTRY, {"pk": "reconsideration"}),
    "api-reconsideration-verify": (MINISTRY, {"pk": "reconsideration"}),
    # allocations: letters
    "run_letters": (MINISTRY, {"pk": "run"}),
    "run_letters_progress": (MINISTRY, {"pk": "run"}),
    "run_letters_send": (MINISTRY, {"pk": "run"}),
    "run_letters_retry": (MINISTRY, {"pk": "run"}),
    "run_letters_regenerate": (MINISTRY, {"pk": "run"}),
    "run_letters_prepare": (MINISTRY, {"pk": "run"}),
    "letter_download": (ORG, {"pk": "letter"}),
    "application_letters": (ORG, {"pk": "decided_application"}),
    "call_letter_texts": (MINISTRY, {"pk": "run_call"}),
    "api-run-letters": (MINISTRY, {"pk": "run"}),
    "api-run-letters-batch": (MINISTRY, {"pk": "run"}),
    "api-run-letters-prepare": (MINISTRY, {"pk": "run"}),
    "api-run-letters-send": (MINISTRY, {"pk": "run"}),
    "api-call-letter-texts": (MINISTRY, {"pk": "run_call"}),
    "api-application-letters": (ORG, {"pk": "decided_application"}),
    "api-letter-detail": (ORG, {"pk": "letter"}),
    "api-letter-pdf": (ORG, {"pk": "letter"}),
    # allocations: exports
    "call_overview": (MINISTRY, {"pk": "run_call"}),
    "publication_download": (MINISTRY, {"pk": "run_call", "export_format": "csv"}),
    "run_exports": (MINISTRY, {"pk": "run"}),
    "run_export_download": (MINISTRY, {"pk": "run", "export_format": "csv"}),
    "run_export_job": (MINISTRY, {"pk": "run"}),
    "export_job": (MINISTRY, {"pk": "export_job"}),
    "export_job_download": (MINISTRY, {"pk": "export_job"}),
    "api-run-export": (MINISTRY, {"pk": "run", "export_format": "csv"}),
    "api-run-export-jobs": (MINISTRY, {"pk": "run"}),
    "api-export-job": (MINISTRY, {"pk": "export_job"}),
    "api-export-job-download": (MINISTRY, {"pk": "export_job"}),
    # allocations: accountability (another municipality's award and its statement)
    "accountability_decision": (ORG, {"pk": "decision"}),
    "statement_report": (ORG, {"pk": "statement"}),
    "api-publication": (MINISTRY, {"pk": "run_call", "export_format": "csv"}),
    # allocations: objections (another municipality's case, and its sent decision)
    "objection_detail": (ORG, {"pk": "objection"}),
    "objection_step": (ORG, {"pk": "objection", "step": "intrekken"}),
    "objection_lodge": (ORG, {"pk": "decided_application"}),
    "api-objection-detail": (ORG, {"pk": "objection"}),
    "objection_letter_download": (ORG, {"pk": "objection", "letter_pk": "objection_letter"}),
    "api-objection-letters": (ORG, {"pk": "objection"}),
    "api-objection-letter-pdf": (ORG, {"pk": "objection", "letter_pk": "objection_letter"}),
    "objection_rescoring": (ORG, {"pk": "objection"}),
    "rescoring_assign": (ORG, {"pk": "reopened_scoring"}),
    "rescore_detail": (ORG, {"pk": "rescore"}),
    "api-objection-reopened-scorings": (ORG, {"pk": "objection"}),
    "api-reopened-scoring": (ORG, {"pk": "reopened_scoring"}),
    "api-reopened-scoring-assign": (ORG, {"pk": "reopened_scoring"}),
    "api-reopened-scoring-reconsider": (ORG, {"pk": "reopened_scoring"}),
    **{
        f"api-objection-{step}": (ORG, {"pk": "objection"})
        for step in (
            "repair",
            "repair-end",
            "hearing",
            "hearing-held",
            "hearing-waiver",
            "postponement",
            "committee",
            "timeliness",
            "outcome",
            "approval",
            "withdrawal",
        )
    },
    # allocations: payments (a pay date is no organisation's object, but its pages and files are the ministry's)
    "payments_call": (MINISTRY, {"pk": "run_call"}),
    "payments_pay_date": (MINISTRY, {"on": "pay_date"}),
    "payments_order": (MINISTRY, {"on": "pay_date"}),
    "payments_order_download": (MINISTRY, {"on": "pay_date", "export_format": "csv"}),
    "instalment_paid": (MINISTRY, {"pk": "instalment"}),
    "instalment_cancel": (MINISTRY, {"pk": "instalment"}),
    "api-instalment-detail": (ORG, {"pk": "instalment"}),
    "api-instalment-paid": (MINISTRY, {"pk": "instalment"}),
    "api-instalment-cancel": (MINISTRY, {"pk": "instalment"}),
    "api-application-instalments": (ORG, {"pk": "decided_application"}),
    "api-payment-order-file": (MINISTRY, {"pay_date": "pay_date", "export_format": "csv"}),
    "api-call-payments": (MINISTRY, {"pk": "run_call"}),
    # allocations: settlements (the ministry's work; a municipality reads its letter)
    "settlements_call": (MINISTRY, {"pk": "run_call"}),
    "settlement_propose": (MINISTRY, {"pk": "decision"}),
    "settlement_detail": (MINISTRY, {"pk": "settlement"}),
    "settlement_check": (MINISTRY, {"pk": "settlement"}),
    "settlement_approve": (MINISTRY, {"pk": "settlement"}),
    "settlement_withdraw": (MINISTRY, {"pk": "settlement"}),
    "settlement_letter": (MINISTRY, {"pk": "settlement"}),
    "settlement_letter_make": (MINISTRY, {"pk": "settlement"}),
    "settlement_letter_send": (MINISTRY, {"pk": "settlement"}),
    "settlement_document_download": (ORG, {"pk": "settlement_document"}),
    "api-settlement-letter-pdf": (ORG, {"pk": "settlement_document"}),
    "api-settlement-detail": (MINISTRY, {"pk": "settlement"}),
    "api-settlement-check": (MINISTRY, {"pk": "settlement"}),
    "api-settlement-approve": (MINISTRY, {"pk": "settlement"}),
    "api-settlement-withdraw": (MINISTRY, {"pk": "settlement"}),
    "api-decision-settlements": (MINISTRY, {"pk": "decision"}),
    "api-call-settlements": (MINISTRY, {"pk": "run_call"}),
    "settlement_batch_start": (MINISTRY, {"pk": "run_call"}),
    "settlement_batch": (MINISTRY, {"pk": "settlement_batch"}),
    "settlement_batch_progress": (MINISTRY, {"pk": "settlement_batch"}),
    "settlement_batch_verify": (MINISTRY, {"pk": "settlement_batch"}),
    "api-call-settlement-batches": (MINISTRY, {"pk": "run_call"}),
    "api-settlement-batch": (MINISTRY, {"pk": "settlement_batch"}),
    "api-settlement-batch-verify": (MINISTRY, {"pk": "settlement_batch"}),
    # allocations: the money overview (a municipality its own; all of them the ministry's)
    "money_download": (MINISTRY, {"export_format": "csv"}),
    "money_municipality": (ORG, {"cbs_code": "cbs_code"}),
    "money_municipality_download": (ORG, {"cbs_code": "cbs_code", "export_format": "csv"}),
    "api-money-decision": (ORG, {"pk": "decision"}),
    "api-money-municipality": (ORG, {"cbs_code": "cbs_code"}),
    "api-money-call": (MINISTRY, {"pk": "run_call"}),
}

# Patterns with a parameter that is not an organisation's object, each with the reason.
NOT_AN_OBJECT = {
    "call_detail": "a call is published to the municipalities it is open to (its scope is tested in applications)",
    "application_start": "starts the officer's OWN application in a call; eligibility is tested in applications",
    "scheme-detail": "schemes are public configuration, read-only for officers",
    "call-detail": "calls are published; writing is for administrators (tested in test_api_calls)",
    "accept_invitation": "a signed, single-use token, not an object id (tested in accounts)",
    # Published rules (issue 22): public for every published call, to anyone; they hold nothing of an
    # organisation (tests/applications/test_published_rules.py proves they leak nothing beyond the rules).
    "public_rules": "a published call's rules are public, without a login",
    "public_rules_version": "a published call's rules are public, each version too",
    "public_rules_json": "a published call's rules are public, as JSON too",
    "points_preview": "the preview reads the rules and public indicators only; anyone may preview any municipality",
    "points_preview_json": "the preview reads the rules and public indicators only, as JSON too",
    "api-call-rules": "a published call's rules are public, in the API too",
    "api-points-preview": "the preview reads the rules and public indicators only, in the API too",
    "api-objections-register": "the parameter is a file format; the register of every case is for administrators "
    "only (tests/allocations/objections/test_objection_register.py refuses an officer and a reviewer)",
    "api-money-file": "the format is no object: the file holds the caller's own rows (tests/allocations/money)",
}


def _is_project_pattern(route: str) -> bool:
    return not route.startswith(("admin/", "accounts/", "i18n/", "api/v1/schema", "api/v1/docs", "^api/"))


def _has_parameter(route: str) -> bool:
    return "<" in route


def test_every_pattern_with_an_id_has_a_case():
    with_id = {name for route, name, _p in walk() if _is_project_pattern(route) and _has_parameter(route)}
    missing = with_id - set(CASES) - set(NOT_AN_OBJECT)
    assert not missing, f"URL patterns with an object id but no IDOR case: {sorted(missing)}"
    stale = (set(CASES) | set(NOT_AN_OBJECT)) - with_id
    assert not stale, f"cases for patterns that no longer exist: {sorted(stale)}"


def sweep(client: Client, world: World):
    """Try every case with every method; return (tries, failures)."""
    routes = {name: route for route, name, _pattern in walk() if _is_project_pattern(route)}
    tries, failures = 0, []
    for name, (expect, keywords) in CASES.items():
        kwargs = {key: world.ids.get(value, value) for key, value in keywords.items()}
        url = reverse(name, kwargs=kwargs)
        answers = {}
        for method in API_METHODS if routes[name].startswith("api/") else PAGE_METHODS:
            before = world.snapshot()
            if method == "get":
                response = client.get(url)
            else:
                response = getattr(client, method)(url, data={}, content_type="application/json")
            tries += 1
            answers[method] = response.status_code
            if response.status_code not in EXPECTED[expect] | {405}:
                failures.append(f"{method.upper()} {url} ({name}): {response.status_code}, expected {expect}")
            if world.snapshot() != before:
                failures.append(f"{method.upper()} {url} ({name}) changed the database")
        if set(answers.values()) == {405}:
            failures.append(f"{url} ({name}): every method answered 405, the case tests nothing")
    return tries, failures


def test_officer_gets_404_for_another_municipality_and_403_404_for_ministry_objects(officer_client, world, tally):
    tries, failures = sweep(officer_client, world)
    tally("idor", tries)
    assert not failures, "\n".join(failures)


def test_officer_of_the_owning_municipality_does_reach_the_objects(world, other_officer):
    """The control: the sweep's 404s come from scoping, not from broken ids."""
    client = Client()
    client.force_login(other_officer)
    for name in ("application_detail", "application-detail", "application_pdf", "municipality_detail"):
        _expect, keywords = CASES[name]
        url = reverse(name, kwargs={key: world.ids.get(value, value) for key, value in keywords.items()})
        assert client.get(url).status_code == 200, url


def test_administrator_reaches_the_ministry_objects(world, administrator_client):
    for name in (
        "run_detail",
        "api-allocation-run",
        "export_job",
        "api-export-job",
        "call_assessment",
        "run_letters",
        "payments_pay_date",
        "payments_call",
        "api-instalment-detail",
        "api-payment-order-file",
        "objection_detail",
        "api-objection-detail",
        "objection_rescoring",
        "api-objection-reopened-scorings",
        "api-reopened-scoring",
        "settlement_detail",
        "settlements_call",
        "api-settlement-detail",
        "api-call-settlements",
        "settlement_batch",
        "settlement_batch_progress",
        "api-settlement-batch",
        "api-call-settlement-batches",
        "money_municipality",
        "api-money-decision",
        "api-money-call",
    ):
        _expect, keywords = CASES[name]
        url = reverse(name, kwargs={key: world.ids.get(value, value) for key, value in keywords.items()})
        assert administrator_client.get(url).status_code == 200, url
