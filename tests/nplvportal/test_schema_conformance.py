"""The OpenAPI schema is true: every operation, as every role, run in-process with generated input.

Checks per response: no 5xx, the status code is documented for the operation, and the body conforms to
the documented schema. One data set per role, and each role's whole pass runs in one test: a small,
derandomized budget per operation (explicit examples, then generated ones, no shrinking) so that the
run stays fast and repeatable. Every finding of a role is reported at once."""

import json
from decimal import Decimal

import pytest
import schemathesis
from django.core.wsgi import get_wsgi_application
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance, status_code_conformance

from accounts.services import issue_api_token
from applications.assessment import services as assessment
from tests.allocations.runs.builders import allocation_call, reviewed
from tests.factories import (
    AdministratorFactory,
    CallFactory,
    CriterionFactory,
    OfficerFactory,
    ReviewerFactory,
    ThemeFactory,
    submitted_application,
)

ROLES = ("anonymous", "officer", "reviewer", "administrator")
EXAMPLES = 10
# A visitor without a key must get the same 401 whatever the input: a few cases per operation show it, and the
# other roles' runs keep the full budget for the inputs that reach a view.
EXAMPLES_PER_ROLE = {"anonymous": 3}
CHECKS = [not_a_server_error, status_code_conformance, response_schema_conformance]


def budget(examples: int):
    return settings(
        max_examples=examples,
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


def _a_finished_run(administrator, start):
    call = allocation_call()
    reviewed(call, requested=Decimal("400000.00"), total=Decimal("30.00"))
    reviewed(call, requested=Decimal("700000.00"), total=Decimal("20.00"))
    return start(call, administrator)


def _data_set(role, start):
    """A little of everything, and a token for the role (the administrator has a second factor, as every
    ministry user must). Returns the headers and, per path prefix, the ids of real objects, so that every
    operation is also called on an object that exists, not only on generated ids that miss."""
    officer = OfficerFactory()
    call = CallFactory()
    ThemeFactory(scheme=call.scheme)
    application = submitted_application(officer, call=call)
    people = {"officer": officer, "reviewer": ReviewerFactory(), "administrator": AdministratorFactory()}
    CriterionFactory(call=call)
    assignment = assessment.assign_reviewer(
        application=application, reviewer=people["reviewer"], by=people["administrator"]
    )
    run = _a_finished_run(people["administrator"], start)
    ids = {
        "/api/v1/assignments/{id}": {"id": assignment.pk},
        "/api/v1/allocation-runs/{id}/compare/{other}": {"id": run.pk, "other": run.pk},
        "/api/v1/allocation-runs/{id}": {"id": run.pk},
        "/api/v1/applications/{id}": {"id": application.pk},
        "/api/v1/calls/{id}": {"id": call.pk},
        "/api/v1/calls/{call_id}": {"call_id": call.pk},
        "/api/v1/schemes/{id}": {"id": call.scheme_id},
        "/api/v1/municipalities/{cbs_code}": {"cbs_code": officer.municipality.cbs_code},
    }
    if role == "anonymous":
        return {}, ids
    _token, key = issue_api_token(user=people[role], name="conformiteit")
    return {"Authorization": f"Token {key}"}, ids


def _real_ids(operation, ids):
    for prefix, values in ids.items():
        if operation.path.startswith(prefix):
            return values
    return None


def _findings(operation, headers, ids, examples=EXAMPLES):
    found = []
    strategies = [operation.as_strategy()]
    if real := _real_ids(operation, ids):
        strategies.append(operation.as_strategy(path_parameters=real))
    for strategy in strategies:

        @given(case=strategy)
        @budget(examples)
        def run(case):
            try:
                case.call_and_validate(headers=headers, checks=CHECKS)
            except Exception as error:  # every failure of every case is a finding to report
                found.append(f"{operation.label} {case.path_parameters}: {type(error).__name__}: {str(error)[:600]}")

        run()
    return found


def test_the_run_covers_every_operation():
    assert len(OPERATIONS) >= 80
    assert all(operation.path.startswith("/api/v1/") for operation in OPERATIONS)


def findings_for(role, start) -> list[str]:
    """Every operation tried as ``role``: what answered otherwise than documented (empty when all conform)."""
    headers, ids = _data_set(role, start)
    examples = EXAMPLES_PER_ROLE.get(role, EXAMPLES)
    return [finding for operation in OPERATIONS for finding in _findings(operation, headers, ids, examples)]


# The administrator, who reaches the most views, runs in test_schema_conformance_administrator.py: a file of its
# own, so the parallel test run gives it to the other worker.
@pytest.mark.parametrize("role", [role for role in ROLES if role != "administrator"])
def test_every_operation_answers_as_documented(role, db, _keep_the_test_connection, start):
    findings = findings_for(role, start)
    assert findings == [], "\n\n".join(findings)
