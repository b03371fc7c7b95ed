"""Pages for calls and applications: the call overview, the officer's step-by-step form (saved as a draft
at every step), the check page with submission, the lists, the detail page with its history, and the
permission-checked downloads. Thin: parse with a form, call a service or selector, render.

The assessment pages (reviewing, call assessment, points) live in applications/assessment/views/.

Outsiders get a 404 (the selectors only return what the caller may see), a role that may not act gets a
403, and a state that forbids an action shows the service's message."""

from applications.views.calls import application_start, call_detail, call_list
from applications.views.files import application_pdf, attachment_delete, attachment_download
from applications.views.lists import application_detail, application_list
from applications.views.steps import application_check, application_step
from applications.views.transitions import application_delete, application_transition

__all__ = [
    "application_check",
    "application_delete",
    "application_detail",
    "application_list",
    "application_pdf",
    "application_start",
    "application_step",
    "application_transition",
    "attachment_delete",
    "attachment_download",
    "call_detail",
    "call_list",
]
