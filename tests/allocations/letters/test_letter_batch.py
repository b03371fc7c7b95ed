"""The letter batch through its services and tasks: exactly one current letter per decision, however often
a job runs; leases, the sweeper and the attempt cap; corrections as new versions; sending. The dates and the
freezing of sent letters are in test_letter_dates.py."""

import datetime
import hashlib
import io
from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils import timezone
from pypdf import PdfReader

from accounts.models import AuditEvent
from accounts.workflow import TransitionNotAllowed
from allocations.letters import batches, selectors, services
from allocations.letters.models import JobStatus, Letter, LetterJob
from allocations.letters.tasks import render_letter, sweep_letter_jobs
from applications.models import Status
from tests.allocations.final_runs import letter_run
from tests.allocations.letters.batch import SEND_DAY, prepare

pytestmark = pytest.mark.django_db


@pytest.fixture
def run(administrator):
    return letter_run(count=6, by=administrator)


def _make_all(run, capture):
    with capture(execute=True):
        prepare(run)


def text_of(letter: Letter) -> str:
    with letter.file.open("rb") as handle:
        reader = PdfReader(io.BytesIO(handle.read()))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


def test_preparing_makes_one_job_per_decision_and_the_tasks_make_every_letter(run, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        prepare(run)
    assert LetterJob.objects.filter(run=run, status=JobStatus.PENDING).count() == 6
    prepare(run)  # the same date again adds nothing
    assert LetterJob.objects.filter(run=run).count() == 6
    for callback in callbacks:
        callback()
    progress = selectors.batch_progress(run)
    assert (progress.total, progress.done, progress.failed, progress.finished) == (6, 6, 0, True)
    letters = list(selectors.current_letters(run=run))
    assert len(letters) == 6
    for letter in letters:
        with letter.file.open("rb") as handle:
            assert hashlib.sha256(handle.read()).hexdigest() == letter.sha256
        assert letter.version == 1 and letter.text_version == 1
    assert AuditEvent.objects.filter(verb="letter.generated").count() == 6


def test_letters_say_what_the_decision_says(run, django_capture_on_commit_callbacks):
    _make_all(run, django_capture_on_commit_callbacks)
    by_number = {letter.decision.number: letter for letter in selectors.current_letters(run=run)}
    award = text_of(by_number["NPLV-2027-T-000001"])
    assert "Ik ken uw aanvraag volledig toe" in award and "€ 120.001,00" in award
    assert "honderdtwintigduizend een euro" in award
    assert "Postbus 100" in award and "3500 AA BRIEFSTAD 0" in award
    partial = text_of(by_number["NPLV-2027-T-000003"])
    assert "€ 50.000,01" in partial and "van de aangevraagde € 120.003,00" in partial
    refusal = text_of(by_number["NPLV-2027-T-000004"])
    assert "Ik wijs uw aanvraag af" in refusal and "raakte op bij de aanvraag op plaats 3" in refusal
    ineligible = text_of(by_number["NPLV-2027-T-000006"])
    assert "De gemeente is geen lid van een netwerk dat mag aanvragen." in ineligible
    # Sent on 15 March 2027 (a Monday): six weeks on is Monday 26 April 2027.
    assert "uiterlijk op maandag 26 april 2027" in award


def test_each_letter_stores_the_amount_it_prints(run, django_capture_on_commit_callbacks):
    _make_all(run, django_capture_on_commit_callbacks)
    by_number = {letter.decision.number: letter for letter in selectors.current_letters(run=run)}
    assert {number: letter.amount for number, letter in by_number.items()} == {
        "NPLV-2027-T-000001": Decimal("120001.00"),
        "NPLV-2027-T-000002": Decimal("120002.00"),
        "NPLV-2027-T-000003": Decimal("50000.01"),
        "NPLV-2027-T-000004": Decimal("0.00"),
        "NPLV-2027-T-000005": Decimal("0.00"),
        "NPLV-2027-T-000006": Decimal("0.00"),
    }
    assert "€ 50.000,01" in text_of(by_number["NPLV-2027-T-000003"])


def test_letters_stored_before_amounts_were_kept_get_their_decisions_amount(run, django_capture_on_commit_callbacks):
    import importlib

    from django.apps import apps

    _make_all(run, django_capture_on_commit_callbacks)
    expected = dict(Letter.objects.values_list("pk", "amount"))
    Letter.objects.update(amount=0)  # what the migration's new column holds before it is filled
    importlib.import_module("allocations.migrations.0009_letter_amount").fill(apps, None)
    assert dict(Letter.objects.values_list("pk", "amount")) == expected
    assert Letter.objects.filter(amount__gt=0).count() == 3  # two full awards and a partial one


def test_a_job_run_twice_or_redelivered_writes_nothing_new(run, django_capture_on_commit_callbacks):
    _make_all(run, django_capture_on_commit_callbacks)
    job = LetterJob.objects.filter(run=run).first()
    before = list(Letter.objects.values_list("pk", "sha256"))
    render_letter.delay(job.pk)
    render_letter(job.pk)
    # A job reopened by hand (as after a lost acknowledgement) finds the same bytes and keeps the letter.
    LetterJob.objects.filter(pk=job.pk).update(status=JobStatus.PENDING)
    services.render_job(job.pk)
    assert list(Letter.objects.values_list("pk", "sha256")) == before
    assert LetterJob.objects.get(pk=job.pk).status == JobStatus.DONE


def test_a_leased_job_is_left_alone_and_an_expired_lease_is_taken_over(run, settings):
    prepare(run)
    job = LetterJob.objects.filter(run=run).first()
    now = timezone.now()
    assert services.claim_job(job.pk, now=now) is not None
    assert services.claim_job(job.pk, now=now + datetime.timedelta(seconds=10)) is None  # lease still runs
    later = now + datetime.timedelta(seconds=settings.JOBS["letter"]["lease_seconds"] + 1)
    taken = services.claim_job(job.pk, now=later)
    assert taken is not None and taken.attempt == 2 and taken.job.attempts == 2


def test_the_sweeper_requeues_pending_and_expired_jobs_and_fails_exhausted_ones(run, settings):
    prepare(run)  # tasks are only queued on commit: these stay pending
    settings.JOB_REQUEUE_SECONDS = 0  # their messages count as lost at once
    jobs = list(LetterJob.objects.filter(run=run).order_by("pk"))
    past = timezone.now() - datetime.timedelta(minutes=5)
    LetterJob.objects.filter(pk=jobs[0].pk).update(status=JobStatus.CLAIMED, lease_until=past, attempts=1)
    LetterJob.objects.filter(pk=jobs[1].pk).update(
        status=JobStatus.CLAIMED, lease_until=past, attempts=settings.JOBS["letter"]["max_attempts"]
    )
    assert sweep_letter_jobs() == 5  # run eagerly here: every queued job renders
    jobs[1].refresh_from_db()
    assert jobs[1].status == JobStatus.FAILED and jobs[1].error
    progress = selectors.batch_progress(run)
    assert (progress.done, progress.failed, progress.finished) == (5, 1, True)
    assert Letter.objects.filter(decision__run=run, superseded_at__isnull=True).count() == 5


def test_a_failing_render_is_kept_visible_and_retried_until_the_cap(run, monkeypatch, administrator, settings):
    prepare(run)
    job = LetterJob.objects.filter(run=run).first()

    def broken(*args, **kwargs):
        raise RuntimeError("lettertype ontbreekt")

    monkeypatch.setattr(services, "render_letter_pdf", broken)
    for _ in range(settings.JOBS["letter"]["max_attempts"]):
        services.render_job(job.pk)
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED and "lettertype ontbreekt" in job.error
    assert list(selectors.failed_jobs(run)) == [job]
    monkeypatch.undo()
    assert batches.retry_failed(run=run, by=administrator) == 1
    job.refresh_from_db()
    assert job.status == JobStatus.PENDING and job.attempts == 0
    services.render_job(job.pk)
    job.refresh_from_db()
    assert job.status == JobStatus.DONE


def test_a_correction_is_a_new_version_and_the_old_one_is_kept(run, administrator, django_capture_on_commit_callbacks):
    _make_all(run, django_capture_on_commit_callbacks)
    call = run.call
    texts = services.save_letter_texts(call=call, by=administrator, data={"closing": "Met vriendelijke groet."})
    assert texts.version == 2
    with django_capture_on_commit_callbacks(execute=True):
        assert batches.regenerate(run=run, by=administrator) == 6
    decision = run.decisions.order_by("number").first()
    versions = list(Letter.objects.filter(decision=decision).order_by("version"))
    assert [v.version for v in versions] == [1, 2]
    assert versions[0].superseded_at is not None and versions[1].superseded_at is None
    assert versions[1].text_version == 2 and versions[0].sha256 != versions[1].sha256
    assert "Met vriendelijke groet." in text_of(versions[1])
    assert Letter.objects.filter(decision__run=run, superseded_at__isnull=True).count() == 6


def test_texts_are_only_edited_by_administrators_and_validated(run, officer, reviewer, administrator):
    for user in (officer, reviewer):
        with pytest.raises(PermissionDenied):
            services.save_letter_texts(call=run.call, by=user, data={"closing": "x"})
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as error:
        services.save_letter_texts(call=run.call, by=administrator, data={"closing": "x" * 2001})
    assert "closing" in error.value.message_dict
    assert run.call.letter_texts.count() == 0


def test_sending_moves_every_application_and_mails_the_officers(
    run, administrator, django_capture_on_commit_callbacks, settings
):
    from accounts.models import Role, User

    decision = run.decisions.order_by("number").first()
    User.objects.create_user(
        email="ambtenaar@briefgemeente.nl", role=Role.OFFICER, municipality=decision.application.municipality
    )
    with pytest.raises(TransitionNotAllowed, match="Bereid de brieven eerst voor"):
        batches.mark_batch_sent(run=run, by=administrator, now=SEND_DAY)  # not prepared yet
    with django_capture_on_commit_callbacks(execute=False):
        prepare(run)
    with pytest.raises(TransitionNotAllowed, match="Nog niet alle brieven zijn gemaakt"):
        batches.mark_batch_sent(run=run, by=administrator, now=SEND_DAY)  # letters not made yet
    settings.JOB_REQUEUE_SECONDS = 0
    services.sweep_jobs()  # the lost messages are sent again; the tasks run (eagerly here)
    with django_capture_on_commit_callbacks(execute=True):
        assert batches.mark_batch_sent(run=run, by=administrator, now=SEND_DAY) == 6
    assert set(run.call.applications.values_list("status", flat=True)) == {Status.LETTER_SENT}
    assert run.decisions.filter(sent_at__isnull=True).count() == 0
    assert AuditEvent.objects.filter(verb="application.letter_sent").count() == 6
    assert [m.to for m in mail.outbox] == [["ambtenaar@briefgemeente.nl"]]
    assert decision.number in mail.outbox[0].subject
    current = Letter.objects.filter(decision__run=run, superseded_at__isnull=True)
    assert current.count() == 6 and set(current.values_list("sent_at", flat=True)) == {SEND_DAY}
    assert batches.mark_batch_sent(run=run, by=administrator, now=SEND_DAY) == 0  # sending again changes nothing
    assert AuditEvent.objects.filter(verb="letters.sent").count() == 1


def test_downloads_are_audited_and_hidden_from_others(
    run, administrator, reviewer, officer, django_capture_on_commit_callbacks
):
    _make_all(run, django_capture_on_commit_callbacks)
    letter = selectors.current_letters(run=run).first()
    services.open_letter(letter=letter, by=reviewer).close()
    with pytest.raises(Http404):
        services.open_letter(letter=letter, by=officer)  # another municipality
    event = AuditEvent.objects.get(verb="letter.downloaded")
    assert event.actor == reviewer and event.data["sha256"] == letter.sha256
