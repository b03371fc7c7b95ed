"""Money between its two forms: ``Decimal`` euros with two places in the database, integer cents in the engine,
the run's snapshot and the published rules. The one conversion each way; never through a float."""

from __future__ import annotations

from decimal import Decimal
from typing import overload


@overload
def cents(amount: None) -> None: ...


@overload
def cents(amount: Decimal | int | str) -> int: ...


def cents(amount: Decimal | int | str | None) -> int | None:
    """Euros as integer cents (``Decimal("1234.56")`` → ``123456``); None stays None. An amount is stored with
    two places, so nothing is rounded away; a third place rounds half to even."""
    if amount is None:
        return None
    return int((Decimal(amount) * 100).to_integral_value())


@overload
def euros(amount_cents: None) -> None: ...


@overload
def euros(amount_cents: int | str) -> Decimal: ...


def euros(amount_cents: int | str | None) -> Decimal | None:
    """Integer cents as euros with two places (``123456`` → ``Decimal("1234.56")``, ``100`` → ``"1.00"``)."""
    if amount_cents is None:
        return None
    return Decimal(int(amount_cents)).scaleb(-2)
