"""Sample letters of each kind with fictitious figures, for the tests, the benchmark and a text preview.

The figures are chosen so that a reader can check them by hand: the table adds up to the award, and the
payments split it per year.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.conf import settings

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

THEMES = ("Veiligheid en leefbaarheid", "Onderwijs en kansengelijkheid", "Wonen en openbare ruimte")
YEARS = (2026, 2027, 2028)
LETTER_DATE = datetime.date(2026, 3, 16)  # a Monday: the day the sample letter is sent


def default_sender() -> Sender:
    return Sender(
        ministry=settings.MINISTRY_NAME,
        directorate="Directoraat-generaal Volkshuisvesting en Bouwen\nDirectie Leefbaarheid en Wijken",
        return_address="Postbus 20011, 2500 EA Den Haag",
        visiting_address=("Turfmarkt 147", "2511 DP Den Haag"),
        contact_name="Team Leefbaarheidsfondsen",
        contact_email="leefbaarheidsfondsen@demo.nplv.example",
        contact_phone="070 000 00 00",
        website="www.demo.nplv.example",
    )


def default_signatory() -> Signatory:
    return Signatory(
        minister="de minister van Volkshuisvesting en Ruimtelijke Ordening",
        name="drs. A.B. Voorbeeld",
        function="directeur Leefbaarheid en Wijken",
    )


def _split(total: int, parts: int) -> list[int]:
    """Split integer cents into near-equal parts that add up to the cent (the last part takes the rest)."""
    share = total // parts
    return [share] * (parts - 1) + [total - share * (parts - 1)]


def sample_content(kind: Kind = Kind.AWARD, *, requested_cents: int = 226_611_022) -> LetterContent:
    awarded = {
        Kind.AWARD: requested_cents,
        Kind.PARTIAL: requested_cents * 3 // 5,
        Kind.REFUSAL: 0,
    }[kind]
    amounts: list[ThemeYearAmount] = []
    payments: list[Payment] = []
    if awarded:
        per_theme = _split(awarded, len(THEMES))
        for theme, theme_cents in zip(THEMES, per_theme, strict=True):
            for year, cents in zip(YEARS, _split(theme_cents, len(YEARS)), strict=True):
                amounts.append(ThemeYearAmount(theme, year, cents))
        for year in YEARS:
            cents = sum(a.cents for a in amounts if a.year == year)
            payments.append(Payment(year, deadlines.instalment_due(LETTER_DATE, year), cents))
    refused = kind is Kind.REFUSAL
    motivation = Motivation(
        criteria=(
            CriterionPoints("Kwaliteit van het plan van aanpak", Decimal("5.5" if refused else "7.5")),
            CriterionPoints("Betrokkenheid van bewoners en partners", Decimal("6.0")),
            CriterionPoints("Samenhang met het gemeentelijk beleid", Decimal("6.0" if refused else "8.0")),
        ),
        need_points=Decimal("4" if refused else "12"),
        bonuses=(BonusPoints("Lid van het netwerk M50", Decimal("2")),),
        minimum_points=Decimal("20"),
        rank={Kind.AWARD: 4, Kind.PARTIAL: 17, Kind.REFUSAL: 23}[kind],
        ranked_count=31,
        ceiling_cents=4_000_000_000,
        funded_through_rank=17,
        refusal_reason=RefusalReason.BUDGET_EXHAUSTED if kind is Kind.REFUSAL else None,
    )
    return LetterContent(
        kind=kind,
        decision_number="NPLV-2026-KW-000123",
        letter_date=LETTER_DATE,
        sender=default_sender(),
        signatory=default_signatory(),
        addressee=Addressee("Nieuwegein", ("Postbus 1", "3430 AA Nieuwegein")),
        application_reference="KW26-0042",
        application_title="Samen sterker in Batau-Noord",
        application_date=datetime.date(2025, 11, 28),
        scheme_name="SPUK Kansrijke Wijk 2026–2028",
        scheme_uses_sisa=True,
        call_title="Aanvraagronde Kansrijke Wijk 2026",
        legal_basis=(
            "Artikel 17 van de Financiële-verhoudingswet en artikel 4 van de Regeling specifieke uitkering "
            "Kansrijke Wijk 2026–2028 (demo)."
        ),
        requested_cents=requested_cents,
        awarded_cents=awarded,
        motivation=motivation,
        spending_from=datetime.date(2026, 1, 1),
        spending_to=datetime.date(2028, 12, 31),
        amounts=tuple(amounts),
        payments=tuple(payments),
        texts=SchemeTexts(
            introduction="De regeling ondersteunt gemeenten bij een langjarige aanpak van kwetsbare wijken.",
            obligations="U zet de middelen in voor de activiteiten uit uw plan van aanpak.",
        ),
        attachments=("Overzicht van de puntentoekenning",) if kind is not Kind.AWARD else (),
    )
