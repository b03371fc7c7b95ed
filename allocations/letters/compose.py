"""From a decision and a version of the call's letter texts to the plain LetterContent the template renders.

Everything is read from the stored run (line, splits, ranking), the texts' version and the letter's date
(the day it is sent, chosen when the letters are prepared and kept on the job), never from the approval or
the clock, so the same decision, text version and date always give the same letter, byte for byte.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.conf import settings

from accounts.models import Network
from accounts.money import cents
from allocations.letters import grounds
from allocations.letters.content import (
    Addressee,
    BonusPoints,
    Ceiling,
    CriterionPoints,
    Kind,
    LetterContent,
    Motivation,
    Payment,
    SchemeTexts,
    Sender,
    Signatory,
    ThemeYearAmount,
)
from allocations.letters.grounds import Funding, Ground, Method, PotInfo
from allocations.letters.models import LetterText
from allocations.payments.schedule import payment_schedule
from allocations.runs.models import AllocationLine, AllocationRun, Decision, FormulaWeight, Outcome
from allocations.runs.plan import DEFAULT_POT
from allocations.runs.reasons import label
from applications.models import Application, Scheme

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
KINDS = {Outcome.AWARDED: Kind.AWARD, Outcome.PARTIALLY_AWARDED: Kind.PARTIAL, Outcome.REJECTED: Kind.REFUSAL}
AWB_SUBSIDIES = (Scheme.Kind.SUBSIDY, Scheme.Kind.FUND)
RETURN_ADDRESS = "Postbus 20011, 2500 EA Den Haag"
VISITING_ADDRESS = ("Turfmarkt 147", "2511 DP Den Haag")
WEBSITE = "www.demo.nplv.example"


def local_date(moment: datetime.datetime) -> datetime.date:
    return moment.astimezone(AMSTERDAM).date()


def _points_rows(line: AllocationLine) -> tuple[tuple[CriterionPoints, ...], tuple[BonusPoints, ...]]:
    """Criteria and bonuses from the line's stored breakdown, when its parts add up to the stored scores;
    otherwise one row per score, so the printed parts always add up to the printed total."""
    items = [item for item in (line.breakdown or []) if isinstance(item, dict)]

    def rows(kind: str) -> list[tuple[str, Decimal]]:
        found = []
        for item in items:
            if item.get("kind") == kind:
                try:
                    found.append((str(item.get("label") or item.get("key") or ""), Decimal(str(item["points"]))))
                except (KeyError, ArithmeticError, ValueError):
                    return []
        return found

    criteria = rows("criterion")
    if not criteria or sum(p for _, p in criteria) != line.reviewer_score:
        criteria = [("Beoordeling van het plan", line.reviewer_score)]
    bonuses = rows("bonus")
    if sum((p for _, p in bonuses), Decimal(0)) != line.bonus_score:
        bonuses = [("Voorrangspunten", line.bonus_score)] if line.bonus_score else []
    return (
        tuple(CriterionPoints(label, points) for label, points in criteria),
        tuple(BonusPoints(label, points) for label, points in bonuses),
    )


def _payments(amounts: list[ThemeYearAmount], letter_date: datetime.date) -> tuple[Payment, ...]:
    """One payment per year, each the year's total and due inside its own year: the schedule the stored
    instalments are made from (``payments.schedule``), so the payments add up to the award."""
    schedule = payment_schedule(((a.year, a.cents) for a in amounts), letter_date)
    return tuple(Payment(planned.year, planned.due_on, planned.cents) for planned in schedule)


def _policy(run: AllocationRun) -> dict:
    """The policy as the run read it (``parameters["policy"]``); empty for runs built without one."""
    return (run.parameters or {}).get("policy") or {}


def _network_names(codes) -> dict[str, str]:
    codes = {code for code in codes if code}
    if not codes:
        return {}
    return dict(Network.objects.filter(code__in=codes).values_list("code", "name"))


def _pots(run: AllocationRun, policy: dict, networks: dict[str, str]) -> dict[str, PotInfo]:
    """The pots the run divided, by name, with their amounts and networks as the run stored them; a call
    without pots has one: the whole amount it divided."""
    if not policy.get("pots"):
        return {DEFAULT_POT: PotInfo(DEFAULT_POT, cents(run.total_budget), whole_budget=True)}
    return {
        pot["name"]: PotInfo(pot["name"], pot["budget"], networks.get(pot["network"], pot["network"] or ""))
        for pot in policy["pots"]
    }


def _rival_names(call_id: int, references: list[str]) -> dict[str, str]:
    """The municipality of each application that went before this one at a tie (one query, ties only)."""
    return dict(
        Application.objects.filter(call_id=call_id, reference__in=references).values_list(
            "reference", "municipality__name"
        )
    )


def _decimal(value) -> Decimal:
    return Decimal(str(value))


def _ground(
    line: AllocationLine,
    decision: Decision,
    run: AllocationRun,
    policy: dict,
    pots: dict[str, PotInfo],
    networks: dict[str, str],
    spill: dict[str, str],
) -> Ground:
    """The line's stored ground as a typed value: its code and numbers as stored, with only what the run
    stored beside them (a pot's amount and network, the policy's seed, a rival's municipality)."""
    g = line.ground or {}
    code = g.get("code")
    if code is None:
        return grounds.Unstated(decision.reason or label(line.reason))
    if code == "full":
        return grounds.Full()
    if code == "reserved":
        return grounds.Reserved(
            reservation_cents=g["reservation"], area=decision.application.area_name, rounded_to_cents=g.get("unit")
        )
    if code == "capped":
        return grounds.Capped(
            cap_cents=g["cap"],
            cap_pct=None if g.get("cap_pct") is None else _decimal(g["cap_pct"]),
            cap_amount_cents=g.get("cap_amount"),
            pct_of_cents=policy.get("ceiling", cents(run.total_budget)),
            rounded=cents(line.awarded) != g["cap"],
        )
    if code == "rounded":
        return grounds.Rounded(unit_cents=g["unit"])
    if code == "partial":
        return grounds.Partial(pots[g["pot"]], g["left"], g["wanted"], g.get("reservation"))
    if code == "skipped":
        return grounds.Skipped(pots[g["pot"]], g["left"], g["wanted"], g["funded_below"], g.get("reservation"))
    if code == "budget_exhausted":
        return grounds.BudgetExhausted(pots[g["pot"]], g["cutoff_rank"])
    if code == "tie":
        against = g["against"]
        names = _rival_names(run.call_id, [other["reference"] for other in against[: grounds.MAX_RIVALS]])
        return grounds.Tie(
            pot=pots[g["pot"]],
            then=g["then"],
            left_cents=g["left"],
            left_at_tie_cents=g["left_at_tie"],
            wanted_cents=g["wanted"],
            points=_decimal(g["points"]),
            need_score=_decimal(g["need_score"]),
            rule=grounds.TieRule(g["rule"]),
            seed=policy.get("seed"),
            rivals=tuple(
                grounds.TieRival(
                    reference=other["reference"],
                    municipality=names.get(other["reference"], ""),
                    by=grounds.TieRule(other["by"]),
                    need_score=_decimal(other["need_score"]),
                )
                for other in against[: grounds.MAX_RIVALS]
            ),
            more_rivals=max(0, len(against) - grounds.MAX_RIVALS),
        )
    if code == "pro_rata":
        totals = {pot["name"]: pot for pot in run.pot_totals or []}
        last = totals.get(g["pot"], {})
        funded = _in_pot_order(line.funded_from, pots)
        return grounds.ProRata(
            pot=pots[g["pot"]],
            ratio=_decimal(g["ratio"]),
            share=_decimal(g["share"]),
            available_cents=last["budget"] + last["received"] if last else None,
            demand_cents=last.get("demand"),
            earlier=tuple(
                grounds.PotShare(
                    pots[name],
                    None if totals.get(name, {}).get("ratio") is None else _decimal(totals[name]["ratio"]),
                    amount,
                    then=pots.get(spill.get(name) or "") or pots[g["pot"]],
                )
                for name, amount in funded
                if name != g["pot"]
            ),
            cents=dict(funded).get(g["pot"], 0),
        )
    if code == "formula":
        return grounds.Formula(
            pot=pots[g["pot"]],
            weight=_decimal(g["weight"]),
            share=_decimal(g["share"]),
            key=_formula_name(policy.get("formula_weight")),
        )
    if code == "below_minimum":
        return grounds.BelowMinimum(
            source=grounds.MinimumSource(g["source"]),
            measure=grounds.Measure(g["measure"]) if "measure" in g else None,
            score=_decimal(g["score"]) if "score" in g else None,
            minimum=_decimal(g["minimum"]) if "minimum" in g else None,
        )
    if code == "no_pot":
        return grounds.NoPot(
            networks=tuple(networks.get(code, code) for code in g["networks"]),
            pot_networks=tuple(dict.fromkeys(pot.network for pot in pots.values() if pot.network)),
        )
    if code == "no_reservation":
        return grounds.NoReservation(area=g.get("area", ""))
    if code == "no_weight":
        return grounds.NoWeight(key=_formula_name(g.get("formula_weight")))
    if code == "in_review":
        return grounds.InReview()
    raise ValueError(f"no letter text for the ground {code!r} of line {line.pk}")


def _in_pot_order(funded_from: dict | None, pots: dict[str, PotInfo]) -> list[tuple[str, int]]:
    """``AllocationLine.funded_from`` in the order the pots were divided (a JSON object keeps no order)."""
    order = {name: index for index, name in enumerate(pots)}
    return sorted((funded_from or {}).items(), key=lambda item: (order.get(item[0], len(order)), item[0]))


def _formula_name(key: str | None) -> str:
    try:
        return str(FormulaWeight(key or "").label)
    except ValueError:
        return key or ""


def _motivation(decision: Decision, line: AllocationLine, run: AllocationRun) -> Motivation:
    call = decision.application.call
    policy = _policy(run)
    codes = [pot.get("network") for pot in policy.get("pots") or []]
    if (line.ground or {}).get("code") == "no_pot":
        codes += line.ground.get("networks", [])
    networks = _network_names(codes)
    pots = _pots(run, policy, networks)
    spill = {pot["name"]: pot.get("spill_to") for pot in policy.get("pots") or []}
    home = pots.get(line.pot) if line.pot else None
    published = run.published_ceiling
    criteria, bonuses = _points_rows(line)
    ranked = [other for other in run.lines.all() if other.included and other.rank is not None]
    return Motivation(
        criteria=criteria,
        need_points=line.need_score,
        bonuses=bonuses,
        method=Method(run.method),
        ground=_ground(line, decision, run, policy, pots, networks, spill),
        ceiling=Ceiling(
            published_cents=cents(published) if published is not None else cents(run.total_budget),
            reserve_cents=cents(run.reserve or 0),
            to_divide_cents=cents(run.total_budget),
            awb_subsidy=call.scheme.kind in AWB_SUBSIDIES,
            pots=tuple(pot for pot in pots.values() if not pot.whole_budget),
        ),
        rank=line.rank,
        ranked_count=len(ranked),
        home_pot=home,
        spill_pot=pots.get(spill.get(line.pot) or "") if home else None,
        funded_from=tuple(
            Funding(pots.get(name) or PotInfo(name, 0), cents) for name, cents in _in_pot_order(line.funded_from, pots)
        ),
    )


def letter_content(decision: Decision, texts: LetterText, *, letter_date: datetime.date) -> LetterContent:
    """The letter of one decision, dated ``letter_date`` (the day it is sent); ``decision`` comes from
    ``selectors.decisions_for_letters``."""
    application = decision.application
    call = application.call
    line = decision.line
    run = decision.run
    kind = KINDS[Outcome(decision.outcome)]
    amounts = (
        [
            ThemeYearAmount(split.theme.name, split.year, cents(split.awarded))
            for split in line.splits.all()
            if split.awarded
        ]
        if kind is not Kind.REFUSAL
        else []
    )
    municipality = application.municipality
    address = municipality.postal_lines
    return LetterContent(
        kind=kind,
        decision_number=decision.number,
        letter_date=letter_date,
        sender=Sender(
            ministry=settings.MINISTRY_NAME,
            directorate=texts.directorate,
            return_address=RETURN_ADDRESS,
            visiting_address=VISITING_ADDRESS,
            contact_name=texts.contact_name,
            contact_email=texts.contact_email,
            contact_phone=texts.contact_phone,
            website=WEBSITE,
        ),
        signatory=Signatory(minister=texts.minister, name=texts.signatory_name, function=texts.signatory_function),
        addressee=Addressee(municipality.name, address),
        application_reference=application.reference,
        application_title=application.title,
        application_date=local_date(application.submitted_at or application.created_at),
        scheme_name=call.scheme.name,
        scheme_uses_sisa=call.scheme.kind == Scheme.Kind.SPECIFIC_GRANT,
        call_title=call.title,
        legal_basis=call.scheme.legal_basis,
        requested_cents=cents(line.requested),
        awarded_cents=cents(decision.amount) if kind is not Kind.REFUSAL else 0,
        motivation=_motivation(decision, line, run),
        spending_from=datetime.date(call.year_from, 1, 1),
        spending_to=datetime.date(call.year_to, 12, 31),
        amounts=tuple(amounts),
        payments=_payments(amounts, letter_date),
        texts=SchemeTexts(
            version=texts.version,
            introduction=texts.introduction,
            obligations=texts.obligations,
            unspent_money=texts.unspent_money,
            closing=texts.closing,
        ),
        rules_hash=run.rules_hash,
        rules_version=next((v.number for v in call.rules_versions.all() if v.sha256 == run.rules_hash), None),
    )
