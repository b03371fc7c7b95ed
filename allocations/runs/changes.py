"""What changed in a run's inputs since it was computed, in words a policy officer reads: "het aangevraagde
bedrag", not ``requested``. The run page lists these beside the approval it no longer offers."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

POLICY_WORDS = {
    "budget": gettext_lazy("het subsidieplafond"),
    "reserve": gettext_lazy("de reserve"),
    "ceiling": gettext_lazy("het te verdelen bedrag"),
    "method": gettext_lazy("de methode"),
    "cap_amount": gettext_lazy("het maximum per aanvraag (bedrag)"),
    "cap_pct": gettext_lazy("het maximum per aanvraag (% van het plafond)"),
    "min_points": gettext_lazy("het minimum aantal punten"),
    "min_points_source": gettext_lazy("de herkomst van het minimum aantal punten"),
    "assessment_minimums": gettext_lazy("de minimumscores van de beoordeling"),
    "partial_last": gettext_lazy("wat de laatste aanvraag krijgt die niet meer past"),
    "unit": gettext_lazy("de afronding"),
    "tiebreak": gettext_lazy("de regel bij gelijke punten"),
    "seed": gettext_lazy("het startgetal van de loting"),
    "formula_weight": gettext_lazy("het gewicht van de verdeelsleutel"),
    "pots": gettext_lazy("de potten"),
    "reservations": gettext_lazy("de reserveringen per gebied"),
}
APPLICATION_WORDS = {
    "reference": gettext_lazy("het kenmerk"),
    "status": gettext_lazy("de status"),
    "municipality": gettext_lazy("de gemeente"),
    "area": gettext_lazy("het gebied"),
    "requested": gettext_lazy("het aangevraagde bedrag"),
    "budget_lines": gettext_lazy("de begroting per bestedingsdoel en jaar"),
    "networks": gettext_lazy("de netwerken van de gemeente"),
    "points": gettext_lazy("de punten"),
}


def _words(fields: list[str], words: dict) -> str:
    return ", ".join(str(words.get(name, name)) for name in fields)


def describe(change: dict) -> str:
    """One line per change of ``snapshot.differences``."""
    kind, reference, fields = change.get("change"), change.get("reference", ""), change.get("fields") or []
    if kind == "policy":
        return _("Het verdeelbeleid: %(fields)s.") % {"fields": _words(fields, POLICY_WORDS)}
    if kind == "added":
        return _("%(reference)s: een nieuwe aanvraag om mee te nemen.") % {"reference": reference}
    if kind == "removed":
        return _("%(reference)s: niet meer mee te nemen (ingetrokken of teruggezet).") % {"reference": reference}
    return _("%(reference)s: %(fields)s.") % {"reference": reference, "fields": _words(fields, APPLICATION_WORDS)}
