"""A call to reconsider: the demo's tie, for the reconsideration tests."""

from decimal import Decimal

from tests.allocations.runs.builders import allocation_call, reviewed


def tie_call(reserve: str = "25000.00"):
    """The demo's tie on € 100.000 (the ceiling; the reserve on top of it): A 81 points, then B and C with 68
    each; B goes first on need and gets the last € 18.000, C nothing."""
    call = allocation_call(
        budget=Decimal("100000.00") + Decimal(reserve),
        policy={"method": "ranked", "reserve": Decimal(reserve), "tiebreak": "need_score"},
    )
    a = reviewed(call, requested=Decimal("82000.00"), total=Decimal("81.00"), need=Decimal("1.00"))
    b = reviewed(call, requested=Decimal("50000.00"), total=Decimal("68.00"), need=Decimal("9.00"))
    c = reviewed(call, requested=Decimal("30000.00"), total=Decimal("68.00"), need=Decimal("4.00"))
    return call, a, b, c
