"""The reason on every line, in words: one short sentence per stored ground, with its numbers.

A line's ground (``AllocationLine.ground``: a code and its numbers) is decided by the plan and the engine;
this module only puts it into words, for the run page, the decision, the exports and the API. It never looks
at anything but the ground, so what it says is what the run decided. The letter says the same in full
sentences (allocations/letters). ``REASONS`` names each code; ``describe`` gives the sentence.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.templatetags.portal import cents_to_euro

REASONS = {
    "full": gettext_lazy("volledig toegekend"),
    "reserved": gettext_lazy("toegekend tot de reservering voor het gebied"),
    "capped": gettext_lazy("toegekend tot het maximum per aanvraag"),
    "rounded": gettext_lazy("toegekend, naar beneden afgerond"),
    "partial": gettext_lazy("gedeeltelijk toegekend: het geld raakte op"),
    "skipped": gettext_lazy("niet toegekend: paste niet in wat resteerde"),
    "budget_exhausted": gettext_lazy("niet toegekend: het geld was op"),
    "tie": gettext_lazy("gelijk aantal punten: de voorrangsregel besliste"),
    "pro_rata": gettext_lazy("naar rato toegekend"),
    "formula": gettext_lazy("toegekend volgens de verdeelsleutel"),
    "below_minimum": gettext_lazy("afgewezen: onder het minimum"),
    "below_threshold": gettext_lazy("afgewezen: minder punten dan het minimum"),
    "ineligible": gettext_lazy("afgewezen: komt niet in aanmerking"),
    "no_pot": gettext_lazy("afgewezen: geen deelplafond neemt deze aanvrager"),
    "no_reservation": gettext_lazy("afgewezen: geen reservering voor dit gebied"),
    "no_weight": gettext_lazy("afgewezen: geen gewicht in de verdeelsleutel"),
    "in_review": gettext_lazy("niet meegenomen: nog in beoordeling"),
}
# The pot of a call without pots (plan.DEFAULT_POT): the whole budget.
WHOLE_BUDGET = "algemeen"


def label(reason: str) -> str:
    """The code's name, for lists and filters (and for lines of runs from before grounds were stored)."""
    return str(REASONS.get(reason, reason))


def points(value: str | Decimal) -> str:
    return number_format(Decimal(value), decimal_pos=2, use_l10n=True)


def percent(value: str | Decimal) -> str:
    return number_format(Decimal(value), decimal_pos=2, use_l10n=True) + "%"


def pot_name(name: str) -> str:
    """ "het budget" for a call without pots, else "deelplafond M50"."""
    if name == WHOLE_BUDGET:
        return _("het budget")
    return _("deelplafond %(name)s") % {"name": name}


def rule_name(by: str, seed: int | None = None) -> str:
    if by == "need_score":
        return _("de hogere behoeftescore")
    return _("de loting")


def describe(ground: Mapping[str, Any] | None, reason: str = "") -> str:
    """One sentence for the ground (in the active language); the code's name when there is no ground."""
    if not ground:
        return label(reason)
    code = ground["code"]
    text = _SENTENCES.get(code)
    return text(ground) if text else label(code)


def _full(g) -> str:
    return _("volledig toegekend")


def _reserved(g) -> str:
    if g.get("unit"):
        return _("toegekend tot de reservering voor het gebied (%(amount)s), naar beneden afgerond op hele euro's") % {
            "amount": cents_to_euro(g["reservation"])
        }
    return _("toegekend tot de reservering voor het gebied (%(amount)s)") % {"amount": cents_to_euro(g["reservation"])}


def _capped(g) -> str:
    if g.get("cap_pct") is not None and (g.get("cap_amount") is None or g["cap"] != g["cap_amount"]):
        return _("toegekend tot het maximum per aanvraag: %(cap)s (%(pct)s van het plafond)") % {
            "cap": cents_to_euro(g["cap"]),
            "pct": percent(g["cap_pct"]),
        }
    return _("toegekend tot het maximum per aanvraag: %(cap)s") % {"cap": cents_to_euro(g["cap"])}


def _rounded(g) -> str:
    return _("volledig toegekend, naar beneden afgerond op hele euro's")


def _partial(g) -> str:
    return _("gedeeltelijk toegekend: %(pot)s raakte op bij deze aanvraag; er resteerde %(left)s") % {
        "pot": pot_name(g["pot"]),
        "left": cents_to_euro(g["left"]),
    }


def _skipped(g) -> str:
    return _(
        "niet toegekend: er resteerde %(left)s in %(pot)s, te weinig voor %(wanted)s; het beleid kent niet "
        "gedeeltelijk toe, dus kregen lager geplaatste aanvragen die wel pasten geld (%(count)s)"
    ) % {
        "left": cents_to_euro(g["left"]),
        "pot": pot_name(g["pot"]),
        "wanted": cents_to_euro(g["wanted"]),
        "count": g["funded_below"],
    }


def _exhausted(g) -> str:
    return _("niet toegekend: %(pot)s raakte op bij plaats %(rank)s") % {
        "pot": pot_name(g["pot"]),
        "rank": g["cutoff_rank"],
    }


def _tie(g) -> str:
    against = ", ".join(other["reference"] for other in g["against"])
    rules = {other["by"] for other in g["against"]}
    rule = " / ".join(rule_name(by) for by in sorted(rules))
    if g["then"] == "partial":
        outcome = _("gedeeltelijk toegekend (%(left)s)") % {"left": cents_to_euro(g["left"])}
    else:
        outcome = _("niet toegekend")
    return _(
        "%(outcome)s: evenveel punten (%(points)s) als %(against)s, dat door %(rule)s voorging; er resteerde "
        "%(at_tie)s in %(pot)s"
    ) % {
        "outcome": outcome,
        "points": points(g["points"]),
        "against": against,
        "rule": rule,
        "at_tie": cents_to_euro(g["left_at_tie"]),
        "pot": pot_name(g["pot"]),
    }


def _pro_rata(g) -> str:
    return _("naar rato toegekend: %(share)s van de aanvraag (%(pot)s gaf elke aanvraag %(ratio)s)") % {
        "share": percent(g["share"]),
        "pot": pot_name(g["pot"]),
        "ratio": percent(Decimal(g["ratio"]) * 100),
    }


def _formula(g) -> str:
    return _("toegekend volgens de verdeelsleutel: %(share)s van de aanvraag") % {"share": percent(g["share"])}


def _below_minimum(g) -> str:
    if "score" not in g:
        return _("afgewezen: haalt het minimum van de beoordeling niet")
    measure = _("beoordelingsscore") if g["measure"] == "reviewer_score" else _("totaal aantal punten")
    source = _("van de beoordeling") if g["source"] == "assessment" else _("van het verdeelbeleid")
    return _("afgewezen: %(measure)s %(score)s is lager dan het minimum %(source)s (%(minimum)s)") % {
        "measure": measure,
        "score": points(g["score"]),
        "source": source,
        "minimum": points(g["minimum"]),
    }


def _refusal(code: str):
    return lambda g: label(code)


_SENTENCES = {
    "full": _full,
    "reserved": _reserved,
    "capped": _capped,
    "rounded": _rounded,
    "partial": _partial,
    "skipped": _skipped,
    "budget_exhausted": _exhausted,
    "tie": _tie,
    "pro_rata": _pro_rata,
    "formula": _formula,
    "below_minimum": _below_minimum,
    "no_pot": _refusal("no_pot"),
    "no_reservation": _refusal("no_reservation"),
    "no_weight": _refusal("no_weight"),
    "in_review": _refusal("in_review"),
}
