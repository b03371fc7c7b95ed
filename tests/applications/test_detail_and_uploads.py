"""Smaller things a daily user minds: the next upload goes to the next missing requirement, and withdrawing
or deleting sits below the content, folded away, with a confirmation tick."""

import html
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from applications.models import Attachment
from tests.applications.conftest import MINIMAL_PDF
from tests.factories import ApplicationFactory, RequiredAttachmentFactory

pytestmark = pytest.mark.django_db


def _open_upload_fields(body: str) -> list[str]:
    """The file inputs not folded away in a <details>, in page order."""
    unfolded = re.sub(r"<details.*?</details>", "", body, flags=re.S)
    return re.findall(r'<input type="file" name="bestand" id="bestand-(\w+)"', unfolded)


def test_after_one_upload_the_next_missing_requirement_comes_first(officer_client, officer):
    draft = ApplicationFactory(municipality=officer.municipality, created_by=officer)
    plan = RequiredAttachmentFactory(call=draft.call, name="Plan van aanpak", order=1)
    letter = RequiredAttachmentFactory(call=draft.call, name="Brief van de corporatie", order=2)
    url = reverse("application_step", args=[draft.pk, "bijlagen"])
    assert _open_upload_fields(officer_client.get(url).content.decode())[0] == str(plan.pk)

    upload = SimpleUploadedFile("plan.pdf", MINIMAL_PDF, content_type="application/pdf")
    response = officer_client.post(url, {"soort": str(plan.pk), "bestand": upload})
    assert response.status_code == 302
    assert response["Location"].endswith(f"#bijlage-{letter.pk}")
    assert Attachment.objects.get(application=draft).requirement == plan

    body = officer_client.get(url).content.decode()
    assert _open_upload_fields(body) == [str(letter.pk), "overig"]
    assert f'id="bijlage-{letter.pk}"' in body
    assert "Nog een bestand toevoegen voor 'Plan van aanpak'" in html.unescape(body)  # folded away

    upload = SimpleUploadedFile("brief.pdf", MINIMAL_PDF, content_type="application/pdf")
    done = officer_client.post(url, {"soort": str(letter.pk), "bestand": upload})
    assert done["Location"].endswith("#andere-bijlagen")


def test_withdraw_and_delete_sit_below_the_content_behind_a_fold(officer_client, officer):
    draft = ApplicationFactory(municipality=officer.municipality, created_by=officer)
    body = officer_client.get(reverse("application_detail", args=[draft.pk])).content.decode()
    section = body.index('class="nplv-destructive"')
    assert body.index('id="geschiedenis-titel"') < section  # after the content and the history
    assert body.index('id="samenvatting-begroting"') < section
    destructive = body[section:]
    assert destructive.count("<details") == 2
    assert "<summary>Aanvraag intrekken</summary>" in destructive
    assert "<summary>Concept verwijderen</summary>" in destructive
    assert 'name="intrekken-confirm"' in destructive and 'name="verwijderen-confirm"' in destructive
    assert "Aanvraag intrekken" not in body[:section]
    assert "Concept verwijderen" not in body[:section]
