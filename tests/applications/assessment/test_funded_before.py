"""The bonus for "not funded before" reads the earlier decisions' money: a sent refusal is not funding."""

import pytest
from django.utils import timezone

from applications.assessment import points
from applications.models import Application, Call, Status
from tests.allocations.final_runs import letter_run

pytestmark = pytest.mark.django_db


def _later_call_of(call) -> Call:
    return Call(scheme=call.scheme, opens_at=timezone.now())


@pytest.mark.parametrize("status", [None, Status.LETTER_SENT])
def test_only_a_decision_with_money_counts_as_funded_before(status):
    run = letter_run(count=3)  # rank 1 a full award, rank 2 a partial one, rank 3 refused
    if status is not None:
        Application.objects.filter(call=run.call).update(status=status)
    lines = {line.rank: line.application for line in run.lines.select_related("application")}
    later = _later_call_of(run.call)
    assert points.funded_before(later, lines[1].municipality_id)
    assert points.funded_before(later, lines[2].municipality_id)
    assert not points.funded_before(later, lines[3].municipality_id)
    # The same call, or one that opened before it, does not count.
    assert not points.funded_before(run.call, lines[1].municipality_id)
