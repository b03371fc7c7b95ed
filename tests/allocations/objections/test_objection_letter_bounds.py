"""The objection letters bound every free text and keep every word on the page, whatever a person typed: the
longest grounds, hearing report, motivation and reason, with words longer than a line (no database)."""

import datetime
import time

import pytest

from allocations.letters.bounds import PARAGRAPH
from allocations.letters.content import Addressee, Sender, Signatory, ThemeYearAmount
from allocations.objections.letter_models import LetterKind
from allocations.objections.letters import ExtraPayment, Hearing, ObjectionLetterContent, Rerun, letter_pdf
from tests.pdfbox import outside

LONG_WORD = "Bezwaarschriftonderdeel" * 12
LONG = (" ".join(["woord"] * 50) + " " + LONG_WORD + " ") * 40


def _content(**overrides) -> ObjectionLetterContent:
    values = dict(
        kind=LetterKind.DECISION,
        case_number="RONDE-2027-0001-B1",
        decision_number="RONDE-2027-0001",
        decision_date=datetime.date(2027, 3, 15),
        letter_date=datetime.date(2027, 4, 20),
        sender=Sender(
            ministry="Ministerie van Volkshuisvesting en Ruimtelijke Ordening",
            directorate="Directie Leefbaarheid en Wijken",
            return_address="Postbus 20011, 2500 EA Den Haag",
            visiting_address=("Turfmarkt 147", "2511 DP Den Haag"),
            contact_name="Team Leefbaarheidsfondsen",
            contact_email="leefbaarheidsfondsen@demo.nplv.example",
            contact_phone="070 000 00 00",
            website="www.demo.nplv.example",
        ),
        signatory=Signatory(minister="de minister", name="drs. A.B. Voorbeeld", function="directeur"),
        addressee=Addressee("Nieuwegein", ("Postbus 1", "3430 AA NIEUWEGEIN")),
        scheme_name="SPUK Kansrijke Wijk",
        application_reference="GM0356-2027-1",
        received_on=datetime.date(2027, 4, 1),
        channel="email",
        ruling_number="RONDE-2027-0001-B1-BOB",
        outcome="founded",
        outcome_reason=LONG,
        grounds=LONG,
        hearing=Hearing(held_on=datetime.date(2027, 4, 15), notes=LONG, others_invited=("Utrecht", "Zeist")),
        rerun=Rerun(1, LONG, 4, 2, 0, 1_800_000, 1_800_000, 1_800_000, False),
        amounts=(ThemeYearAmount("Wonen", 2027, 1_080_000), ThemeYearAmount(LONG_WORD, 2028, 720_000)),
        awarded_cents=1_800_000,
        extra_payment=ExtraPayment("RONDE-2027-0001-T3", datetime.date(2027, 5, 18), 1_800_000),
        court="de rechtbank Midden-Nederland",
    )
    values.update(overrides)
    return ObjectionLetterContent(**values)


def test_free_texts_are_bounded():
    content = _content()
    assert len(content.outcome_reason) <= PARAGRAPH and content.outcome_reason.endswith("…")
    assert len(content.grounds) <= 1200 and len(content.hearing.notes) <= PARAGRAPH
    assert len(content.rerun.reason) <= PARAGRAPH


def test_the_longest_texts_stay_on_the_page_and_render_in_bounded_time():
    for content in (
        _content(),
        _content(kind=LetterKind.REPAIR, repair_missing=LONG, repair_deadline=datetime.date(2027, 5, 4)),
        _content(
            kind=LetterKind.POSTPONEMENT,
            postponed_weeks=6,
            postponement_reason=LONG,
            term_before=datetime.date(2027, 6, 7),
            decision_term_end=datetime.date(2027, 7, 19),
        ),
    ):
        started = time.monotonic()
        data = letter_pdf(content)
        assert time.monotonic() - started < 30
        assert outside(data) == [], content.kind


def test_a_founded_letter_whose_split_does_not_add_up_is_refused():
    with pytest.raises(ValueError, match="add up"):
        _content(awarded_cents=1_800_001)
