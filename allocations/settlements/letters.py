"""The settlement letters (vaststelling, and vaststelling met terugvordering): data first, then rendering, in the
same PDF/A machinery as the award letters (``allocations.letters.pdf``).

``settlement_letter`` reads an approved settlement (never the clock): the letter is dated by its settlement
day, states the settled amount in figures and words and how it follows from the figures, and, with a reclaim,
the amount, the reclaim number, the decision number, the day it must be paid (six weeks) and the article.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass

from django.conf import settings

from accounts.money import cents
from allocations.letters import deadlines
from allocations.letters.compose import RETURN_ADDRESS, VISITING_ADDRESS, WEBSITE
from allocations.letters.content import Addressee, Sender, Signatory
from allocations.letters.pdf import render_pdf
from allocations.letters.services import texts_for
from allocations.letters.words import amount_in_words
from allocations.settlements import rules
from allocations.settlements.models import Settlement, SettlementStatus


@dataclass(frozen=True)
class SettlementLetter:
    decision_number: str
    reference: str
    letter_date: datetime.date
    sender: Sender
    signatory: Signatory
    addressee: Addressee
    scheme_name: str
    specific_grant: bool
    legal_basis: str
    application_reference: str
    awarded_cents: int
    paid_cents: int
    spent_cents: int
    settled_cents: int
    final_payment_cents: int
    reclaim_cents: int
    ground_text: str = ""
    motivation: str = ""
    reclaim_number: str = ""
    reclaim_due_on: datetime.date | None = None
    correction_of: str = ""

    def __post_init__(self) -> None:
        if self.settled_cents != self.paid_cents + self.final_payment_cents - self.reclaim_cents:
            raise ValueError("settled = paid + final payment − reclaim")
        if self.reclaim_cents and not (self.reclaim_number and self.reclaim_due_on):
            raise ValueError("a reclaim letter states its reclaim number and due date")

    @property
    def with_reclaim(self) -> bool:
        return self.reclaim_cents > 0

    @property
    def title(self) -> str:
        noun = "Vaststelling met terugvordering" if self.with_reclaim else "Vaststelling"
        return f"{noun} {self.decision_number}"

    @property
    def subject(self) -> str:
        noun = "Vaststelling en terugvordering" if self.with_reclaim else "Vaststelling"
        return f"{noun} {self.scheme_name} (beschikking {self.decision_number})"

    @property
    def settled_words(self) -> str:
        return amount_in_words(self.settled_cents)

    @property
    def reclaim_words(self) -> str:
        return amount_in_words(self.reclaim_cents)

    @property
    def final_payment_words(self) -> str:
        return amount_in_words(self.final_payment_cents)

    @property
    def reclaim_article(self) -> str:
        """Awb 4:57 for a subsidy; a SPUK is reclaimed on the scheme's own basis."""
        if self.specific_grant:
            return f"de regeling ‘{self.scheme_name}’ en artikel 17a van de Financiële-verhoudingswet"
        return "artikel 4:57 van de Algemene wet bestuursrecht"

    @property
    def objection_last_day(self) -> datetime.date:
        return deadlines.objection_last_day(self.letter_date)


def settlement_letter(settlement: Settlement) -> SettlementLetter:
    """The letter of an approved settlement, from what it stored."""
    if settlement.status != SettlementStatus.APPROVED or settlement.settled_on is None:
        raise ValueError("only an approved settlement has a letter")
    decision = settlement.decision
    application = decision.application
    call = application.call
    texts = texts_for(call)
    municipality = application.municipality
    return SettlementLetter(
        decision_number=decision.number,
        reference=settlement.reference,
        letter_date=settlement.settled_on,
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
        addressee=Addressee(municipality.name, municipality.postal_lines),
        scheme_name=call.scheme.name,
        specific_grant=settlement.kind == rules.SPECIFIC_GRANT,
        legal_basis=call.scheme.legal_basis,
        application_reference=application.reference,
        awarded_cents=cents(settlement.awarded),
        paid_cents=cents(settlement.paid),
        spent_cents=cents(settlement.spent),
        settled_cents=cents(settlement.settled),
        final_payment_cents=cents(settlement.final_payment),
        reclaim_cents=cents(settlement.reclaim),
        ground_text=str(rules.GROUND_TEXTS[rules.Ground(settlement.ground)]) if settlement.ground else "",
        motivation=settlement.motivation,
        reclaim_number=settlement.reclaim_number,
        reclaim_due_on=settlement.reclaim_due_on,
        correction_of=settlement.corrects.reference if settlement.corrects_id else "",
    )


_EDGE_SPACE = re.compile(r"(<(?:p|li)\b[^>]*>)\s+|\s+(</(?:p|li)>)")


def letter_html(letter: SettlementLetter) -> str:
    """The letter's HTML, always in Dutch (the language of the decision)."""
    from django.template.loader import render_to_string
    from django.utils import translation

    with translation.override("nl"):
        html = render_to_string(
            "allocations/settlements/letter.html",
            {"letter": letter, "emblem": settings.LETTER_EMBLEM, "created": letter.letter_date.isoformat()},
        )
    return _EDGE_SPACE.sub(lambda m: m.group(1) or m.group(2), html)


def letter_pdf(letter: SettlementLetter) -> bytes:
    """The letter as PDF/A-2A bytes; the same settlement gives the same bytes."""
    return render_pdf(letter_html(letter))
