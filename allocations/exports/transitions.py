"""The lifecycle of an export job as data: ``queued → running → done``, back to queued to be tried again,
``failed`` at the attempt limit. An export job is a leased job (``allocations.jobs``); ``EXPORT_JOBS.move``
is the only place that assigns ``ExportJob.status``.
"""

from django.utils.translation import gettext_lazy as _

from accounts.workflow import Transition, Workflow
from allocations import jobs
from allocations.exports.models import ExportJob, ExportJobStatus
from allocations.lifecycle import Lifecycle, by_the_system

EXPORT_JOB_WORKFLOW = Workflow(
    [
        Transition(
            action=jobs.CLAIM,
            label=_("Maken"),
            sources=(ExportJobStatus.QUEUED, ExportJobStatus.RUNNING),
            target=ExportJobStatus.RUNNING,
            allowed=by_the_system,
            offered=False,
        ),
        # Audited by the service as ``export.decisions``, with the file's hash.
        Transition(
            action=jobs.FINISH,
            label=_("Klaar"),
            sources=(ExportJobStatus.RUNNING,),
            target=ExportJobStatus.DONE,
            allowed=by_the_system,
            offered=False,
        ),
        Transition(
            action=jobs.REQUEUE,
            label=_("Opnieuw in de wachtrij"),
            sources=(ExportJobStatus.RUNNING,),
            target=ExportJobStatus.QUEUED,
            allowed=by_the_system,
            offered=False,
        ),
        Transition(
            action=jobs.FAIL,
            label=_("Mislukt"),
            sources=(ExportJobStatus.QUEUED, ExportJobStatus.RUNNING),
            target=ExportJobStatus.FAILED,
            allowed=by_the_system,
            offered=False,
        ),
    ]
)

EXPORT_JOBS: Lifecycle[ExportJob] = Lifecycle(ExportJob, EXPORT_JOB_WORKFLOW)
EXPORT_JOB_KIND: jobs.Kind[ExportJob] = jobs.Kind(name="export", lifecycle=EXPORT_JOBS)
