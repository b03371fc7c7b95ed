"""Large exports as background jobs: progress, a download when ready, idempotent, audited."""

import csv
import io
from decimal import Decimal

import pytest
from django.utils import timezone

from accounts.models import AuditEvent
from allocations.exports import services
from allocations.exports.models import ExportJob, ExportJobStatus
from allocations.exports.tasks import resume_export_jobs
from allocations.exports.transitions import EXPORT_JOB_KIND


@pytest.fixture
def admin_api(api_client, administrator):
    api_client.force_authenticate(administrator)
    return api_client


def start(admin_api, run, fmt, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_api.post(f"/api/v1/allocation-runs/{run.pk}/export-jobs/", {"format": fmt}, format="json")
    return response


def test_a_job_builds_the_file_and_offers_it_for_download(
    admin_api, administrator, final_run, django_capture_on_commit_callbacks
):
    response = start(admin_api, final_run, "csv_nl", django_capture_on_commit_callbacks)
    assert response.status_code == 202
    job = ExportJob.objects.get(pk=response.json()["id"])
    assert job.status == ExportJobStatus.DONE  # tasks run in-process in the tests
    assert job.progress == 100 and job.rows_total == 4 and len(job.sha256) == 64

    status = admin_api.get(f"/api/v1/export-jobs/{job.pk}/").json()
    assert status["status"] == "done"
    assert status["download_url"] == f"/api/v1/export-jobs/{job.pk}/download/"

    download = admin_api.get(status["download_url"])
    assert download.status_code == 200
    data = b"".join(download.streaming_content)
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))
    awarded = rows[0].index("Toegekend")
    assert sum(Decimal(r[awarded].replace(",", ".")) for r in rows[1:]) == final_run.total_awarded

    verbs = list(AuditEvent.objects.order_by("pk").values_list("verb", flat=True))
    assert verbs == ["export.job_requested", "export.decisions", "export.downloaded"]
    assert all(e.actor == administrator for e in AuditEvent.objects.all())


def test_running_the_task_twice_does_nothing_the_second_time(final_run, administrator):
    job = ExportJob.objects.create(run=final_run, format="xlsx", requested_by=administrator, rows_total=4)
    assert services.build_export(job_id=job.pk) is not None
    first = ExportJob.objects.get(pk=job.pk)
    assert services.build_export(job_id=job.pk) is None
    again = ExportJob.objects.get(pk=job.pk)
    assert (again.file.name, again.sha256, again.attempts) == (first.file.name, first.sha256, 1)
    assert AuditEvent.objects.filter(verb="export.decisions").count() == 1


def test_a_job_leased_by_another_worker_is_left_alone(final_run, administrator):
    job = ExportJob.objects.create(
        run=final_run,
        format="csv",
        requested_by=administrator,
        status=ExportJobStatus.RUNNING,
        lease_until=timezone.now() + EXPORT_JOB_KIND.policy.lease,
    )
    assert services.build_export(job_id=job.pk) is None
    assert ExportJob.objects.get(pk=job.pk).status == ExportJobStatus.RUNNING


def test_a_lost_job_is_picked_up_again(final_run, administrator):
    stale = ExportJob.objects.create(
        run=final_run,
        format="json",
        requested_by=administrator,
        status=ExportJobStatus.RUNNING,
        lease_until=timezone.now() - EXPORT_JOB_KIND.policy.lease,
        rows_total=4,
    )
    assert resume_export_jobs() == 1
    stale.refresh_from_db()
    assert stale.status == ExportJobStatus.DONE and stale.attempts == 1


def test_download_before_ready_is_409(admin_api, final_run, administrator):
    job = ExportJob.objects.create(run=final_run, format="csv", requested_by=administrator)
    assert admin_api.get(f"/api/v1/export-jobs/{job.pk}/download/").status_code == 409


def test_bad_format_is_400_and_changes_nothing(admin_api, final_run):
    response = admin_api.post(f"/api/v1/allocation-runs/{final_run.pk}/export-jobs/", {"format": "pdf"}, format="json")
    assert response.status_code == 400
    assert "format" in response.json()
    assert not ExportJob.objects.exists()
    assert not AuditEvent.objects.exists()


def test_jobs_are_for_administrators_only(api_client, officer, reviewer, final_run, administrator):
    job = ExportJob.objects.create(run=final_run, format="csv", requested_by=administrator)
    for user in (officer, reviewer):
        api_client.force_authenticate(user)
        assert (
            api_client.post(f"/api/v1/allocation-runs/{final_run.pk}/export-jobs/", {"format": "csv"}).status_code
            == 403
        )
        assert api_client.get(f"/api/v1/export-jobs/{job.pk}/").status_code == 403
        assert api_client.get(f"/api/v1/export-jobs/{job.pk}/download/").status_code == 403
    assert ExportJob.objects.count() == 1


def test_unknown_job_is_404(admin_api):
    assert admin_api.get("/api/v1/export-jobs/999/").status_code == 404
    assert admin_api.get("/api/v1/export-jobs/999/download/").status_code == 404
