"""Every letter of the three demo calls says what the run decided, read as a municipality's lawyer reads it.

The demo is seeded once for the module; each call is divided with its demo policy and with variations (skip
instead of a partial last award, pro rata, a lottery with a reserve, an area without a reservation), so that
every ground a letter can state turns up. Each test approves one run (undone after the test), renders its
letters with compose and the PDF renderer, extracts their text with pdftotext, and checks the motivation
against the line's stored ground and numbers, the published ceiling, the pot and the legal ground.
"""

from __future__ import annotations

import io
import re
import subprocess
from dataclasses import dataclass, field
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings
from django.utils import translation

from accounts.models import Network, User
from accounts.templatetags.portal import format_euro
from allocations.letters import grounds, pdf, selectors, services
from allocations.letters.compose import letter_content
from allocations.runs import execution as run_execution
from allocations.runs import services as run_services
from allocations.runs.models import AllocationLine, AllocationRun, Decision, RunStatus
from allocations.runs.policies import POLICY_FIELDS, PotInput, ReservationInput, save_policy
from applications.models import Call, Scheme
from tests.allocations.letters.batch import SEND_ON
from tests.allocations.runs.builders import before_opening

pytestmark = pytest.mark.django_db

FUND = "leefbaarheidsfonds-2026-tranche-2"
SPUK = "spuk-kansrijke-wijk-2026-2028"
VHF = "volkshuisvestingsfonds-tender-2026"
BODY_WIDTH_PT = 454  # 160 mm
ON_THE_CEILING = {"partial", "skipped", "budget_exhausted", "tie", "pro_rata", "formula"}


@dataclass
class Variant:
    """A run of a demo call; ``changes`` are what its policy changed in the demo's policy (``demo``)."""

    call: Call
    run: AllocationRun
    demo: tuple
    changes: dict = field(default_factory=dict)


def _policy_inputs(call: Call) -> tuple[dict, list[PotInput], list[ReservationInput]]:
    policy = call.allocation_policy
    policy.refresh_from_db()
    values = {key: getattr(policy, key) for key in POLICY_FIELDS}
    pots = [
        PotInput(pot.name, pot.budget, pot.network, pot.spill_to.name if pot.spill_to_id else "")
        for pot in policy.pots.select_related("network", "spill_to")
    ]
    reservations = [
        ReservationInput(r.municipality, r.amount, r.area_name)
        for r in policy.reservations.select_related("municipality").order_by("pk")
    ]
    return values, pots, reservations


def _set_policy(call: Call, by: User, demo: tuple, changes: dict) -> None:
    """The demo's policy (``demo``: its inputs) with ``changes``: policy fields, and "pots" / "reservations" as
    functions of the demo's own lists."""
    values, pots, reservations = demo
    changes = dict(changes)
    pots = changes.pop("pots", lambda p: p)(pots)
    reservations = changes.pop("reservations", lambda r: r)(reservations)
    # A policy is published with the call's rules before its window opens (Awb 4:27): each variation is set
    # as if the call had been published with it.
    before_opening(
        call,
        lambda c: save_policy(call=c, by=by, values={**values, **changes}, pots=pots, reservations=reservations),
        by=by,
    )


def _compute(call: Call, by: User) -> AllocationRun:
    run = run_services.start_run(call=call, by=by)
    assert run_execution.execute_run(run.pk)
    run.refresh_from_db()
    assert run.status == RunStatus.DRAFT
    return run


def _lower_pot(pots: list[PotInput]) -> list[PotInput]:
    """Room for a reserve: the general pot gives up what the reserve keeps."""
    return [
        PotInput(p.name, p.budget - Decimal("120000.00") if p.name == "Algemeen" else p.budget, p.network, p.spill_to)
        for p in pots
    ]


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """The seeded demo with every run computed (drafts); the whole module's data is rolled back at its end."""
    with django_db_blocker.unblock(), override_settings(DEMO=True), translation.override("nl"), transaction.atomic():
        call_command("seed_demo", "--quiet-accounts", stdout=io.StringIO())
        by = User.objects.get(email="beheerder1@demo.nplv.example")
        calls = {call.code: call for call in Call.objects.filter(code__in=(FUND, SPUK, VHF))}
        policies = {code: _policy_inputs(call) for code, call in calls.items()}
        runs = {code: Variant(call, _compute(call, by), policies[code]) for code, call in calls.items()}
        first_area = calls[SPUK].allocation_policy.reservations.order_by("pk").first().area_name
        variations = {
            # Skip, without the maximum per application: the first request that does not fit gets nothing, and
            # smaller ones below it that fit are funded.
            "skip": (VHF, {"partial_last": False, "cap_pct": None}),
            # Pro rata, with a reserve for objections kept out of the division.
            "pro_rata": (FUND, {"method": "pro_rata", "reserve": Decimal("120000.00"), "pots": _lower_pot}),
            # The tie broken by the lottery alone, with a reserve (the 10% cap is of the ceiling minus it).
            "lottery": (VHF, {"tiebreak": "lottery", "seed": 7, "reserve": Decimal("500000.00")}),
            # One area without a reservation.
            "no_reservation": (SPUK, {"reservations": lambda rs: [r for r in rs if r.area_name != first_area]}),
        }
        for name, (code, changes) in variations.items():
            _set_policy(calls[code], by, policies[code], changes)
            runs[name] = Variant(calls[code], _compute(calls[code], by), policies[code], changes)
            _set_policy(calls[code], by, policies[code], {})  # back to the demo's policy
        yield runs
        transaction.set_rollback(True)


def _approve(variant: Variant) -> list[Decision]:
    approver = User.objects.get(email="beheerder2@demo.nplv.example")
    if variant.changes:
        by = User.objects.get(email="beheerder1@demo.nplv.example")
        _set_policy(variant.call, by, variant.demo, variant.changes)
    run_services.approve_run(run=variant.run, by=approver)
    ids = Decision.objects.filter(run=variant.run).values_list("pk", flat=True)
    return list(selectors.decisions_for_letters(ids).order_by("number"))


def _text(decision: Decision) -> tuple[object, str]:
    """The letter's content and the printed text of its body (pdftotext, whitespace runs as one space)."""
    content = letter_content(decision, services.texts_for(decision.application.call), letter_date=SEND_ON)
    data = pdf.letter_pdf(content)
    # The text column only (x below 160 mm: not the reference column beside it, nor the page furniture).
    body = ["-layout", "-x", "0", "-y", "0", "-W", str(BODY_WIDTH_PT), "-H", "842"]
    printed = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", *body, "-", "-"], input=data, capture_output=True, check=True
    )
    # A line that breaks after a hyphen or dash inside a word ("2026–2028") joins the next without a space.
    return content, " ".join(re.sub(r"(?<=\S)([-–])\n", r"\1", printed.stdout.decode()).split())


def euro(cents: int) -> str:
    return format_euro(Decimal(cents) / 100)


def number(value: str | Decimal, places: int = 2) -> str:
    return f"{Decimal(value):.{places}f}".replace(".", ",")


def _pot_phrase(ground: dict) -> str:
    return "het beschikbare budget" if ground["pot"] == "algemeen" else f"deelplafond ‘{ground['pot']}’"


def expected_sentences(line: AllocationLine, decision: Decision, run: AllocationRun, ranked_count: int) -> list[str]:
    """What the letter must say for the line's stored ground: every number from the ground or the run."""
    g = line.ground
    code = g["code"]
    call = run.call
    policy = run.parameters["policy"]
    requested = int(line.requested * 100)
    awarded = int(decision.amount * 100)
    term = "uitkeringsplafond" if call.scheme.kind == Scheme.Kind.SPECIFIC_GRANT else "subsidieplafond"
    says = [
        f"Het {term} van deze aanvraagronde is {euro(policy['budget'])}.",
        f"ingediend in de aanvraagronde ‘{call.title}’ van de regeling ‘{call.scheme.name}’",
        f"Dit besluit berust op de regeling ‘{call.scheme.name}’: {call.scheme.legal_basis}",
    ]
    if policy["reserve"]:
        says.append(
            f"Daarvan is {euro(policy['reserve'])} gereserveerd voor de afhandeling van bezwaren; "
            f"{euro(int(run.total_budget * 100))} was beschikbaar voor deze verdeling."
        )
    if run.method == "ranked" and code in grounds.COMPETED:
        says.append("De aanvragen in deze ronde zijn gerangschikt naar hun totaal aantal punten")
        says.append(f"Uw aanvraag staat op plaats {line.rank} van de {ranked_count} aanvragen.")
    if policy["pots"] and line.pot:
        pot = next(p for p in policy["pots"] if p["name"] == line.pot)
        network = Network.objects.get(code=pot["network"]).name if pot["network"] else None
        says.append(f"Uw aanvraag viel onder het deelplafond ‘{pot['name']}’ van {euro(pot['budget'])},")
        if network:
            says.append(f"bestemd voor leden van {network}.")
    if g.get("pot") and line.pot and g["pot"] != line.pot and code != "pro_rata":
        says.append(
            f"Ook uw aanvraag ging, voor het deel dat deelplafond ‘{line.pot}’ niet kon honoreren, naar "
            f"deelplafond ‘{g['pot']}’."
        )
    if code == "full":
        says.append("Er was voldoende geld voor uw hele aanvraag.")
        assert awarded == requested
    elif code == "reserved":
        assert awarded == g["reservation"] < requested
        says.append(f"is in deze ronde {euro(g['reservation'])} gereserveerd.")
        says.append(f"Dat bedrag is het maximum voor uw aanvraag; u vroeg {euro(requested)}.")
    elif code == "capped":
        assert awarded == g["cap"] and g["cap_pct"] is not None
        base = "het bedrag dat na de reserve beschikbaar was" if policy["reserve"] else "het subsidieplafond"
        says.append(
            f"maximum per aanvraag van {number(g['cap_pct']).removesuffix(',00')}% van {base} "
            f"({euro(policy['ceiling'])}): {euro(g['cap'])}. U vroeg {euro(requested)}. Ik ken het maximum toe."
        )
    elif code == "partial":
        assert awarded == g["left"]
        says.append(
            f"resteerde van {_pot_phrase(g)} nog {euro(g['left'])}. Dat is minder dan de {euro(g['wanted'])} die "
            "voor uw aanvraag nodig was: bij uw aanvraag raakte het geld op."
        )
    elif code == "skipped":
        count = g["funded_below"]
        says.append(f"resteerde van {_pot_phrase(g)} nog {euro(g['left'])}. Dat is minder dan de {euro(g['wanted'])}")
        says.append("Volgens de regels van deze ronde krijgt een aanvraag die niet meer past niets")
        says.append(
            f"Daardoor kregen {count} lager geplaatste aanvragen die wel pasten nog een bijdrage."
            if count > 1
            else "Daardoor kreeg 1 lager geplaatste aanvraag die wel paste nog een bijdrage."
            if count == 1
            else "Geen van de lager geplaatste aanvragen paste nog."
        )
    elif code == "budget_exhausted":
        pot = _pot_phrase(g)
        says.append(f"{pot[0].upper()}{pot[1:]} raakte op bij de aanvraag op plaats {g['cutoff_rank']}.")
        says.append("Voor uw aanvraag, die later aan de beurt was, resteerde niets.")
    elif code == "tie":
        says.append(f"Zij heeft {number(g['points'])} punten, evenveel als")
        for other in g["against"]:
            rival = AllocationLine.objects.select_related("application__municipality").get(
                run=run, application__reference=other["reference"]
            )
            name = rival.application.municipality.name
            says.append(f"de aanvraag van {name} ({other['reference']})")
            if other["by"] == "need_score":
                says.append(
                    f"De aanvraag van {name} heeft een behoeftescore van {number(other['need_score'])}, uw aanvraag "
                    f"{number(g['need_score'])}: die aanvraag ging voor."
                )
            else:
                says.append(f"De loting plaatste de aanvraag van {name} voor uw aanvraag.")
                says.append(f"lotingsgetal {policy['seed']} van deze ronde")
        says.append(
            f"Toen de aanvragen met {number(g['points'])} punten aan de beurt kwamen, resteerde van {_pot_phrase(g)} "
            f"nog {euro(g['left_at_tie'])}."
        )
        if g["then"] == "partial":
            assert awarded == g["left"]
            says.append(
                f"resteerde voor uw aanvraag {euro(g['left'])}: minder dan de {euro(g['wanted'])} die nodig was."
            )
    elif code == "pro_rata":
        ratios = {pot["name"]: pot["ratio"] for pot in run.pot_totals}
        for name, cents in line.funded_from.items():
            if name != g["pot"]:  # a pot before the last, with its own ratio (of the request)
                says.append(
                    f"(naar rato): {number(Decimal(ratios[name]) * 100, 4)}%. Voor uw aanvraag was dat {euro(cents)}."
                )
        says.append(f"(naar rato): {number(Decimal(g['ratio']) * 100, 4)}%")
        says.append(f"U ontvangt {euro(awarded)}: {number(g['share'])}% van de {euro(requested)} die u vroeg.")
    elif code == "below_minimum":
        assert g["source"] == "assessment" and g["measure"] == "reviewer_score"
        says.append(
            f"Uw beoordelingsscore is {number(g['score'])}. Dat is minder dan het minimum van "
            f"{number(g['minimum'])} dat de beoordeling van deze ronde stelt."
        )
    elif code == "no_reservation":
        says.append(f"Voor het gebied ‘{g['area']}’ van uw gemeente is geen bedrag gereserveerd.")
    else:
        raise AssertionError(f"the demo has no letter of ground {code}")
    return says


def check_letters(variant: Variant, *, every: bool = True) -> dict[str, int]:
    """Render the letters of the approved run and check each against its line; returns the grounds seen.

    ``every``: every letter (the demo's own runs); otherwise, to keep the module fast, one letter for each
    ground, outcome and pot (the variations of a policy), while every line's letter content is still checked.
    """
    decisions = _approve(variant)
    run = variant.run
    lines = list(AllocationLine.objects.filter(run=run))
    assert len(decisions) == len(lines) > 0
    ranked_count = sum(1 for line in lines if line.included and line.rank is not None)
    awb = run.call.scheme.kind in (Scheme.Kind.SUBSIDY, Scheme.Kind.FUND)
    seen: dict[str, int] = {}
    printed = set()
    for decision in decisions:
        line = decision.line
        code = line.ground["code"]
        seen[code] = seen.get(code, 0) + 1
        g = line.ground
        kind = (code, decision.outcome, g.get("pot"), line.pot, g.get("then"), min(g.get("funded_below", 0), 2))
        if not every and kind in printed:
            content = letter_content(decision, services.texts_for(decision.application.call), letter_date=SEND_ON)
            assert content.motivation.ground.code == code
            continue
        printed.add(kind)
        content, text = _text(decision)
        assert content.motivation.ground.code == code  # the letter's data is the stored ground
        for sentence in expected_sentences(line, decision, run, ranked_count):
            assert sentence in text, f"{decision.number} ({code}) lacks: {sentence}\n{text}"
        # The published ceiling, never the ceiling minus the reserve, is "the" ceiling.
        if run.reserve:
            assert f"plafond van deze aanvraagronde is {euro(int(run.total_budget * 100))}" not in text
        refused_on_ceiling = awb and code in ON_THE_CEILING and decision.amount < line.requested
        assert ("artikel 4:25, tweede lid" in text) is refused_on_ceiling, decision.number
        # One reason: the false "the money ran out" only where the money did run out at or before this line.
        ran_out = "raakte op" in text or "raakte het geld op" in text
        assert ran_out is (code in ("partial", "budget_exhausted")), decision.number
        if run.method != "ranked":
            assert "plaats" not in text and "gerangschikt" not in text and "raakte op" not in text
        # Amounts per theme and year as stored (whole euros where the policy rounds to euros).
        whole_euros = run.parameters["policy"]["unit"] == 100
        for split in line.splits.all():
            if split.awarded:
                assert format_euro(split.awarded) in text
                if whole_euros:  # the demo budgets in whole euros, so the fund's euros split into euros
                    assert format_euro(split.awarded).endswith(",00"), (decision.number, split.awarded)
    return seen


def test_every_letter_of_the_leefbaarheidsfonds_states_its_pot_and_ground(demo):
    seen = check_letters(demo[FUND])
    assert {"full", "partial", "budget_exhausted"} <= set(seen)


def test_every_spuk_letter_states_the_reservation_and_no_awb_ground(demo):
    seen = check_letters(demo[SPUK])
    assert seen == {"reserved": 20}


def test_every_vhf_letter_states_the_cap_the_tie_and_the_minimum(demo):
    seen = check_letters(demo[VHF])
    assert {"capped", "tie", "below_minimum", "budget_exhausted"} <= set(seen)
    assert seen["below_minimum"] == 3


def test_skip_letters_say_the_money_left_and_the_funded_lower_ranked_requests(demo):
    seen = check_letters(demo["skip"], every=False)
    assert seen.get("skipped", 0) > 0
    skipped = AllocationLine.objects.filter(run=demo["skip"].run, reason="skipped")
    assert any(line.ground["funded_below"] > 0 for line in skipped)  # the case a lawyer asks about
    # What the letters say about the funded requests below a skipped one is what the run did.
    run = demo["skip"].run
    lines = list(AllocationLine.objects.filter(run=run))
    for line in lines:
        if line.ground["code"] == "skipped":
            pot = line.ground["pot"]
            below = [o for o in lines if o.rank and o.rank > line.rank and (o.funded_from or {}).get(pot, 0) > 0]
            assert line.ground["funded_below"] == len(below)


def test_pro_rata_letters_state_the_ratio_the_share_and_the_reserve_and_no_rank(demo):
    seen = check_letters(demo["pro_rata"], every=False)
    assert seen.get("pro_rata", 0) > 0


def test_a_tie_broken_by_the_lottery_names_the_seed_and_the_cap_is_of_the_ceiling_minus_the_reserve(demo):
    seen = check_letters(demo["lottery"], every=False)
    assert seen.get("tie") and seen.get("capped")
    tie = AllocationLine.objects.get(run=demo["lottery"].run, reason="tie")
    assert {other["by"] for other in tie.ground["against"]} == {"lottery"}


def test_an_area_without_a_reservation_is_refused_with_that_reason(demo):
    seen = check_letters(demo["no_reservation"], every=False)
    assert seen == {"reserved": 19, "no_reservation": 1}
