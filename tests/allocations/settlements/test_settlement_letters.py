"""The two settlement letters: the settlement (vaststelling) and the settlement with reclaim, with the amount in
figures and words, how it follows from the figures, and for a reclaim the amount, the reclaim number, the
decision number, the day it must be paid and the article; dated by the settlement, rendered as PDF/A."""

import datetime
import re
from decimal import Decimal

import pytest

from allocations.settlements import letters, services
from allocations.settlements.models import SettlementGround
from tests.allocations.settlements.conftest import SETTLE_DAY

pytestmark = pytest.mark.django_db


def approved(decision, *, assessor, auditor, coordinator, reclaim_number="", **proposal):
    settlement = services.propose_settlement(decision=decision, by=assessor, now=SETTLE_DAY, **proposal)
    settlement = services.check_settlement(
        settlement=settlement, by=auditor, reclaim_number=reclaim_number, now=SETTLE_DAY
    )
    return services.approve_settlement(settlement=settlement, by=coordinator, now=SETTLE_DAY)


def text(html: str) -> str:
    """The letter's words, without its tags."""
    return " ".join(re.sub(r"<[^>]+>", "", html).replace("\u00a0", " ").split())


def test_the_reclaim_letter_states_amount_number_due_date_and_article(subsidy, reviewer, administrator, coordinator):
    settlement = approved(
        subsidy,
        assessor=reviewer,
        auditor=administrator,
        coordinator=coordinator,
        reclaim_number="VORD-2029-7",
        ground=SettlementGround.OBLIGATIONS,
        proposed=Decimal("50000.00"),
        motivation="Het eindverslag ontbreekt.",
    )
    letter = letters.settlement_letter(settlement)
    assert letter.with_reclaim and letter.letter_date == datetime.date(2029, 9, 3)
    html = text(letters.letter_html(letter))
    assert "Ik stel de subsidie vast op € 50.000,00 (vijftigduizend euro)" in html
    assert "€ 10.000,50 (tienduizend euro en vijftig cent)" in html
    assert "artikel 4:57 van de Algemene wet bestuursrecht" in html
    assert "uiterlijk op 15 oktober 2029" in html and "VORD-2029-7" in html and subsidy.number in html
    assert "omdat de subsidieontvanger niet heeft voldaan aan de aan de subsidie verbonden verplichtingen" in html
    assert "Het eindverslag ontbreekt." in html and "Bezwaar maken" in html
    assert letters.letter_pdf(letter).startswith(b"%PDF")


def test_the_settlement_letter_of_a_spuk_in_full_pays_the_rest(spuk, reviewer, administrator, coordinator):
    # All of the award spent: settled at the award, the rest paid.
    from allocations.accountability.models import Statement

    Statement.objects.filter(decision=spuk, year=2028).update(
        spent=Decimal("90001.00"), spent_to_date=Decimal("120001.00")
    )
    Statement.objects.filter(decision=spuk, year=2027).update(
        spent=Decimal("30000.00"), spent_to_date=Decimal("30000.00")
    )
    settlement = approved(spuk, assessor=reviewer, auditor=administrator, coordinator=coordinator)
    letter = letters.settlement_letter(settlement)
    assert not letter.with_reclaim
    html = text(letters.letter_html(letter))
    assert "Ik stel de specifieke uitkering vast op € 120.001,00 (honderdtwintigduizend een euro)" in html
    assert "U ontvangt nog € 60.000,50 (zestigduizend euro en vijftig cent)" in html
    assert "artikel 17a van de Financiële-verhoudingswet" in html
    assert "Terugvordering" not in html
