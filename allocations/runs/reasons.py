"""The reason on every line, in words: the engine's reasons and the portal's own."""

from django.utils.translation import gettext_lazy as _

REASONS = {
    "full": _("volledig toegekend"),
    "capped": _("toegekend tot het maximum per aanvraag"),
    "reserved": _("toegekend tot de reservering voor het gebied"),
    "partial": _("gedeeltelijk toegekend: het budget raakte op"),
    "budget_exhausted": _("niet toegekend: het budget was op"),
    "below_threshold": _("afgewezen: minder punten dan het minimum"),
    "ineligible": _("afgewezen: komt niet in aanmerking"),
    "below_minimum": _("afgewezen: haalt het minimum van de beoordeling niet"),
    "no_pot": _("afgewezen: geen deelplafond neemt deze aanvrager"),
    "no_reservation": _("afgewezen: geen reservering voor dit gebied"),
    "no_weight": _("afgewezen: geen gewicht in de verdeelsleutel"),
    "in_review": _("niet meegenomen: nog in beoordeling"),
}


def label(reason: str) -> str:
    return str(REASONS.get(reason, reason))
