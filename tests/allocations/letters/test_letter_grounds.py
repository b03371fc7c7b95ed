"""Each stored ground becomes one typed value in the letter, and one paragraph with its numbers.

``compose`` reads the line's ground as the run stored it (a code and its numbers) and adds only what the run
stored beside it: a pot's amount and network, a rival's municipality, the seed. The sample letters (used by
the preview and the benchmark) state every ground the same way.
"""

import io
import re
from decimal import Decimal

import pytest
from django.utils import timezone
from pypdf import PdfReader

from allocations.letters import grounds, pdf
from allocations.letters.compose import letter_content
from allocations.letters.content import Kind
from allocations.letters.models import LetterText
from allocations.letters.samples import GROUND_CODES, ground_sample
from allocations.runs.models import AllocationLine, AllocationRun, Decision, LineSplit, Outcome, RunStatus
from applications.models import Scheme
from tests.allocations.letters.batch import SEND_ON
from tests.factories import (
    AdministratorFactory,
    ApplicationFactory,
    CallFactory,
    MunicipalityFactory,
    NetworkFactory,
    SchemeFactory,
    ThemeFactory,
)


def text_of(data: bytes) -> str:
    text = "\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(data)).pages)
    return " ".join(re.sub(r"(?<=\S)([-–])\n", r"\1", text).split())


# --- The sample letters: every ground in words -----------------------------------------------------------
SAYS = {
    "full": "Er was voldoende geld voor uw hele aanvraag.",
    "reserved": "Voor het gebied ‘Batau-Noord’ van uw gemeente is in deze ronde € 2.000.000,00 gereserveerd.",
    "capped": "maximum per aanvraag van 5% van het bedrag dat na de reserve beschikbaar was (€ 39.600.000,00): "
    "€ 1.980.000,00.",
    "rounded": "Bijdragen worden in deze ronde in hele euro's toegekend, naar beneden afgerond. Ik ken daarom "
    "€ 2.266.110,00 toe.",
    "partial": "resteerde van deelplafond ‘Algemeen’ nog € 1.359.666,13.",
    "budget_exhausted": "Deelplafond ‘Algemeen’ raakte op bij de aanvraag op plaats 17.",
    "skipped": "Daardoor kregen 2 lager geplaatste aanvragen die wel pasten nog een bijdrage.",
    "tie": "De aanvraag van Zeist heeft een behoeftescore van 14,00, uw aanvraag 4,00: die aanvraag ging voor.",
    "pro_rata": "(naar rato): 62,5432%",
    "formula": "verdeelsleutel (inwoners × behoeftescore)",
    "below_minimum": "Uw beoordelingsscore is 17,50. Dat is minder dan het minimum van 20,00 dat de beoordeling van "
    "deze ronde stelt.",
    "no_pot": "Uw gemeente is lid van NPLV-focusgebieden, maar van geen van die netwerken.",
    "no_reservation": "Voor het gebied ‘Batau-Noord’ van uw gemeente is geen bedrag gereserveerd.",
    "no_weight": "Volgens die sleutel heeft uw aanvraag geen gewicht.",
}


@pytest.fixture(scope="module")
def sample_texts():
    return {code: text_of(pdf.letter_pdf(ground_sample(code))) for code in GROUND_CODES}


@pytest.mark.parametrize("code", GROUND_CODES)
def test_every_sample_ground_states_its_numbers(sample_texts, code):
    content = ground_sample(code)
    assert content.motivation.ground.code == code
    text = sample_texts[code]
    assert SAYS[code] in text
    # The published ceiling and the reserve, always; Awb 4:25 lid 2 only for a subsidy refused on the ceiling.
    assert "aanvraagronde is € 40.000.000,00. Daarvan is € 400.000,00 gereserveerd voor de afhandeling" in text
    on_the_ceiling = code in grounds.ON_THE_CEILING and content.kind is not Kind.AWARD
    assert ("artikel 4:25, tweede lid" in text) is (on_the_ceiling and content.motivation.ceiling.awb_subsidy)
    if code in ("pro_rata", "formula", "no_weight"):
        assert "plaats" not in text and "gerangschikt" not in text and "raakte" not in text


def test_a_subsidy_says_subsidieplafond_and_a_specific_grant_uitkeringsplafond(sample_texts):
    assert "Het subsidieplafond van deze aanvraagronde" in sample_texts["tie"]
    assert "Het uitkeringsplafond van deze aanvraagronde" in sample_texts["reserved"]


# --- compose: from the stored ground to the typed value ----------------------------------------------------
@pytest.fixture
def draft(db):
    """A draft run of a fund with an M50 pot spilling into a general one, and a reserve."""
    by = AdministratorFactory()
    scheme = SchemeFactory(kind=Scheme.Kind.FUND, name="Leefbaarheidsfonds")
    call = CallFactory(scheme=scheme, title="Tranche 2", budget=Decimal("1000000.00"))
    NetworkFactory(code="M50", name="M50-netwerk")
    policy = {
        "budget": 100_000_000,
        "reserve": 1_000_000,
        "ceiling": 99_000_000,
        "method": "ranked",
        "seed": 11,
        "formula_weight": "inhabitants_x_need",
        "pots": [
            {"name": "M50", "budget": 40_000_000, "network": "M50", "spill_to": "Algemeen"},
            {"name": "Algemeen", "budget": 59_000_000, "network": None, "spill_to": None},
        ],
    }
    run = AllocationRun.objects.create(
        call=call,
        number=1,
        status=RunStatus.DRAFT,
        method="ranked",
        parameters={"policy": policy},
        total_budget=Decimal("990000.00"),
        started_by=by,
        pot_totals=[
            {"name": "M50", "budget": 40_000_000, "received": 0, "ratio": None},
            {"name": "Algemeen", "budget": 59_000_000, "received": 0, "ratio": None},
        ],
    )
    return run, by


def _letter(draft, ground: dict, *, awarded="0.00", pot="M50", funded=None, reason="", reference="T-1"):
    run, by = draft
    application = ApplicationFactory(call=run.call, reference=reference, municipality=MunicipalityFactory())
    line = AllocationLine.objects.create(
        run=run,
        application=application,
        rank=3,
        pot=pot,
        funded_from=funded or {},
        requested=Decimal("100000.00"),
        awarded=Decimal(awarded),
        reason=ground.get("code", "ineligible"),
        ground=ground,
    )
    amount = Decimal(awarded)
    if amount:
        theme = ThemeFactory(scheme=run.call.scheme)
        LineSplit.objects.create(line=line, theme=theme, year=2027, requested=line.requested, awarded=amount)
    outcome = (
        Outcome.REJECTED if not amount else Outcome.AWARDED if amount == line.requested else Outcome.PARTIALLY_AWARDED
    )
    decision = Decision(
        application=application,
        run=run,
        line=line,
        number="T-B1-0001",
        outcome=outcome,
        amount=amount,
        reason=reason,
        decided_at=timezone.now(),
        decided_by=by,
    )
    return letter_content(decision, LetterText(call=run.call, version=1), letter_date=SEND_ON)


def test_the_ceiling_is_the_published_one_with_the_reserve_and_the_pot_that_applied(draft):
    content = _letter(draft, {"code": "budget_exhausted", "pot": "Algemeen", "cutoff_rank": 2})
    m = content.motivation
    assert (m.ceiling.published_cents, m.ceiling.reserve_cents, m.ceiling.to_divide_cents) == (
        100_000_000,
        1_000_000,
        99_000_000,
    )
    assert m.ceiling.awb_subsidy and m.ceiling.term == "subsidieplafond"
    assert m.home_pot == grounds.PotInfo("M50", 40_000_000, "M50-netwerk")
    assert m.spill_pot.name == "Algemeen" and m.moved_on.name == "Algemeen"
    assert m.ground == grounds.BudgetExhausted(grounds.PotInfo("Algemeen", 59_000_000), 2)
    text = text_of(pdf.letter_pdf(content))
    assert "Het subsidieplafond van deze aanvraagronde is € 1.000.000,00." in text
    assert "Daarvan is € 10.000,00 gereserveerd voor de afhandeling van bezwaren; € 990.000,00 was beschikbaar" in text
    assert "viel onder het deelplafond ‘M50’ van € 400.000,00, bestemd voor leden van M50-netwerk." in text
    assert "Ik weiger de subsidie op grond van artikel 4:25, tweede lid" in text


def test_a_tie_names_the_rival_municipality_and_the_seed(draft):
    run, _ = draft
    rival = ApplicationFactory(call=run.call, reference="T-9", municipality=MunicipalityFactory(name="Zeist"))
    ground = {
        "code": "tie",
        "pot": "Algemeen",
        "then": "budget_exhausted",
        "left": 0,
        "left_at_tie": 1_800_000,
        "points": "68.00",
        "need_score": "4.00",
        "rule": "need_score",
        "against": [{"reference": rival.reference, "by": "lottery", "need_score": "4.00"}],
        "wanted": 10_000_000,
    }
    content = _letter(draft, ground)
    tie = content.motivation.ground
    assert tie.rivals == (grounds.TieRival("T-9", "Zeist", grounds.TieRule.LOTTERY, Decimal("4.00")),)
    assert (tie.seed, tie.left_at_tie_cents, tie.by_lottery) == (11, 1_800_000, True)
    text = text_of(pdf.letter_pdf(content))
    assert "Zij heeft 68,00 punten, evenveel als de aanvraag van Zeist (T-9)." in text
    assert "De aanvraag van Zeist heeft dezelfde behoeftescore als uw aanvraag (4,00); de loting plaatste haar" in text
    assert "lotingsgetal 11" in text
    assert "resteerde van deelplafond ‘Algemeen’ nog € 18.000,00. Dat ging naar de aanvraag die voorging" in text


@pytest.mark.parametrize(
    ("ground", "expected"),
    [
        (
            {"code": "formula", "pot": "Algemeen", "weight": "123456.50", "share": "41.20"},
            grounds.Formula(
                grounds.PotInfo("Algemeen", 59_000_000),
                Decimal("123456.50"),
                Decimal("41.20"),
                "inwoners × behoeftescore",
            ),
        ),
        (
            {"code": "no_pot", "networks": ["NPLV"]},
            grounds.NoPot(networks=("NPLV",), pot_networks=("M50-netwerk",)),
        ),
        ({"code": "no_weight", "formula_weight": "need"}, grounds.NoWeight("behoeftescore")),
        ({"code": "rounded", "unit": 100}, grounds.Rounded(100)),
        ({"code": "below_minimum", "source": "assessment"}, grounds.BelowMinimum(grounds.MinimumSource.ASSESSMENT)),
        (
            {"code": "below_minimum", "measure": "total", "score": "58.50", "minimum": "60.00", "source": "policy"},
            grounds.BelowMinimum(
                grounds.MinimumSource.POLICY, grounds.Measure.TOTAL, Decimal("58.50"), Decimal("60.00")
            ),
        ),
    ],
)
def test_each_stored_ground_becomes_its_typed_value(draft, ground, expected):
    pot = "" if ground["code"] == "no_pot" else "M50"
    assert _letter(draft, ground, pot=pot).motivation.ground == expected


def test_the_minimum_from_the_policy_is_named_as_such(draft):
    ground = {"code": "below_minimum", "measure": "total", "score": "58.50", "minimum": "60.00", "source": "policy"}
    text = text_of(pdf.letter_pdf(_letter(draft, ground)))
    assert (
        "Uw aanvraag heeft in totaal 58,50 punten. Dat is minder dan het minimum van 60,00 dat het verdeelbeleid "
        "van deze ronde stelt." in text
    )
    assert "plaats 3" not in text and "4:25" not in text


def test_a_line_of_a_run_before_grounds_prints_the_recorded_reason(draft):
    content = _letter(draft, {}, reason="De gemeente is geen lid van een netwerk dat mag aanvragen.")
    assert content.motivation.ground == grounds.Unstated("De gemeente is geen lid van een netwerk dat mag aanvragen.")
    text = text_of(pdf.letter_pdf(content))
    assert "De reden van dit besluit: De gemeente is geen lid van een netwerk dat mag aanvragen." in text


def test_the_funding_from_two_pots_is_named_in_pot_order(draft):
    content = _letter(draft, {"code": "full"}, awarded="100000.00", funded={"Algemeen": 4_000_000, "M50": 6_000_000})
    assert content.kind is Kind.AWARD
    assert [f.pot.name for f in content.motivation.funded_from] == ["M50", "Algemeen"]
    text = text_of(pdf.letter_pdf(content))
    assert "Uw bijdrage komt uit deelplafond ‘M50’ (€ 60.000,00) en deelplafond ‘Algemeen’ (€ 40.000,00)." in text
