"""Length limits for free text. Every free-text field has one: a text without a limit lets one user hold
a worker for minutes (the PDF copy grows faster than the text). The limit is on the model (so forms get a
maxlength attribute, the API schema a maxLength, and services that run full_clean refuse it) with one
Dutch message that names the limit."""

from django.core.validators import MaxLengthValidator
from django.utils.translation import gettext_lazy as _

CONTENT = 10_000  # the application's own texts: goals, approach, partners, ...
MESSAGE = 5_000  # a request for information, its answer, a motivation, a description
REASON = 2_000  # a short reason: reopen, conflict, decision

MESSAGE_TOO_LONG = _("Deze tekst is te lang: maximaal %(limit_value)d tekens (nu %(show_value)d).")


def limited(limit: int) -> dict:
    """Keyword arguments for a TextField limited to ``limit`` characters."""
    return {"max_length": limit, "validators": [MaxLengthValidator(limit, message=MESSAGE_TOO_LONG)]}
