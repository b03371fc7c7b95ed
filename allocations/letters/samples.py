"""Sample letters of each kind with fictitious figures, for the tests, the benchmark and a text preview.

The figures are chosen so that a reader can check them by hand: the table adds up to the award, and the
payments split it per year.
"""

from __future__ import annotations

import dataclasses
import datetime
from decimal import Decimal

from django.conf import settings

from allocations.letters import deadlines, grounds
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

M50 = PotInfo("M50", 1_500_000_000, "M50")
GENERAL = PotInfo("Algemeen", 2_460_000_000)
CEILING = Ceiling(
    published_cents=4_000_000_000,
    reserve_cents=40_000_000,
    to_divide_cents=3_960_000_000,
    awb_subsidy=False,
    pots=(M50, GENERAL),
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


def sample_content(
    kind: Kind = Kind.AWARD,
    *,
    requested_cents: int = 226_611_022,
    awarded_cents: int | None = None,
    ground: Ground | None = None,
    method: Method = Method.RANKED,
    awb_subsidy: bool = False,
    rank: int | None = None,
) -> LetterContent:
    """A letter of ``kind``; by default a full award, a partial award where the money ran out (three fifths
    left), or a refusal after the money ran out, in a ranked SPUK call with two pots and a reserve.

    ``ground`` (with ``awarded_cents``) makes the letter of another ground; ``awb_subsidy`` makes it a subsidy
    of a fund under the Awb instead of a specific grant."""
    awarded = {
        Kind.AWARD: requested_cents,
        Kind.PARTIAL: requested_cents * 3 // 5,
        Kind.REFUSAL: 0,
    }[kind]
    if awarded_cents is not None:
        awarded = awarded_cents
    if ground is None:
        ground = {
            Kind.AWARD: grounds.Full(),
            Kind.PARTIAL: grounds.Partial(GENERAL, left_cents=awarded, wanted_cents=requested_cents),
            Kind.REFUSAL: grounds.BudgetExhausted(GENERAL, cutoff_rank=17),
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
    funded = ()
    if awarded and method is Method.RANKED:
        funded = (Funding(M50, awarded // 2), Funding(GENERAL, awarded - awarded // 2))
    motivation = Motivation(
        criteria=(
            CriterionPoints("Kwaliteit van het plan van aanpak", Decimal("5.5" if refused else "7.5")),
            CriterionPoints("Betrokkenheid van bewoners en partners", Decimal("6.0")),
            CriterionPoints("Samenhang met het gemeentelijk beleid", Decimal("6.0" if refused else "8.0")),
        ),
        need_points=Decimal("4" if refused else "12"),
        bonuses=() if ground.code == "no_pot" else (BonusPoints("Lid van het netwerk M50", Decimal("2")),),
        method=method,
        ground=ground,
        ceiling=dataclasses.replace(CEILING, awb_subsidy=awb_subsidy),
        rank=rank or {Kind.AWARD: 4, Kind.PARTIAL: 17, Kind.REFUSAL: 23}[kind],
        ranked_count=31,
        home_pot=None if ground.code == "no_pot" else M50,
        spill_pot=None if ground.code == "no_pot" else GENERAL,
        funded_from=funded,
    )
    scheme = (
        ("Leefbaarheidsfonds middelgrote gemeenten 2027", "Aanvraagronde Leefbaarheidsfonds 2027")
        if awb_subsidy
        else ("SPUK Kansrijke Wijk 2026–2028", "Aanvraagronde Kansrijke Wijk 2026")
    )
    legal_basis = (
        "Regeling leefbaarheidsfonds middelgrote gemeenten 2027, artikelen 2 tot en met 9 (demoregeling), en "
        "titel 4.2 van de Algemene wet bestuursrecht."
        if awb_subsidy
        else "Artikel 17 van de Financiële-verhoudingswet en artikel 4 van de Regeling specifieke uitkering "
        "Kansrijke Wijk 2026–2028 (demo)."
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
        scheme_name=scheme[0],
        scheme_uses_sisa=not awb_subsidy,
        call_title=scheme[1],
        legal_basis=legal_basis,
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


REQUESTED = 226_611_022


def _share(awarded: int) -> Decimal:
    return Decimal(f"{Decimal(awarded * 100) / Decimal(REQUESTED):.2f}")


def ground_sample(code: str) -> LetterContent:
    """A sample letter of each stored ground (for the tests, the look of every ground and the preview)."""
    ratio = Decimal("0.625432")
    pro_rata = int(REQUESTED * ratio)
    formula = 98_765_400
    below = grounds.BelowMinimum(
        grounds.MinimumSource.ASSESSMENT, grounds.Measure.REVIEWER_SCORE, Decimal("17.50"), Decimal("20.00")
    )
    rival = grounds.TieRival("KW26-0017", "Zeist", grounds.TieRule.NEED_SCORE, Decimal("14.00"))
    samples = {
        "full": lambda: sample_content(Kind.AWARD),
        "reserved": lambda: sample_content(
            Kind.PARTIAL, awarded_cents=200_000_000, ground=grounds.Reserved(200_000_000, "Batau-Noord")
        ),
        "capped": lambda: sample_content(
            Kind.PARTIAL,
            awarded_cents=198_000_000,
            ground=grounds.Capped(198_000_000, Decimal("5.00"), None, 3_960_000_000),
            awb_subsidy=True,
        ),
        "rounded": lambda: sample_content(
            Kind.PARTIAL, awarded_cents=REQUESTED // 100 * 100, ground=grounds.Rounded(100)
        ),
        "partial": lambda: sample_content(Kind.PARTIAL, awb_subsidy=True),
        "budget_exhausted": lambda: sample_content(Kind.REFUSAL, awb_subsidy=True),
        "skipped": lambda: sample_content(
            Kind.REFUSAL,
            ground=grounds.Skipped(GENERAL, left_cents=80_000_000, wanted_cents=REQUESTED, funded_below=2),
            awb_subsidy=True,
            rank=18,
        ),
        "tie": lambda: sample_content(
            Kind.REFUSAL,
            ground=grounds.Tie(
                pot=GENERAL,
                then="budget_exhausted",
                left_cents=0,
                left_at_tie_cents=150_000_000,
                wanted_cents=REQUESTED,
                points=Decimal("23.50"),
                need_score=Decimal("4.00"),
                rule=grounds.TieRule.NEED_SCORE,
                seed=20260316,
                rivals=(rival,),
            ),
            awb_subsidy=True,
            rank=18,
        ),
        "pro_rata": lambda: sample_content(
            Kind.PARTIAL,
            awarded_cents=pro_rata,
            ground=grounds.ProRata(GENERAL, ratio, _share(pro_rata), 2_460_000_000, 3_933_318_000, cents=pro_rata),
            method=Method.PRO_RATA,
            awb_subsidy=True,
        ),
        "formula": lambda: sample_content(
            Kind.PARTIAL,
            awarded_cents=formula,
            ground=grounds.Formula(GENERAL, Decimal("812345.50"), _share(formula), "inwoners × behoeftescore"),
            method=Method.FORMULA,
            awb_subsidy=True,
        ),
        "below_minimum": lambda: sample_content(Kind.REFUSAL, ground=below, awb_subsidy=True),
        "no_pot": lambda: sample_content(
            Kind.REFUSAL,
            ground=grounds.NoPot(networks=("NPLV-focusgebieden",), pot_networks=("M50", "New Town Alliantie")),
            awb_subsidy=True,
        ),
        "no_reservation": lambda: sample_content(Kind.REFUSAL, ground=grounds.NoReservation("Batau-Noord")),
        "no_weight": lambda: sample_content(
            Kind.REFUSAL, ground=grounds.NoWeight("inwoners × behoeftescore"), method=Method.FORMULA
        ),
    }
    return samples[code]()


GROUND_CODES = (
    "full",
    "reserved",
    "capped",
    "rounded",
    "partial",
    "budget_exhausted",
    "skipped",
    "tie",
    "pro_rata",
    "formula",
    "below_minimum",
    "no_pot",
    "no_reservation",
    "no_weight",
)
