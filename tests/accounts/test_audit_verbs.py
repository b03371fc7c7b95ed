"""Every audit verb recorded anywhere in the code has a translated sentence (issue 9, item 11)."""

import ast
import itertools
from pathlib import Path

import pytest
from django.apps import apps
from django.utils import translation

from accounts.audit_verbs import describe, sentence_for
from applications.assessment.config import AUDIT_NAMES

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("accounts", "applications", "allocations", "nplvportal")

# What the f-string parts of a verb can be, by the source of the expression inside the braces.
FSTRING_VALUES = {
    "obj._meta.model_name": sorted({model._meta.model_name for model in apps.get_models()}),
    "name": sorted(AUDIT_NAMES.values()),
}


def _values(node: ast.expr) -> list[str] | None:
    """Every string ``node`` can evaluate to, or None when it is not a verb-like expression."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, ast.IfExp):
        body, orelse = _values(node.body), _values(node.orelse)
        return None if body is None or orelse is None else body + orelse
    if isinstance(node, ast.JoinedStr):
        parts: list[list[str]] = []
        for value in node.values:
            if isinstance(value, ast.Constant):
                parts.append([value.value])
                continue
            inner = _values(value.value)
            if inner is None:
                source = ast.unparse(value.value)
                assert source in FSTRING_VALUES, f"unknown f-string part in a verb: {source}"
                inner = FSTRING_VALUES[source]
            parts.append(inner)
        return ["".join(combination) for combination in itertools.product(*parts)]
    return None


def recorded_verbs() -> set[str]:
    """Verbs passed as ``verb=`` anywhere, or assigned to a variable called ``verb``."""
    found: set[str] = set()
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
                candidates = []
                if isinstance(node, ast.keyword) and node.arg == "verb":
                    candidates.append(node.value)
                if isinstance(node, ast.Assign) and any(
                    isinstance(t, ast.Name) and t.id == "verb" for t in node.targets
                ):
                    candidates.append(node.value)
                for candidate in candidates:
                    found.update(v for v in _values(candidate) or [] if "." in v)
    return found


def test_the_collector_finds_verbs_of_every_half():
    verbs = recorded_verbs()
    expected = {"review.assigned", "application.review_reopened", "allocation_run.started", "letter.downloaded"}
    assert expected <= verbs
    assert {"admin.user.changed", "criterion.deleted", "scheme.updated", "application.resubmitted"} <= verbs


def test_every_recorded_verb_has_a_sentence():
    missing = sorted(verb for verb in recorded_verbs() if sentence_for(verb) is None)
    assert not missing, f"audit verbs without a sentence in accounts/audit_verbs.py: {missing}"


@pytest.mark.parametrize("verb", sorted(recorded_verbs()))
def test_every_sentence_renders_in_dutch_and_english(verb):
    texts = {}
    for language in ("nl", "en"):
        with translation.override(language):
            texts[language] = describe(verb, who="Ans", data={}, target="NPLV-2027")
        assert verb not in texts[language] and "%(" not in texts[language]
    assert texts["nl"] != texts["en"], f"no English translation for the sentence of {verb}"


def test_placeholders_are_filled_from_the_event_data():
    text = describe("review.assigned", who="Ans Bakker", data={"reviewer": "b@example.nl"})
    assert text == "Ans Bakker heeft b@example.nl als beoordelaar toegewezen."
    with translation.override("en"):
        assert describe("application.withdrawn", who="Ans") == "Ans withdrew the application."
