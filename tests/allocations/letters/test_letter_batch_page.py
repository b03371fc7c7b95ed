"""The run's letters page: the send date asked for in the page's language with errors beside the field, the
planned date and its objection term shown, "Batch als verzonden markeren" only on that day with every letter
made (otherwise the reason), and nothing that makes letters again once they are sent."""

import datetime
import html

import pytest
from django.test import Client
from django.urls import reverse

from allocations.letters.models import Letter, LetterBatch
from tests.allocations.final_runs import letter_run
from tests.allocations.letters.batch import SEND_DAY, SEND_ON, on_send_day

pytestmark = pytest.mark.django_db

SEND_BUTTON = "Batch als verzonden markeren</button>"
REGENERATE_BUTTON = "Brieven opnieuw maken met de nieuwste teksten</button>"


@pytest.fixture
def run(administrator):
    return letter_run(count=2, by=administrator, prefix="P")


@pytest.fixture
def admin(administrator):
    """An administrator's browser, logged in on the day (a session of that day)."""
    with on_send_day():
        client = Client()
        client.force_login(administrator)
        yield client


def text(response) -> str:
    return html.unescape(response.content.decode())


def test_before_preparing_the_page_asks_for_the_date(run, admin):
    page = text(admin.get(reverse("run_letters", args=[run.pk])))
    assert 'name="send_on"' in page and 'value="15-03-2027"' in page  # today, a working day, the Dutch way
    assert "Bereid de brieven eerst voor met een verzenddatum." in page
    assert SEND_BUTTON not in page and REGENERATE_BUTTON not in page
    assert 'id="letter-progress"' not in page  # nothing to follow yet


def test_a_dutch_date_prepares_the_letters_and_the_page_shows_the_planned_date(
    run, admin, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = admin.post(reverse("run_letters_prepare", args=[run.pk]), {"send_on": "17-03-2027"})
    assert response.status_code == 302
    assert LetterBatch.objects.get(run=run).send_on == datetime.date(2027, 3, 17)
    page = text(admin.get(reverse("run_letters", args=[run.pk])))
    assert "De brieven worden gemaakt met de datum 17 maart 2027." in page
    assert "De brieven zijn gedateerd op <strong>woensdag 17 maart 2027</strong>, de dag waarop ze" in page
    assert "De bezwaartermijn loopt dan tot en met woensdag 28 april 2027." in page
    assert 'value="17-03-2027"' in page  # the form, to change the date
    assert "De brieven zijn gedateerd op 17 maart 2027. Markeer de batch op die dag als verzonden" in page
    assert SEND_BUTTON not in page and REGENERATE_BUTTON in page


def test_an_english_page_reads_the_date_the_english_way(run, admin, django_capture_on_commit_callbacks):
    admin.cookies["django_language"] = "en"
    with django_capture_on_commit_callbacks(execute=True):
        response = admin.post(reverse("run_letters_prepare", args=[run.pk]), {"send_on": "16-03-2027"})
    assert response.status_code == 302
    assert LetterBatch.objects.get(run=run).send_on == datetime.date(2027, 3, 16)
    bad = text(admin.post(reverse("run_letters_prepare", args=[run.pk]), {"send_on": "March 16"}))
    assert "Enter a date as dd-mm-yyyy" in bad


@pytest.mark.parametrize(
    ("typed", "says"),
    [
        ("31-02-2027", "Vul een datum in als dd-mm-jjjj, bijvoorbeeld 15-12-2026."),
        ("", "Vul de datum in waarop de brieven worden verzonden."),
        ("20-03-2027", "20 maart 2027 is een zaterdag. Kies een werkdag, bijvoorbeeld 22 maart 2027."),
        ("12-03-2027", "12 maart 2027 is voorbij. Kies vandaag of een latere werkdag."),
    ],
)
def test_a_wrong_date_is_refused_beside_the_field(run, admin, typed, says):
    response = admin.post(reverse("run_letters_prepare", args=[run.pk]), {"send_on": typed})
    assert response.status_code == 400
    page = text(response)
    field = page[page.index("nplv-field--invalid") : page.index('name="send_on"')]
    assert says in field
    if typed:
        assert f'value="{typed}"' in page  # what was typed stays, to correct
    assert not LetterBatch.objects.filter(run=run).exists()


def test_on_the_send_day_with_everything_made_the_batch_is_sent_and_frozen(
    run, admin, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        admin.post(reverse("run_letters_prepare", args=[run.pk]), {"send_on": "15-03-2027"})
    page = text(admin.get(reverse("run_letters", args=[run.pk])))
    assert SEND_BUTTON in page
    with django_capture_on_commit_callbacks(execute=True):
        assert admin.post(reverse("run_letters_send", args=[run.pk]), {"bevestigd": "ja"}).status_code == 302
    page = text(admin.get(reverse("run_letters", args=[run.pk])))
    assert "Alle beschikkingen van deze verdeling zijn verzonden, gedateerd 15 maart 2027." in page
    assert SEND_BUTTON not in page and REGENERATE_BUTTON not in page and 'name="send_on"' not in page
    before = Letter.objects.count()
    refused = admin.post(reverse("run_letters_regenerate", args=[run.pk]), {"bevestigd": "ja"})
    assert refused.status_code == 409 and "verandert niet meer" in text(refused)
    refused = admin.post(reverse("run_letters_prepare", args=[run.pk]), {"send_on": "16-03-2027"})
    assert refused.status_code == 409 and Letter.objects.count() == before
    assert {letter.letter_date for letter in Letter.objects.sent()} == {SEND_ON}


def test_the_day_is_read_in_amsterdam_on_the_page(run, administrator, django_capture_on_commit_callbacks):
    """At 23:30 UTC on 14 March it is already 15 March in Amsterdam: 15 March is today, not past."""
    with on_send_day(SEND_DAY - datetime.timedelta(hours=9, minutes=30)):
        client = Client()
        client.force_login(administrator)
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(reverse("run_letters_prepare", args=[run.pk]), {"send_on": "15-03-2027"})
    assert response.status_code == 302
