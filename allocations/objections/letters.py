"""What the four letters of an objection case say (DESIGN.md §7a), as one frozen dataclass built from the stored
case, never the clock: the acknowledgement of receipt (Awb 6:14) with the decision term (7:10, 7:13), the repair
term (6:6), the postponement notice (7:10 lid 3) and the decision on the objection (7:11) with the appeal clause
(8:1, 6:7, 6:8, 8:7). Rendered in the award letters' PDF/A machinery (``allocations.letters.pdf``).

Every sentence prints a value stored with the case (its grounds, its hearing or the 7:3 ground, the outcome and
the motivation as recorded, the reconsideration and the instalment that pays the difference); nothing here
decides anything again. Free texts are bounded.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass

from django.conf import settings

from accounts.models import Municipality
from accounts.money import cents
from allocations.letters.bounds import LINE, PARAGRAPH, bound_fields
from allocations.letters.compose import RETURN_ADDRESS, VISITING_ADDRESS, WEBSITE
from allocations.letters.content import Addressee, Sender, Signatory, ThemeYearAmount
from allocations.letters.pdf import render_pdf
from allocations.letters.services import texts_for
from allocations.letters.words import amount_in_words
from allocations.objections import courts, deadlines
from allocations.objections.letter_models import LetterKind
from allocations.objections.models import FOUNDED, CaseOutcome, Channel, ObjectionCase, WaiverGround
from allocations.runs import reconsideration, splits
from allocations.runs.models import RunSnapshot
from allocations.runs.reconsideration_models import Reconsideration
from applications.models import Theme

TITLES = {
    LetterKind.ACKNOWLEDGEMENT: "Ontvangstbevestiging bezwaarschrift",
    LetterKind.REPAIR: "Verzoek om herstel van uw bezwaarschrift",
    LetterKind.POSTPONEMENT: "Verdaging van de beslissing op uw bezwaar",
    LetterKind.DECISION: "Beslissing op bezwaar",
}
OUTCOME_WORDS = {
    CaseOutcome.INADMISSIBLE: "niet-ontvankelijk",
    CaseOutcome.UNFOUNDED: "ongegrond",
    CaseOutcome.PARTLY_FOUNDED: "gedeeltelijk gegrond",
    CaseOutcome.FOUNDED: "gegrond",
}
CHANNEL_WORDS = {Channel.PORTAL: "via het portaal", Channel.POST: "per post", Channel.EMAIL: "per e-mail"}


@dataclass(frozen=True)
class Hearing:
    """The hearing as recorded (Awb 7:2), or its waiver with the ground of 7:3."""

    held_on: datetime.date | None = None
    notes: str = ""
    others_invited: tuple[str, ...] = ()  # the interested parties invited besides the objector
    waiver_ground: str = ""  # the letter of 7:3 (a–e)
    waiver_text: str = ""  # the ground's own words
    waiver_reason: str = ""

    def __post_init__(self) -> None:
        bound_fields(self, {"notes": PARAGRAPH, "waiver_reason": PARAGRAPH, "waiver_text": LINE})


@dataclass(frozen=True)
class Rerun:
    """The re-run as of the original decision (Awb 4:25 lid 3, 7:11) the case decided on, as stored."""

    run_number: int
    reason: str
    old_rank: int | None
    new_rank: int | None
    old_cents: int
    rerun_cents: int
    awarded_cents: int
    extra_cents: int
    not_worse_off: bool

    def __post_init__(self) -> None:
        bound_fields(self, {"reason": PARAGRAPH})


@dataclass(frozen=True)
class ExtraPayment:
    reference: str
    due_on: datetime.date
    cents: int


@dataclass(frozen=True)
class ObjectionLetterContent:
    kind: LetterKind
    case_number: str
    decision_number: str  # the decision objected to
    decision_date: datetime.date  # the day it was sent
    letter_date: datetime.date
    sender: Sender
    signatory: Signatory
    addressee: Addressee
    scheme_name: str
    application_reference: str
    received_on: datetime.date
    channel: str
    committee: bool = False
    decision_term_end: datetime.date | None = None
    objection_term_end: datetime.date | None = None
    pro_forma: bool = False
    repair_missing: str = ""
    repair_deadline: datetime.date | None = None
    postponed_weeks: int = 0
    term_before: datetime.date | None = None
    postponement_reason: str = ""
    ruling_number: str = ""
    outcome: str = ""
    outcome_reason: str = ""
    grounds: str = ""
    timely: bool = True
    repaired: bool | None = None
    hearing: Hearing | None = None
    rerun: Rerun | None = None
    amounts: tuple[ThemeYearAmount, ...] = ()
    awarded_cents: int = 0  # the award of the new decision (founded): the reconsideration's, else the old one
    extra_payment: ExtraPayment | None = None
    court: str = ""
    decided_on: datetime.date | None = None

    def __post_init__(self) -> None:
        bound_fields(
            self,
            {
                "repair_missing": PARAGRAPH,
                "postponement_reason": PARAGRAPH,
                "outcome_reason": PARAGRAPH,
                "grounds": 1200,
            },
        )
        if self.founded and sum(a.cents for a in self.amounts) != self.awarded_cents:
            raise ValueError("the amounts per theme and year must add up to the new award")

    @property
    def reference(self) -> str:
        """The number in the heading and the running header: the decision's own, else the case's."""
        return self.ruling_number if self.kind == LetterKind.DECISION else self.case_number

    @property
    def heading(self) -> str:
        return TITLES[self.kind]

    @property
    def title(self) -> str:
        return f"{self.heading} {self.reference}"

    @property
    def subject(self) -> str:
        return f"Uw bezwaar tegen beschikking {self.decision_number} ({self.scheme_name})"

    @property
    def channel_words(self) -> str:
        return CHANNEL_WORDS.get(Channel(self.channel), "")

    @property
    def decision_weeks(self) -> int:
        return deadlines.DECISION_WEEKS_WITH_COMMITTEE if self.committee else deadlines.DECISION_WEEKS

    @property
    def term_passed(self) -> bool:
        """The decision term ended before the letter's date (a late objection: the term counts from the end of
        the objection term, Awb 7:10 lid 1)."""
        return self.decision_term_end is not None and self.decision_term_end < self.letter_date

    @property
    def founded(self) -> bool:
        return self.outcome in FOUNDED

    @property
    def outcome_words(self) -> str:
        return OUTCOME_WORDS.get(CaseOutcome(self.outcome), "") if self.outcome else ""

    @property
    def new_cents(self) -> int:
        return self.awarded_cents

    @property
    def new_words(self) -> str:
        return amount_in_words(self.new_cents)

    @property
    def extra_words(self) -> str:
        return amount_in_words(self.extra_payment.cents) if self.extra_payment else ""

    @property
    def appeal_last_day(self) -> datetime.date:
        return deadlines.appeal_term_end(self.letter_date)

    @property
    def inadmissible_article(self) -> str:
        """The article the recorded facts point to: late without excuse (6:9, 6:11), a repair that did not come
        (6:6), else the contents the objection lacks (6:5, 6:6)."""
        if not self.timely:
            return "artikelen 6:9 en 6:11"
        if self.repaired is False:
            return "artikel 6:6"
        return "artikelen 6:5 en 6:6"

    @property
    def years(self) -> list[int]:
        return sorted({a.year for a in self.amounts})

    @property
    def table(self) -> list[tuple[str, list[int], int]]:
        years = self.years
        rows: dict[str, dict[int, int]] = {}
        for amount in self.amounts:
            row = rows.setdefault(amount.theme, {})
            row[amount.year] = row.get(amount.year, 0) + amount.cents
        return [(theme, [row.get(y, 0) for y in years], sum(row.values())) for theme, row in rows.items()]

    @property
    def year_totals(self) -> list[int]:
        return [sum(a.cents for a in self.amounts if a.year == year) for year in self.years]


# --- Composing from the stored case ---------------------------------------------------------------------------


def _sender_and_signatory(case: ObjectionCase) -> tuple[Sender, Signatory]:
    texts = texts_for(case.decision.application.call)
    sender = Sender(
        ministry=settings.MINISTRY_NAME,
        directorate=texts.directorate,
        return_address=RETURN_ADDRESS,
        visiting_address=VISITING_ADDRESS,
        contact_name=texts.contact_name,
        contact_email=texts.contact_email,
        contact_phone=texts.contact_phone,
        website=WEBSITE,
    )
    return sender, Signatory(minister=texts.minister, name=texts.signatory_name, function=texts.signatory_function)


def _addressee(municipality: Municipality) -> Addressee:
    return Addressee(municipality.name, municipality.postal_lines)


def _hearing(case: ObjectionCase) -> Hearing | None:
    if case.hearing_held_on:
        others = tuple(m.name for m in case.invited.order_by("name") if m.pk != case.objector_id)
        return Hearing(held_on=case.hearing_held_on, notes=case.hearing_notes, others_invited=others)
    if case.waiver_ground:
        text = str(WaiverGround(case.waiver_ground).label).split(". ", 1)[-1]
        return Hearing(waiver_ground=case.waiver_ground, waiver_text=text, waiver_reason=case.waiver_reason)
    return None


def _rerun(record: Reconsideration | None) -> Rerun | None:
    if record is None:
        return None
    result = record.result
    return Rerun(
        run_number=record.run.number,
        reason=record.reason,
        old_rank=result["old"]["rank"],
        new_rank=result["new"]["rank"],
        old_cents=cents(record.old_amount),
        rerun_cents=cents(record.rerun_amount),
        awarded_cents=cents(record.awarded),
        extra_cents=cents(record.extra),
        not_worse_off=record.not_worse_off,
    )


def old_split(case: ObjectionCase) -> tuple[ThemeYearAmount, ...]:
    """The split of the decision objected to, as the run stored it (what the award letter printed)."""
    line = case.decision.line
    return tuple(
        ThemeYearAmount(s.theme.name, s.year, cents(s.awarded))
        for s in line.splits.select_related("theme").order_by("theme__order", "theme__name", "year")
        if s.awarded
    )


def new_split(record: Reconsideration) -> tuple[ThemeYearAmount, ...]:
    """The new award over the application's budget lines per theme and year: the run's own split (largest
    remainder, its rounding unit) of the amount the reconsideration awards, over the budget lines of the frozen
    snapshot with the stored corrections applied; what the re-run's line would have stored."""
    stored = RunSnapshot.objects.get(run=record.run)
    corrections = reconsideration.Corrections.from_json(record.corrections)
    corrected = reconsideration.apply(stored.data, record.application_id, corrections)
    app = next(a for a in corrected["applications"] if a["id"] == record.application_id)
    parts = app["budget_lines"]
    shares = splits.split(cents(record.awarded), [p["amount"] for p in parts], corrected["policy"]["unit"])
    names = dict(Theme.objects.filter(pk__in={p["theme_id"] for p in parts}).values_list("pk", "name"))
    return tuple(
        ThemeYearAmount(names[p["theme_id"]], p["year"], share) for p, share in zip(parts, shares, strict=True) if share
    )


def _amounts(case: ObjectionCase) -> tuple[ThemeYearAmount, ...]:
    """The award of the new decision: the old one where the re-run changed no money, else the new split."""
    record = case.reconsideration
    if record is None or record.awarded == case.decision.amount:
        return old_split(case)
    return new_split(record)


def _extra_payment(case: ObjectionCase) -> ExtraPayment | None:
    instalment = case.extra_instalment
    if instalment is None:
        return None
    return ExtraPayment(reference=instalment.reference, due_on=instalment.due_on, cents=cents(instalment.amount))


def _base(case: ObjectionCase, kind: LetterKind, letter_date: datetime.date) -> dict:
    from allocations.letters.deadlines import local_today

    sender, signatory = _sender_and_signatory(case)
    decision = case.decision
    assert decision.sent_at is not None  # an objection is only against a sent decision
    return {
        "kind": kind,
        "case_number": case.number,
        "decision_number": decision.number,
        "decision_date": local_today(decision.sent_at),
        "letter_date": letter_date,
        "sender": sender,
        "signatory": signatory,
        "addressee": _addressee(case.objector),
        "scheme_name": decision.application.call.scheme.name,
        "application_reference": decision.application.reference,
        "received_on": case.received_on,
        "channel": case.channel,
        "committee": case.advisory_committee,
        "pro_forma": case.pro_forma,
    }


def _term_before_postponement(case: ObjectionCase) -> datetime.date:
    return deadlines.decision_term_end(
        sent_on=case.sent_on, committee=case.advisory_committee, suspensions=case.suspensions()
    )


def letter_content(case: ObjectionCase, kind: str, *, letter_date: datetime.date) -> ObjectionLetterContent:
    """The letter of ``kind`` for ``case``, dated ``letter_date`` (the day it is sent)."""
    kind = LetterKind(kind)
    values = _base(case, kind, letter_date)
    if kind == LetterKind.ACKNOWLEDGEMENT:
        values.update(
            decision_term_end=case.decision_term_end,
            objection_term_end=case.objection_term_end,
            timely=case.is_timely,
        )
    elif kind == LetterKind.REPAIR:
        values.update(repair_missing=case.repair_missing, repair_deadline=case.repair_deadline)
    elif kind == LetterKind.POSTPONEMENT:
        values.update(
            postponed_weeks=case.postponed_weeks or 0,
            term_before=_term_before_postponement(case),
            decision_term_end=case.decision_term_end,
            postponement_reason=case.postponement_reason,
        )
    else:
        values.update(_decision_values(case))
    return ObjectionLetterContent(**values)


def _decision_values(case: ObjectionCase) -> dict:
    from allocations.letters.deadlines import local_today

    if case.outcome not in OUTCOME_WORDS or not case.ruling_number:
        raise ValueError("only a decided case (not withdrawn) has a decision on the objection")
    values: dict = {
        "ruling_number": case.ruling_number,
        "outcome": case.outcome,
        "outcome_reason": case.outcome_reason,
        "grounds": case.grounds,
        "timely": case.is_timely,
        "repaired": case.repaired,
        "hearing": _hearing(case),
        "rerun": _rerun(case.reconsideration),
        "court": courts.competent_court(case.objector.province),
        "decided_on": local_today(case.decided_at) if case.decided_at else None,
    }
    if case.outcome in FOUNDED:
        record = case.reconsideration
        awarded = record.awarded if record is not None else case.decision.amount
        values.update(amounts=_amounts(case), awarded_cents=cents(awarded), extra_payment=_extra_payment(case))
    return values


# --- Rendering ------------------------------------------------------------------------------------------------

_EDGE_SPACE = re.compile(r"(<(?:p|li)\b[^>]*>)\s+|\s+(</(?:p|li)>)")


def letter_html(content: ObjectionLetterContent) -> str:
    """The letter's HTML, always in Dutch (the language of the decision)."""
    from django.template.loader import render_to_string
    from django.utils import translation

    with translation.override("nl"):
        html = render_to_string(
            "allocations/objections/letter.html",
            {"letter": content, "emblem": settings.LETTER_EMBLEM, "created": content.letter_date.isoformat()},
        )
    return _EDGE_SPACE.sub(lambda m: m.group(1) or m.group(2), html)


def letter_pdf(content: ObjectionLetterContent) -> bytes:
    """The letter as PDF/A-2A bytes; the same content gives the same bytes."""
    return render_pdf(letter_html(content))
