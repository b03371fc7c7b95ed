"""The settlement letters (vaststelling, and vaststelling met terugvordering): data first, then rendering, in the
same PDF/A machinery as the award letters (``allocations.letters.pdf``).

``settlement_letter`` reads an approved settlement and the day of sending it is given (never the clock): the
letter states the settled amount in figures and words and how it follows from the figures, and, with a reclaim,
the amount, what is set off against which decision, the reclaim number, the decision number, the day the rest
must be paid (six weeks after the letter) and the article. ``documents`` stores and sends it.
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
class SetOffText:
    """One set-off as the letter states it: the other decision, its instalment, and what is taken from it."""

    decision_number: str
    instalment_reference: str
    instalment_cents: int
    amount_cents: int
    due_on: datetime.date

    @property
    def remainder_cents(self) -> int:
        return self.instalment_cents - self.amount_cents

    @property
    def term(self) -> str:
        """The instalment's own number (``T2``), the last part of its reference, for a short table row."""
        return self.instalment_reference.rsplit("-", 1)[-1]


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
    set_offs: tuple[SetOffText, ...] = ()

    def __post_init__(self) -> None:
        if self.settled_cents != self.paid_cents + self.final_payment_cents - self.reclaim_cents:
            raise ValueError("settled = paid + final payment − reclaim")
        if self.reclaim_cents and not self.reclaim_number:
            raise ValueError("a reclaim letter states its reclaim number")
        if self.to_pay_cents < 0:
            raise ValueError("no more is set off than is reclaimed")
        if self.to_pay_cents and self.reclaim_due_on is None:
            raise ValueError("a reclaim to pay states its due date")

    @property
    def set_off_cents(self) -> int:
        return sum(item.amount_cents for item in self.set_offs)

    @property
    def to_pay_cents(self) -> int:
        """What the municipality pays back: the reclaim less what is set off."""
        return self.reclaim_cents - self.set_off_cents

    @property
    def to_pay_words(self) -> str:
        return amount_in_words(self.to_pay_cents)

    @property
    def set_off_words(self) -> str:
        return amount_in_words(self.set_off_cents)

    @property
    def set_off_decisions(self) -> str:
        """The other decisions' numbers, in order, once each."""
        return ", ".join(dict.fromkeys(item.decision_number for item in self.set_offs))

    @property
    def with_reclaim(self) -> bool:
        return self.reclaim_cents > 0

    @property
    def title(self) -> str:
        noun = "Vaststelling met terugvordering" if self.with_reclaim else "Vaststelling"
        return f"{noun} {self.decision_number}"

    @property
    def subject_noun(self) -> str:
        return "Vaststelling en terugvordering" if self.with_reclaim else "Vaststelling"

    @property
    def subject(self) -> str:
        """The Betreft line (the template prints it with the decision number kept on one line)."""
        return f"{self.subject_noun} {self.scheme_name} (beschikking {self.decision_number})"

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
    def legal_basis_sentence(self) -> str:
        """The scheme's legal basis as the end of a sentence: a small first letter, one full stop."""
        text = self.legal_basis.strip().rstrip(".")
        return (text[:1].lower() + text[1:] + ".") if text else ""

    @property
    def objection_last_day(self) -> datetime.date:
        return deadlines.objection_last_day(self.letter_date)


def set_off_texts(settlement: Settlement) -> tuple[SetOffText, ...]:
    rows = settlement.set_offs.select_related("instalment__decision").order_by(
        "instalment__due_on", "instalment__sequence"
    )
    return tuple(
        SetOffText(
            decision_number=row.instalment.decision.number,
            instalment_reference=row.instalment.reference,
            instalment_cents=cents(row.instalment.amount),
            amount_cents=cents(row.amount),
            due_on=row.instalment.due_on,
        )
        for row in rows
    )


def settlement_letter(settlement: Settlement, *, letter_date: datetime.date | None = None) -> SettlementLetter:
    """The letter of an approved settlement, from what it stored, dated ``letter_date`` (the day of sending;
    the settlement's day when not given). A reclaim is paid within six weeks of the letter's date."""
    if settlement.status != SettlementStatus.APPROVED or settlement.settled_on is None:
        raise ValueError("only an approved settlement has a letter")
    letter_date = letter_date or settlement.settled_on
    set_offs = set_off_texts(settlement)
    to_pay = cents(settlement.reclaim) - sum(item.amount_cents for item in set_offs)
    decision = settlement.decision
    application = decision.application
    call = application.call
    texts = texts_for(call)
    municipality = application.municipality
    return SettlementLetter(
        decision_number=decision.number,
        reference=settlement.reference,
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
        reclaim_due_on=rules.reclaim_due(letter_date) if to_pay else None,
        correction_of=settlement.corrects.reference if settlement.corrects is not None else "",
        set_offs=set_offs,
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
