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

from allocations.engine import Reason
from allocations.letters import deadlines
from allocations.letters.content import (
    Addressee,
    BonusPoints,
    CriterionPoints,
    Kind,
    LetterContent,
    Motivation,
    Payment,
    RefusalReason,
    SchemeTexts,
    Sender,
    Signatory,
    ThemeYearAmount,
)
from allocations.letters.models import LetterText
from allocations.runs.models import AllocationLine, Decision, Outcome
from applications.models import Scheme

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
KINDS = {Outcome.AWARDED: Kind.AWARD, Outcome.PARTIALLY_AWARDED: Kind.PARTIAL, Outcome.REJECTED: Kind.REFUSAL}
REFUSALS = {
    Reason.BELOW_THRESHOLD: RefusalReason.BELOW_MINIMUM,
    Reason.INELIGIBLE: RefusalReason.NOT_ELIGIBLE,
}
RETURN_ADDRESS = "Postbus 20011, 2500 EA Den Haag"
VISITING_ADDRESS = ("Turfmarkt 147", "2511 DP Den Haag")
WEBSITE = "www.demo.nplv.example"


def cents(amount: Decimal) -> int:
    return int((Decimal(amount) * 100).to_integral_value())


def local_date(moment: datetime.datetime) -> datetime.date:
    return moment.astimezone(AMSTERDAM).date()


def _points(line: AllocationLine) -> tuple[tuple[CriterionPoints, ...], tuple[BonusPoints, ...]]:
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
    """One payment per year, each the year's total and due inside its own year (``deadlines.instalment_due``),
    so the payments add up to the award."""
    payments = []
    for year in sorted({a.year for a in amounts}):
        total = sum(a.cents for a in amounts if a.year == year)
        payments.append(Payment(year, deadlines.instalment_due(letter_date, year), total))
    return tuple(payments)


def letter_content(decision: Decision, texts: LetterText, *, letter_date: datetime.date) -> LetterContent:
    """The letter of one decision, dated ``letter_date`` (the day it is sent); ``decision`` comes from
    ``selectors.decisions_for_letters``."""
    application = decision.application
    call = application.call
    line = decision.line
    run = decision.run
    kind = KINDS[decision.outcome]
    amounts = (
        [
            ThemeYearAmount(split.theme.name, split.year, cents(split.awarded))
            for split in line.splits.all()
            if split.awarded
        ]
        if kind is not Kind.REFUSAL
        else []
    )
    criteria, bonuses = _points(line)
    assessment = getattr(call, "assessment", None)
    ranked = [other for other in run.lines.all() if other.included and other.rank is not None]
    funded = [other.rank for other in ranked if other.awarded > 0]
    refusal = None
    if kind is Kind.REFUSAL:
        refusal = REFUSALS.get(line.reason, RefusalReason.BUDGET_EXHAUSTED)
        if not line.eligible:
            refusal = RefusalReason.NOT_ELIGIBLE
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
        motivation=Motivation(
            criteria=criteria,
            need_points=line.need_score,
            bonuses=bonuses,
            minimum_points=getattr(assessment, "min_total_points", None),
            rank=line.rank,
            ranked_count=len(ranked),
            ceiling_cents=cents(run.total_budget),
            funded_through_rank=max(funded) if funded else None,
            refusal_reason=refusal,
            ineligible_because=decision.reason if refusal is RefusalReason.NOT_ELIGIBLE else "",
        ),
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
