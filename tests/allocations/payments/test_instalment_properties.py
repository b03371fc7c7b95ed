"""Property: whatever the split of an award over themes and years and whatever the letter's date, its
instalments add up to the award to the cent, one per year with money, due inside their own year (or four
weeks after a letter dated after it), numbered in the order of the years; stored, the same holds."""

import datetime

import pytest
from django.db import transaction
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from accounts.models import Municipality
from accounts.money import cents, euros
from allocations.letters.models import Letter
from allocations.payments import services
from allocations.payments.models import Instalment
from allocations.payments.schedule import payment_schedule
from allocations.runs.models import AllocationLine, Decision, LineSplit, Outcome
from applications.models import Application, Status, Theme
from tests.allocations.final_runs import letter_run
from tests.allocations.letters.batch import SEND_DAY

splits = st.lists(st.tuples(st.integers(2024, 2032), st.integers(0, 5_000_000_000)), min_size=1, max_size=12).filter(
    lambda parts: sum(amount for _year, amount in parts) > 0
)
letter_dates = st.dates(datetime.date(2024, 1, 1), datetime.date(2032, 12, 31))


@given(splits, letter_dates)
@example([(2027, 100)], datetime.date(2027, 12, 31))  # that year's instalment is due the day of the letter
@example([(2024, 100), (2025, 100)], datetime.date(2025, 12, 4))  # a past year's after the letter's own year's
def test_the_schedule_adds_up_to_the_award_to_the_cent(parts, letter_date):
    schedule = payment_schedule(parts, letter_date)
    assert sum(p.cents for p in schedule) == sum(amount for _year, amount in parts)
    assert [p.sequence for p in schedule] == list(range(1, len(schedule) + 1))
    assert [p.year for p in schedule] == sorted({year for year, _c in parts if sum(c for y, c in parts if y == year)})
    assert all(p.cents > 0 for p in schedule)
    for p in schedule:
        assert p.cents == sum(c for y, c in parts if y == p.year)
        if letter_date.year <= p.year:
            assert datetime.date(p.year, 1, 1) <= p.due_on <= datetime.date(p.year, 12, 31)
        else:
            assert p.due_on == letter_date + datetime.timedelta(weeks=4)
    assert all(p.due_on >= letter_date for p in schedule)  # never before the letter (a letter of 31 December: that day)


def test_a_negative_split_is_refused():
    with pytest.raises(ValueError):
        payment_schedule([(2027, 100), (2028, -1)], datetime.date(2027, 3, 15))


@pytest.fixture
def final_run(administrator):

    return letter_run(count=1, by=administrator, prefix="H")


CELLS = st.lists(st.tuples(st.integers(2027, 2029), st.integers(0, 2_000_000_00)), min_size=1, max_size=6)


@pytest.mark.django_db
@settings(max_examples=30, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(cells=CELLS.filter(lambda c: sum(amount for _y, amount in c) > 0), letter_date=letter_dates)
def test_stored_instalments_add_up_to_the_award(final_run, administrator, cells, letter_date):
    """A sent award split over ``cells`` (theme, year) is stored as instalments that add up to it, to the cent
    (each example in a transaction that is rolled back)."""
    themes = list(Theme.objects.filter(scheme=final_run.call.scheme).order_by("order"))
    municipality = Municipality.objects.first()
    with transaction.atomic():
        total = sum(amount for _year, amount in cells)
        application = Application.objects.create(
            call=final_run.call,
            municipality=municipality,
            reference="H-PROP",
            area_name="Eigenschap",
            title="Eigenschap",
            status=Status.AWARDED,
            requested_amount=euros(total),
            created_by=administrator,
            updated_by=administrator,
        )
        line = AllocationLine.objects.create(
            run=final_run,
            application=application,
            requested=euros(total),
            ceiling=euros(total),
            awarded=euros(total),
            reason="full",
            ground={"code": "full"},
        )
        seen = set()
        for index, (year, amount) in enumerate(cells):
            theme = themes[index % len(themes)]
            if (theme.pk, year) in seen:
                continue  # one split per theme and year
            seen.add((theme.pk, year))
            LineSplit.objects.create(line=line, theme=theme, year=year, requested=euros(amount), awarded=euros(amount))
        total = sum(cents(split.awarded) for split in line.splits.all())
        if total == 0:
            transaction.set_rollback(True)
            return
        decision = Decision.objects.create(
            application=application,
            run=final_run,
            line=line,
            number="H-PROP-1",
            outcome=Outcome.AWARDED,
            amount=euros(total),
            decided_at=SEND_DAY,
            decided_by=administrator,
        )
        Letter.objects.create(
            decision=decision,
            version=1,
            file="letters/h.pdf",
            sha256="0" * 64,
            size=1,
            amount=decision.amount,
            letter_date=letter_date,
            sent_at=SEND_DAY,
        )
        Decision.objects.filter(pk=decision.pk).update(sent_at=SEND_DAY)
        made = services.schedule_instalments(decisions=[decision], by=administrator)
        stored = list(Instalment.objects.filter(decision=decision).order_by("sequence"))
        assert made == len(stored) == len({s.year for s in line.splits.all() if s.awarded})
        assert sum(cents(i.amount) for i in stored) == cents(decision.amount)
        assert services.schedule_instalments(decisions=[decision], by=administrator) == 0  # once
        transaction.set_rollback(True)
