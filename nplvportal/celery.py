"""The Celery app. Its configuration comes from Django settings prefixed ``CELERY_``."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "nplvportal.settings")

app = Celery("nplvportal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
# The money half keeps its tasks per room (allocations/<room>/tasks.py), below the one Django app.
app.autodiscover_tasks(
    [
        "allocations.runs",
        "allocations.letters",
        "allocations.exports",
        "allocations.accountability",
        "allocations.objections",
        "allocations.settlements",
    ]
)
