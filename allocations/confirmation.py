"""A summary before every irreversible step (approving a run, marking letters as sent, making letters again):
what will happen, to how many decisions, for how much money, and who will be told, then confirm.

The button on the page opens the summary (a GET); only its form carries the confirmation, so a POST without
it (a forced or replayed request) is refused with ``NOT_CONFIRMED`` and changes nothing."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

CONFIRM_FIELD = "bevestigd"
CONFIRM_VALUE = "ja"
NOT_CONFIRMED = _(
    "Deze stap is niet uitgevoerd: hij moet eerst worden bevestigd op de pagina met de samenvatting. Er is "
    "niets gewijzigd."
)


def confirmed(request) -> bool:
    return request.POST.get(CONFIRM_FIELD) == CONFIRM_VALUE


@dataclass
class Summary:
    """What the confirmation page says: facts (label, value) and what will happen, in sentences."""

    title: str
    lead: str
    button: str
    action_url: str
    back_url: str
    facts: list[tuple[str, str]] = field(default_factory=list)
    consequences: list[str] = field(default_factory=list)


def render_confirmation(request, summary: Summary, *, status: int = 200):
    return render(
        request,
        "allocations/confirm.html",
        {"summary": summary, "confirm_field": CONFIRM_FIELD, "confirm_value": CONFIRM_VALUE},
        status=status,
    )
