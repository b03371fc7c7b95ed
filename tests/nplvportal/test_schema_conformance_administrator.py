"""The administrator's run of the schema conformance test (test_schema_conformance.py), in a file of its own so
that the parallel test run gives it to another worker than the other roles."""

from tests.nplvportal.test_schema_conformance import findings_for


def test_every_operation_answers_the_administrator_as_documented(db, _keep_the_test_connection, start):
    findings = findings_for("administrator", start)
    assert findings == [], "\n\n".join(findings)
