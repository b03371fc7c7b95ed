"""The database keeps a breakdown's total equal to its parts, to the hundredth, on SQLite as on PostgreSQL."""

from decimal import Decimal as D

import pytest
from django.db import IntegrityError, transaction

from applications.models import PointsBreakdown
from tests.factories import ApplicationFactory

pytestmark = pytest.mark.django_db


def _breakdown(reviewer: str, need: str, bonus: str, total: str) -> PointsBreakdown:
    return PointsBreakdown.objects.create(
        application=ApplicationFactory(),
        reviewer_score=D(reviewer),
        need_score=D(need),
        bonus_score=D(bonus),
        total=D(total),
        review_count=1,
    )


@pytest.mark.parametrize(
    "parts", [("1.01", "0.13", "0.00", "1.14"), ("0.10", "0.20", "0.00", "0.30"), ("46.50", "10.00", "10.00", "66.50")]
)
def test_a_total_equal_to_its_parts_is_stored(parts):
    # 1,01 + 0,13 and 0,1 + 0,2 are not 1,14 and 0,3 in binary floating point, as SQLite adds them.
    stored = _breakdown(*parts)
    stored.refresh_from_db()
    assert stored.total == stored.reviewer_score + stored.need_score + stored.bonus_score


@pytest.mark.parametrize("total", ["1.13", "1.15", "0.00"])
def test_a_total_that_differs_by_a_hundredth_is_refused(total):
    with pytest.raises(IntegrityError), transaction.atomic():
        _breakdown("1.01", "0.13", "0.00", total)
    assert not PointsBreakdown.objects.exists()
