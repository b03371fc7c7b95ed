"""The rules an accountability statement must meet, in integer cents and without Django's database: what a
municipality may report for one decision and one year, given the award and what it reported before.

SPUK (Financiële-verhoudingswet art. 17 and 17a): the municipality reports each year's spending in SiSa, keyed
by the decision number, with the cumulative spending and whether this is the final account. Money of one year
may be spent in a later year of the period (the SPUK Kansrijke Wijk 2026–2028 allows this), so only the
cumulative spending is bounded by the award. An Awb subsidy has no carry-over: each year's spending is bounded
by what the award gives that year. No scheme spends outside its period, and a final account comes once.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from django.utils.translation import gettext as _

from accounts.templatetags.portal import cents_to_euro


@dataclass(frozen=True)
class Award:
    """What the decision awarded: the amount, per year, and the spending period."""

    number: str
    awarded_cents: int
    per_year_cents: Mapping[int, int]
    year_from: int
    year_to: int
    carry_over: bool  # a year's unspent money may be spent in a later year of the period


@dataclass(frozen=True)
class Figures:
    """One year's statement: spending in the year, cumulative spending up to and including it, whether it is
    the final account and whether the project is finished."""

    year: int
    spent_cents: int
    to_date_cents: int
    final: bool = False
    finished: bool = False


def next_year(award: Award, earlier: Mapping[int, Figures]) -> int | None:
    """The year the municipality reports next: the first of the period without figures; none after a final
    account or once the period is reported in full."""
    if any(figures.final for figures in earlier.values()):
        return None
    year = award.year_from
    while year in earlier:
        year += 1
    return year if year <= award.year_to else None


def problems(award: Award, figures: Figures, earlier: Mapping[int, Figures]) -> list[str]:
    """Every reason ``figures`` cannot be accepted, in Dutch, as sentences a person can act on; ``earlier``
    holds the statements already accepted for this decision (a correction of the latest year replaces it)."""
    found: list[str] = []
    year = figures.year
    others = {y: f for y, f in earlier.items() if y != year}
    if any(f.final for f in others.values()) or (year in earlier and earlier[year].final):
        return [_("Voor beschikking %(number)s is de eindverantwoording al ontvangen.") % {"number": award.number}]
    if not award.year_from <= year <= award.year_to:
        return [
            _("Het jaar %(year)s valt buiten de bestedingsperiode %(start)s–%(end)s van beschikking %(number)s.")
            % {"year": year, "start": award.year_from, "end": award.year_to, "number": award.number}
        ]
    if any(y > year for y in others):
        found.append(
            _("Over %(later)s is al verantwoord; het jaar %(year)s kan niet meer worden gewijzigd.")
            % {"later": max(others), "year": year}
        )
    missing = [y for y in range(award.year_from, year) if y not in others]
    if missing:
        found.append(
            _("Verantwoord eerst over %(years)s: de jaren worden in volgorde verantwoord.")
            % {"years": ", ".join(str(y) for y in missing)}
        )
    if figures.spent_cents < 0 or figures.to_date_cents < 0:
        found.append(_("Een besteding kan niet negatief zijn."))
    before = others[year - 1].to_date_cents if year - 1 in others else 0
    if not missing and figures.to_date_cents != before + figures.spent_cents:
        found.append(
            _(
                "De cumulatieve besteding (%(to_date)s) moet gelijk zijn aan de besteding tot en met vorig jaar "
                "(%(before)s) plus de besteding in %(year)s (%(spent)s)."
            )
            % {
                "to_date": cents_to_euro(figures.to_date_cents),
                "before": cents_to_euro(before),
                "year": year,
                "spent": cents_to_euro(figures.spent_cents),
            }
        )
    if figures.to_date_cents > award.awarded_cents:
        found.append(
            _("De cumulatieve besteding (%(to_date)s) is hoger dan het toegekende bedrag (%(awarded)s).")
            % {"to_date": cents_to_euro(figures.to_date_cents), "awarded": cents_to_euro(award.awarded_cents)}
        )
    if not award.carry_over:
        allowed = award.per_year_cents.get(year, 0)
        if figures.spent_cents > allowed:
            found.append(
                _(
                    "De besteding in %(year)s (%(spent)s) is hoger dan wat de beschikking voor %(year)s toekent "
                    "(%(allowed)s); deze regeling staat niet toe dat geld van een jaar later wordt besteed."
                )
                % {"year": year, "spent": cents_to_euro(figures.spent_cents), "allowed": cents_to_euro(allowed)}
            )
    if year == award.year_to and not figures.final:
        found.append(
            _("%(year)s is het laatste jaar van de bestedingsperiode: deze verantwoording is de eindverantwoording.")
            % {"year": year}
        )
    return found
