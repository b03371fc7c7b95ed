"""English is available for every string: the catalogue compiles, and nothing in it is left untranslated
or marked fuzzy (a guess by makemessages that nobody checked)."""

import shutil
import subprocess
from pathlib import Path

import pytest
from django.utils import translation

ROOT = Path(__file__).resolve().parents[2]
CATALOGUE = ROOT / "locale" / "en" / "LC_MESSAGES" / "django.po"


@pytest.mark.skipif(shutil.which("msgfmt") is None, reason="gettext is not installed (make installs it)")
def test_english_catalogue_is_complete():
    result = subprocess.run(
        ["msgfmt", "--check", "--statistics", "-o", "/dev/null", str(CATALOGUE)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "translated message" in result.stderr
    assert "untranslated" not in result.stderr, result.stderr
    assert "fuzzy" not in result.stderr, result.stderr


def test_dutch_is_the_default_and_english_translates_our_strings():
    with translation.override("nl"):
        assert translation.gettext("Aanvraag indienen") == "Aanvraag indienen"
    with translation.override("en"):
        assert translation.gettext("Aanvraag indienen") != "Aanvraag indienen"
        assert translation.gettext("Ongeldige of ingetrokken API-sleutel.") == "Invalid or revoked API key."
