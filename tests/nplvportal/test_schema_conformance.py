"""The OpenAPI schema is true: every operation, as every role, run in-process with generated input.

Checks per response: no 5xx, the status code is documented for the operation, and the body conforms to
the documented schema. One data set per role, and each role's whole pass runs in one test: a small,
derandomized budget per operation (explicit examples, then generated ones, no shrinking) so that the
run stays fast and repeatable. Every finding of a role is reported at once."""

import json

import pytest
import schemathesis
from django.core.wsgi import get_wsgi_application
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance, status_code_conformance

from accounts.services import issue_api_token
from tests.factories import (
    AdministratorFactory,
    CallFactory,
    OfficerFactory,
    ReviewerFactory,
    ThemeFactory,
    submitted_application,
)

ROLES = ("anonymous", "officer", "reviewer", "administrator")
EXAMPLES = 10
CHECKS = [not_a_server_error, status_code_conformance, response_schema_conformance]
BUDGET = settings(
    max_examples=EXAMPLES,
    derandomize=True,
    deadline=None,
    database=None,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
)


def _load_schema():
    """The schema the portal serves at /api/v1/schema/, generated without a request (no database is
    available while tests are collected), with the WSGI application to call."""
    from drf_spectacular.generators import SchemaGenerator
    from drf_spectacular.renderers import OpenApiJsonRenderer

    document = json.loads(OpenApiJsonRenderer().render(SchemaGenerator().get_schema(request=None, public=True)))
    loaded = schemathesis.openapi.from_dict(document)
    loaded.app = get_wsgi_application()
    loaded.location = "/api/v1/schema/"
    return loaded


schema = _load_schema()
OPERATIONS = [result.ok() for result in schema.get_all_operations()]


@pytest.fixture
def _keep_the_test_connection():
    """Like Django's test client: the WSGI handler must not close the test database's connection."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def _headers(role):
    """A little of everything, so that generated ids sometimes hit a real object, and a token for the
    role (the administrator has a second factor, as every ministry user must)."""
    officer = OfficerFactory()
    call = CallFactory()
    ThemeFactory(scheme=call.scheme)
    submitted_application(officer, call=call)
    people = {"officer": officer, "reviewer": ReviewerFactory(), "administrator": AdministratorFactory()}
    if role == "anonymous":
        return {}
    _token, key = issue_api_token(user=people[role], name="conformiteit")
    return {"Authorization": f"Token {key}"}


def _findings(operation, headers):
    found = []

    @given(case=operation.as_strategy())
    @BUDGET
    def run(case):
        try:
            case.call_and_validate(headers=headers, checks=CHECKS)
        except Exception as error:  # every failure of every case is a finding to report
            found.append(f"{operation.label}: {type(error).__name__}: {str(error)[:600]}")

    run()
    return found


def test_the_run_covers_every_operation():
    assert len(OPERATIONS) >= 80
    assert all(operation.path.startswith("/api/v1/") for operation in OPERATIONS)


@pytest.mark.parametrize("role", ROLES)
def test_every_operation_answers_as_documented(role, db, _keep_the_test_connection):
    headers = _headers(role)
    findings = [finding for operation in OPERATIONS for finding in _findings(operation, headers)]
    assert findings == [], "\n\n".join(findings)
