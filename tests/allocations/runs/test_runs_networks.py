"""A municipality's networks are those on the call's closing date, read once (``accounts.networks``): the run
page, the call overview, the portfolio and the export give the same network totals, also for a membership
that ended before the call closed."""

import csv
import datetime
import io
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import Membership
from accounts.networks import NETWORK_LABELS, NO_NETWORK, groups, networks_on, ordered
from allocations.exports import services as exports
from allocations.runs import services
from tests.allocations.runs.builders import allocation_call, network, reviewed

pytestmark = pytest.mark.django_db

M50 = NETWORK_LABELS["M50"]
NONE = str(NETWORK_LABELS[NO_NETWORK])


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def final_run(administrator, second_administrator, start):
    """Three funded applications: a current M50 member, a former one (its membership ended the week before
    the call closed) and one in no network."""
    call = allocation_call(budget=Decimal("1000000.00"))
    member = reviewed(call, requested=Decimal("150000.00"), total=Decimal("80"), networks=("M50",))
    former = reviewed(call, requested=Decimal("200000.00"), total=Decimal("70"), networks=("M50",))
    reviewed(call, requested=Decimal("120000.00"), total=Decimal("60"))
    Membership.objects.filter(municipality=former.municipality).update(
        valid_to=timezone.localdate(call.closes_at) - datetime.timedelta(days=7)
    )
    run = start(call, administrator)
    run = services.approve_run(run=run, by=second_administrator)
    run.member, run.former = member, former
    return run


def _csv_totals(run, administrator) -> dict[str, tuple[int, Decimal]]:
    """Per network label in the export's "Netwerken" column: (applications, awarded)."""
    export = exports.export_decisions(run=run, by=administrator, fmt="csv")
    text = b"".join(export.chunks).decode("utf-8-sig")
    totals: dict[str, tuple[int, Decimal]] = {}
    for row in csv.DictReader(io.StringIO(text)):
        for name in row["Netwerken"].split(", ") if row["Netwerken"] else [NONE]:
            count, awarded = totals.get(name, (0, Decimal("0")))
            totals[name] = (count + 1, awarded + Decimal(row["Toegekend"]))
    return totals


def test_an_ended_membership_gives_the_same_network_totals_everywhere(final_run, administrator):
    member, former = final_run.member, final_run.former
    client = client_for(administrator)
    in_m50 = (1, member.decision.amount)
    assert former.decision.amount > 0  # the former member got money too: where it counts is what is tested

    run_page = client.get(reverse("run_detail", args=[final_run.pk])).context["summary"].per_network
    assert (run_page["M50"].count, run_page["M50"].awarded) == in_m50
    assert run_page["M50"].label == M50
    assert run_page[NO_NETWORK].count == 2

    overview = dict(client.get(reverse("call_overview", args=[final_run.call_id])).context["overview"].per_network)
    assert (overview[M50].count, overview[M50].awarded) == in_m50
    assert overview[NONE].count == 2

    portfolio = client.get(reverse("portfolio")).context["portfolio"]
    assert sum(portfolio.per_network_year[M50].values()) == in_m50[1]
    assert sum(portfolio.per_network_year[NONE].values()) == final_run.total_awarded - in_m50[1]
    rows = {row.municipality.pk: row.networks for row in portfolio.municipalities}
    assert rows[member.municipality_id] == [M50] and rows[former.municipality_id] == []
    only_m50 = client.get(reverse("portfolio"), {"network": "M50"}).context["portfolio"]
    assert [row.municipality.pk for row in only_m50.municipalities] == [member.municipality_id]

    exported = _csv_totals(final_run, administrator)
    assert exported[M50] == in_m50
    assert exported[NONE][0] == 2


def test_networks_on_a_day_follow_one_order_and_the_membership_period(db):
    call = allocation_call()
    application = reviewed(call, requested=Decimal("1000.00"), total=Decimal("50"), networks=("NEW_TOWN", "NPLV"))
    municipality = application.municipality
    Membership.objects.create(
        municipality=municipality,
        network=network("M50"),
        valid_from=datetime.date(2024, 1, 1),
        valid_to=datetime.date(2024, 12, 31),
    )
    assert networks_on([municipality.pk], on=datetime.date(2024, 12, 31)) == {
        municipality.pk: ["NPLV", "M50", "NEW_TOWN"]
    }
    assert networks_on([municipality.pk], on=datetime.date(2025, 1, 1)) == {municipality.pk: ["NPLV", "NEW_TOWN"]}
    assert networks_on([municipality.pk], on=datetime.date(2019, 12, 31)) == {}
    assert ordered(["ZZZ", "NEW_TOWN", "AAA", "NPLV"]) == ["NPLV", "NEW_TOWN", "AAA", "ZZZ"]
    assert groups([]) == [NO_NETWORK]
