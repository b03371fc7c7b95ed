"""Every allocation endpoint is in the OpenAPI schema with a summary and its status codes."""

import pytest
import yaml
from django.core.management import call_command

ENDPOINTS = {
    ("/api/v1/calls/{id}/allocation-policy/", "get"): {"200", "403", "404"},
    ("/api/v1/calls/{id}/allocation-policy/", "put"): {"200", "400", "403", "404", "409"},
    ("/api/v1/calls/{id}/allocation-runs/", "get"): {"200", "403", "404"},
    ("/api/v1/calls/{id}/allocation-runs/", "post"): {"202", "403", "404", "409"},
    ("/api/v1/allocation-runs/{id}/", "get"): {"200", "400", "403", "404"},
    ("/api/v1/allocation-runs/{id}/approve/", "post"): {"200", "403", "404", "409"},
    ("/api/v1/allocation-runs/{id}/verify/", "post"): {"200", "403", "404", "409"},
    ("/api/v1/allocation-runs/{id}/retry/", "post"): {"202", "403", "404", "409"},
    ("/api/v1/allocation-runs/{id}/compare/{other}/", "get"): {"200", "400", "403", "404"},
}
# What every operation can answer (no or a bad key, too many requests), and every write besides (bad,
# too large or unsupported input): nplvportal/api_schema.py documents these for all operations.
EVERY = {"401", "429"}
WRITES = {"400", "413", "415"}


@pytest.fixture(scope="module")
def schema(tmp_path_factory):
    path = tmp_path_factory.mktemp("openapi") / "schema.yml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(path))
    return yaml.safe_load(path.read_text())


def test_allocation_endpoints_are_documented_with_their_status_codes(schema):
    for (path, method), codes in ENDPOINTS.items():
        operation = schema["paths"][path][method]
        assert operation["summary"], path
        expected = codes | EVERY | (WRITES if method != "get" else set())
        assert set(operation["responses"]) == expected, (path, method)
    runs = schema["paths"]["/api/v1/calls/{id}/allocation-runs/"]["get"]["responses"]["200"]
    assert runs["content"]["application/json"]["schema"]["$ref"].endswith("PaginatedRuns")
