"""The JSON exports are what the API schema says: called through the WSGI application with a token, as
any client would, and each answer checked against the documented response (the portal-wide conformance
run only meets draft runs, whose exports are a 409)."""

import json

import pytest
import schemathesis
from django.core.wsgi import get_wsgi_application
from schemathesis.specs.openapi.checks import response_schema_conformance, status_code_conformance

from accounts.services import issue_api_token
from allocations.exports import services
from tests.allocations.final_runs import export_run
from tests.factories import AdministratorFactory


@pytest.fixture(scope="module")
def schema():
    from drf_spectacular.generators import SchemaGenerator
    from drf_spectacular.renderers import OpenApiJsonRenderer

    document = json.loads(OpenApiJsonRenderer().render(SchemaGenerator().get_schema(request=None, public=True)))
    loaded = schemathesis.openapi.from_dict(document)
    loaded.app = get_wsgi_application()
    return loaded


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


def test_the_json_exports_answer_as_documented(schema, db, _keep_the_test_connection):
    run = export_run(lines=3)
    admin = AdministratorFactory()
    _token, key = issue_api_token(user=admin, name="schema")
    job = services.start_export_job(run=run, by=admin, fmt="json")
    services.build_export(job_id=job.pk)
    calls = [
        ("/api/v1/allocation-runs/{id}/export/{export_format}/", {"id": run.pk, "export_format": "json"}),
        ("/api/v1/calls/{id}/publication/{export_format}/", {"id": run.call_id, "export_format": "json"}),
        ("/api/v1/export-jobs/{id}/download/", {"id": job.pk}),
    ]
    for path, parameters in calls:
        operation = schema[path]["GET"]
        case = operation.Case(path_parameters=parameters, headers={"Authorization": f"Token {key}"})
        response = case.call()
        assert response.status_code == 200, (path, response.text[:300])
        assert response.headers["content-type"][0].startswith("application/json")
        case.validate_response(response, checks=[status_code_conformance, response_schema_conformance])
        document = response.json()
        assert {"ceiling", "reserve", "distributed", "awarded", "unspent"} <= set(document)
