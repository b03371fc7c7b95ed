"""publiccode.yml at the root describes the portal by the publiccode.yml standard (issue 22): it validates
against the standard's core keys (tests/nplvportal/publiccode.schema.json, checked with ``jsonschema``; the
standard's own validators are Go programs that do not install from the project's registries), names the
EUPL-1.2 licence, its maintenance and dependencies, and agrees with pyproject.toml."""

import datetime
import json
import tomllib
from pathlib import Path

import jsonschema
import yaml

ROOT = Path(__file__).resolve().parents[2]
SCHEMA = json.loads((Path(__file__).parent / "publiccode.schema.json").read_text())


def _load() -> dict:
    return yaml.safe_load((ROOT / "publiccode.yml").read_text(encoding="utf-8"))


def test_publiccode_yml_validates_against_the_standards_core_keys():
    jsonschema.Draft202012Validator.check_schema(SCHEMA)
    errors = sorted(jsonschema.Draft202012Validator(SCHEMA).iter_errors(_load()), key=str)
    assert not errors, "\n".join(f"{'/'.join(map(str, e.path))}: {e.message}" for e in errors)


def test_the_validation_refuses_what_the_standard_forbids():
    """The schema has teeth: a missing mandatory key, a wrong status and a long short description fail."""
    validator = jsonschema.Draft202012Validator(SCHEMA)
    for change in (
        lambda d: d.pop("legal"),
        lambda d: d.update(developmentStatus="finished"),
        lambda d: d["description"]["nl"].update(shortDescription="x" * 151),
        lambda d: d["maintenance"].pop("contacts"),
        lambda d: d.update(categories=["liveability"]),
    ):
        document = _load()
        change(document)
        assert list(validator.iter_errors(document)), change


def test_publiccode_yml_names_the_licence_version_date_and_dependencies_of_this_repository():
    document = _load()
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert document["publiccodeYmlVersion"] >= "0.2"
    assert document["legal"]["license"] == project["license"] == "EUPL-1.2"
    assert "EUROPEAN UNION PUBLIC LICENCE v. 1.2" in (ROOT / "LICENSE").read_text()
    assert document["softwareVersion"] == project["version"]
    datetime.date.fromisoformat(document["releaseDate"])
    dependencies = {d["name"] for d in document["dependsOn"]["open"]}
    assert {"Python", "Django", "PostgreSQL", "Redis", "Celery", "WeasyPrint"} <= dependencies
    assert set(document["localisation"]["availableLanguages"]) == {"nl", "en"}
