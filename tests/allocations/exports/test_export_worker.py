"""A real Celery worker builds an export job from the database row, and a duplicate message does nothing."""

import pytest

from accounts.models import AuditEvent
from allocations.exports import services
from allocations.exports.models import ExportJob, ExportJobStatus
from allocations.exports.tasks import build_export_job
from tests.allocations.final_runs import export_run
from tests.factories import AdministratorFactory
from tests.worker import wait_for

pytestmark = pytest.mark.worker


def test_a_real_worker_builds_the_export_once(celery_worker_process):
    run = export_run(lines=5)
    admin = AdministratorFactory()
    job = services.start_export_job(run=run, by=admin, fmt="xlsx")
    build_export_job.delay(job.pk)  # a duplicate message, as a retry or a double click would send
    wait_for(
        lambda: ExportJob.objects.get(pk=job.pk).status == ExportJobStatus.DONE,
        worker=celery_worker_process,
        what="the export job to finish",
    )
    job.refresh_from_db()
    assert job.progress == 100 and job.size > 0 and len(job.sha256) == 64
    assert job.file.open("rb").read(2) == b"PK"
    wait_for(
        lambda: celery_worker_process.output().count("succeeded") >= 2,
        worker=celery_worker_process,
        what="both messages to be handled",
    )
    assert AuditEvent.objects.filter(verb="export.decisions", data__job=job.pk).count() == 1
    assert "allocations.exports.tasks.build_export_job" in celery_worker_process.output()
