"""Money between the database (Decimal euros, two places) and the engine (integer cents): one conversion each
way, exact, never through a float."""

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from accounts.money import cents, euros


def test_cents_and_euros_convert_exactly():
    assert cents(Decimal("1234.56")) == 123456
    assert cents(Decimal("0.01")) == 1
    assert cents("250000.33") == 25000033
    assert cents(7) == 700
    assert cents(None) is None
    assert euros(123456) == Decimal("1234.56")
    assert str(euros(100)) == "1.00"  # two places, as the database stores it
    assert str(euros("-5")) == "-0.05"
    assert euros(None) is None


@given(st.integers(min_value=-(10**15), max_value=10**15))
def test_a_round_trip_keeps_every_cent(amount):
    assert cents(euros(amount)) == amount
    assert euros(amount) == Decimal(amount) / 100
