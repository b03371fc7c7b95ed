"""The admin of the money half, per room (Django loads ``<app>.admin``)."""

from allocations.runs import admin as runs_admin  # noqa: F401 - registers the models
