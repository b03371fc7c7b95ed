"""Wiring of the NPLV Portal: settings, URLs and the Celery app."""

from nplvportal.celery import app as celery_app

__all__ = ["celery_app"]
