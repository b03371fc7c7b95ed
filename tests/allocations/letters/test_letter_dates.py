"""Letters are dated by the day of sending (Awb 6:8) and a sent letter is frozen.

The send date is chosen when the letters are prepared: a working day, not in the past. Every letter prints
it and counts its objection term from it; changing it before sending makes the letters again, and the batch
can only be marked as sent on that day. Once sent, no letter is made again and the decision cannot change.
"""

import datetime
import io
import re
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from pypdf import PdfReader

from accounts.models import AuditEvent
from accounts.workflow import TransitionNotAllowed
from allocations.letters import batches, selectors, services
from allocations.letters.models import BatchStatus, Letter, LetterBatch, LetterJob
from allocations.runs.models import Decision, SentDecisionChanged
from tests.allocations.final_runs import LETTER_DECIDED_AT, letter_run
from tests.allocations.letters.batch import SEND_DAY, SEND_ON, prepare

pytestmark = pytest.mark.django_db


def text_of(letter: Letter) -> str:
    with letter.file.open("rb") as handle:
        reader = PdfReader(io.BytesIO(handle.read()))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


def at(day: datetime.date, hour: int = 10) -> datetime.datetime:
    """A moment on ``day`` in Amsterdam (winter time: UTC+1)."""
    return datetime.datetime(day.year, day.month, day.day, hour - 1, tzinfo=datetime.UTC)


@pytest.fixture
def run(administrator):
    return letter_run(count=3, by=administrator)


def _made(run, capture, send_on, now=SEND_DAY):
    with capture(execute=True):
        return prepare(run, send_on=send_on, now=now)


def test_the_letter_is_dated_by_its_send_date_and_the_objection_term_counts_from_it(
    run, django_capture_on_commit_callbacks
):
    wednesday = datetime.date(2027, 3, 17)
    _made(run, django_capture_on_commit_callbacks, wednesday)
    letters = list(selectors.current_letters(run=run))
    assert len(letters) == 3 and {letter.letter_date for letter in letters} == {wednesday}
    text = text_of(letters[0])
    assert "Datum 17 maart 2027" in text
    # Six weeks from the day after Wednesday 17 March: Wednesday 28 April 2027.
    assert "uiterlijk op woensdag 28 april 2027 zijn ontvangen" in text
    decided = f"{LETTER_DECIDED_AT.day} maart 2027"
    assert decided not in text  # the approval's date is printed nowhere
    assert LetterJob.objects.filter(run=run, letter_date=wednesday).count() == 3


def test_a_letter_sent_before_days_equated_by_decree_gets_the_right_last_day(
    administrator, django_capture_on_commit_callbacks
):
    """Sent on Thursday 2 April 2026, six weeks on is Hemelvaartsdag 14 May; Friday 15 May 2026 is equated
    with a holiday by decree, so the term runs to Monday 18 May (not Friday 15 May)."""
    run = letter_run(count=1, by=administrator, prefix="E")
    sent_on = datetime.date(2026, 4, 2)
    _made(run, django_capture_on_commit_callbacks, sent_on, now=at(datetime.date(2026, 4, 1)))
    letter = selectors.current_letters(run=run).get()
    assert letter.letter_date == sent_on
    assert "uiterlijk op maandag 18 mei 2026 zijn ontvangen" in text_of(letter)


def test_another_date_before_sending_makes_the_letters_again_and_the_same_date_nothing(
    run, administrator, django_capture_on_commit_callbacks
):
    _made(run, django_capture_on_commit_callbacks, SEND_ON)
    first = {letter.decision_id: letter for letter in selectors.current_letters(run=run)}
    tuesday = datetime.date(2027, 3, 16)
    _made(run, django_capture_on_commit_callbacks, tuesday)
    for decision_id, old in first.items():
        versions = list(Letter.objects.filter(decision_id=decision_id).order_by("version"))
        assert [(v.version, v.letter_date) for v in versions] == [(1, SEND_ON), (2, tuesday)]
        assert versions[0].superseded_at is not None and versions[1].superseded_at is None
        assert versions[0].sha256 == old.sha256 != versions[1].sha256
        assert "Datum 16 maart 2027" in text_of(versions[1])
    batch = LetterBatch.objects.get(run=run)
    assert batch.send_on == tuesday and batch.status == BatchStatus.PREPARED
    events = AuditEvent.objects.filter(verb="letters.prepared").order_by("pk")
    assert [e.data["send_on"] for e in events] == ["2027-03-15", "2027-03-16"]
    assert events.last().data["previous"] == "2027-03-15"

    _made(run, django_capture_on_commit_callbacks, tuesday)  # the same date again
    assert Letter.objects.filter(decision__run=run).count() == 6
    assert AuditEvent.objects.filter(verb="letters.prepared").count() == 2


def test_a_new_date_while_the_letters_are_still_being_made_is_refused(run, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        prepare(run, send_on=SEND_ON)  # queued, not made
    with pytest.raises(TransitionNotAllowed, match="worden nog gemaakt"):
        prepare(run, send_on=datetime.date(2027, 3, 16))
    assert LetterBatch.objects.get(run=run).send_on == SEND_ON
    assert set(LetterJob.objects.filter(run=run).values_list("letter_date", flat=True)) == {SEND_ON}


@pytest.mark.parametrize(
    ("send_on", "says"),
    [
        (datetime.date(2027, 3, 12), "12 maart 2027 is voorbij"),
        (datetime.date(2027, 3, 20), "is een zaterdag"),
        (datetime.date(2027, 3, 21), "is een zondag"),
        (datetime.date(2027, 3, 26), "is een feestdag"),  # Goede Vrijdag
        (datetime.date(2027, 4, 27), "is een feestdag"),  # Koningsdag
        (datetime.date(2027, 5, 7), "is een feestdag"),  # the Friday after Hemelvaartsdag, equated by decree
    ],
)
def test_a_past_or_non_working_send_date_is_refused(run, send_on, says):
    with pytest.raises(ValidationError) as error:
        prepare(run, send_on=send_on)
    assert list(error.value.message_dict) == ["send_on"]
    assert says in error.value.message_dict["send_on"][0]
    assert not LetterBatch.objects.filter(run=run).exists() and not LetterJob.objects.filter(run=run).exists()


def test_today_is_the_date_in_amsterdam(run):
    late = datetime.datetime(2027, 3, 15, 23, 30, tzinfo=datetime.UTC)  # 00:30 on 16 March in Amsterdam
    with pytest.raises(ValidationError, match="15 maart 2027 is voorbij"):
        prepare(run, send_on=SEND_ON, now=late)
    assert prepare(run, send_on=datetime.date(2027, 3, 16), now=late).send_on == datetime.date(2027, 3, 16)


def test_a_refused_date_suggests_the_next_working_day(run):
    with pytest.raises(ValidationError) as error:
        prepare(run, send_on=datetime.date(2027, 5, 6))  # Hemelvaartsdag, then the equated Friday
    assert "bijvoorbeeld 10 mei 2027" in error.value.message_dict["send_on"][0]


def test_marking_sent_on_another_day_is_refused_until_the_date_is_right(
    run, administrator, django_capture_on_commit_callbacks
):
    tuesday, wednesday = datetime.date(2027, 3, 16), datetime.date(2027, 3, 17)
    _made(run, django_capture_on_commit_callbacks, tuesday)
    with pytest.raises(TransitionNotAllowed, match="gedateerd op 16 maart 2027"):
        batches.mark_batch_sent(run=run, by=administrator, now=SEND_DAY)  # a day early
    with pytest.raises(TransitionNotAllowed, match="16 maart 2027, een dag die voorbij is"):
        batches.mark_batch_sent(run=run, by=administrator, now=at(wednesday))  # a day late
    assert not Decision.objects.filter(run=run, sent_at__isnull=False).exists()
    assert not Letter.objects.sent().exists()
    # Change the date first, then send on that day.
    _made(run, django_capture_on_commit_callbacks, wednesday, now=at(wednesday))
    with django_capture_on_commit_callbacks(execute=True):
        assert batches.mark_batch_sent(run=run, by=administrator, now=at(wednesday)) == 3
    sent = Letter.objects.sent()
    assert sent.count() == 3 and {letter.letter_date for letter in sent} == {wednesday}
    batch = LetterBatch.objects.get(run=run)
    assert batch.status == BatchStatus.SENT and batch.sent_by == administrator and batch.sent_at == at(wednesday)


def test_a_sent_letter_is_frozen(run, administrator, django_capture_on_commit_callbacks):
    _made(run, django_capture_on_commit_callbacks, SEND_ON)
    with django_capture_on_commit_callbacks(execute=True):
        batches.mark_batch_sent(run=run, by=administrator, now=SEND_DAY)
    before = list(Letter.objects.order_by("pk").values_list("pk", "version", "sha256", "superseded_at", "sent_at"))
    texts = services.save_letter_texts(call=run.call, by=administrator, data={"closing": "Een nieuwe slottekst."})
    assert texts.version == 2  # editing the texts stays allowed ...
    with pytest.raises(TransitionNotAllowed, match="verzonden brief verandert niet meer"):
        batches.regenerate(run=run, by=administrator)
    with pytest.raises(TransitionNotAllowed, match="15 maart 2027 zijn verzonden"):
        prepare(run, send_on=datetime.date(2027, 3, 16))
    with pytest.raises(TransitionNotAllowed):
        batches.retry_failed(run=run, by=administrator)
    # ... and even a job reaching the store cannot replace a sent letter.
    decision = selectors.decisions_for_letters(run.decisions.values("pk")).first()
    kept = services.store_letter(decision=decision, texts=texts, letter_date=SEND_ON, correction=True)
    assert kept.is_sent and kept.version == 1
    assert services.create_letter_jobs(run=run, letter_date=datetime.date(2027, 3, 16), correction=True) == 0
    assert list(Letter.objects.order_by("pk").values_list("pk", "version", "sha256", "superseded_at", "sent_at")) == (
        before
    )
    assert "Een nieuwe slottekst." not in text_of(kept)


def test_changing_a_sent_decision_is_refused_with_a_clear_message(
    run, administrator, django_capture_on_commit_callbacks
):
    unsent = run.decisions.order_by("number").first()
    unsent.reason = "Aangevuld voor verzending."
    unsent.save()  # before sending, the record can still be completed
    _made(run, django_capture_on_commit_callbacks, SEND_ON)
    with django_capture_on_commit_callbacks(execute=True):
        batches.mark_batch_sent(run=run, by=administrator, now=SEND_DAY)
    decision = Decision.objects.get(pk=unsent.pk)
    decision.amount = Decimal("1.00")
    with pytest.raises(SentDecisionChanged, match="nieuw besluit, met een eigen brief"):
        decision.save()
    with pytest.raises(SentDecisionChanged):
        Decision.objects.filter(run=run).update(amount=Decimal("0"))
    assert issubclass(SentDecisionChanged, TransitionNotAllowed)  # a 409 wherever it reaches the API
    assert Decision.objects.get(pk=unsent.pk).amount == unsent.amount


def test_the_preview_is_dated_by_the_planned_send_date(run, administrator, django_capture_on_commit_callbacks):
    decision = run.decisions.order_by("number").first()
    assert services.preview_date(decision, now=SEND_DAY - datetime.timedelta(days=1)) == SEND_ON  # Sunday: Monday
    _made(run, django_capture_on_commit_callbacks, datetime.date(2027, 3, 18))
    content = services.preview_letter(decision=decision, texts=services.texts_for(run.call), by=administrator)
    text = " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(content)).pages).split())
    assert re.search(r"Datum 18 maart 2027", text)
