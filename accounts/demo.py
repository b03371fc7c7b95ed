"""Demo people and plausible demo indicator values; used by ``seed_demo`` only."""

from __future__ import annotations

import base64
import hashlib
import random
from dataclasses import dataclass
from decimal import Decimal

from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP
from django.db import transaction

from accounts import audit
from accounts.importers import ensure_indicators
from accounts.models import IndicatorValue, Membership, Municipality, Network, Role, User

DEMO_PASSWORD = "Demo-wachtwoord-2026"  # noqa: S105 - printed on purpose; demo mode only
DEMO_DOMAIN = "demo.nplv.example"
DEMO_INDICATOR_YEAR = 2024


@dataclass(frozen=True)
class DemoAccount:
    email: str
    full_name: str
    role: str
    cbs_code: str | None = None


DEMO_ACCOUNTS = [
    DemoAccount(f"aanvrager.nieuwegein@{DEMO_DOMAIN}", "Noor Vermeulen", Role.OFFICER, "GM0356"),
    DemoAccount(f"aanvrager.amsterdam@{DEMO_DOMAIN}", "Sem de Wit", Role.OFFICER, "GM0363"),
    DemoAccount(f"aanvrager.helmond@{DEMO_DOMAIN}", "Fenna Hendriks", Role.OFFICER, "GM0794"),
    DemoAccount(f"aanvrager.denhelder@{DEMO_DOMAIN}", "Daan Smit", Role.OFFICER, "GM0400"),
    DemoAccount(f"beoordelaar1@{DEMO_DOMAIN}", "Lotte Bakker", Role.REVIEWER),
    DemoAccount(f"beoordelaar2@{DEMO_DOMAIN}", "Milan Jansen", Role.REVIEWER),
    DemoAccount(f"beheerder1@{DEMO_DOMAIN}", "Eva Visser", Role.ADMINISTRATOR),
    DemoAccount(f"beheerder2@{DEMO_DOMAIN}", "Thomas Mulder", Role.ADMINISTRATOR),
]


def demo_totp_secret(email: str) -> str:
    """A fixed secret per demo account, so the printed secret stays valid across re-seeding."""
    digest = hashlib.sha256(f"nplv-demo-totp:{email}".encode()).digest()[:20]
    return base64.b32encode(digest).decode()


def seed_accounts() -> list[tuple[User, str | None]]:
    """Create (or reset) the demo accounts; ministry accounts get a pre-enrolled authenticator."""
    result = []
    for account in DEMO_ACCOUNTS:
        municipality = Municipality.objects.get(cbs_code=account.cbs_code) if account.cbs_code else None
        with transaction.atomic():
            user = User.objects.filter(email=account.email).first()
            if user is None:
                user = User(
                    email=account.email,
                    role=account.role,
                    municipality=municipality,
                    full_name=account.full_name,
                )
                user.set_password(DEMO_PASSWORD)
                user.save()
                audit.record(actor=None, verb="user.invited", target=user, data={"demo": True, "role": account.role})
            elif not user.check_password(DEMO_PASSWORD):
                user.set_password(DEMO_PASSWORD)
                user.save(update_fields=["password"])
            secret = None
            if user.is_ministry:
                secret = demo_totp_secret(user.email)
                if not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists():
                    TOTP.activate(user, secret)
        result.append((user, secret))
    return result


def seed_indicator_values(seed: int = 2026) -> int:
    """Plausible values for every municipality, higher in NPLV areas; labelled as demo data."""
    indicators = ensure_indicators()
    rng = random.Random(seed)  # noqa: S311 - demo data, not security
    nplv = set(Membership.objects.filter(network__code=Network.NPLV).values_list("municipality__cbs_code", flat=True))
    ranges = {
        "leefbaarometer_weak_or_lower": ((30, 60), (0, 22)),
        "households_below_poverty_line": ((8, 16), (2, 9)),
        "social_assistance": ((6, 12), (1.5, 6)),
    }
    existing = set(
        IndicatorValue.objects.filter(year=DEMO_INDICATOR_YEAR).values_list("indicator__code", "municipality_id")
    )
    to_create = []
    for municipality in Municipality.objects.order_by("cbs_code"):
        high = municipality.cbs_code in nplv
        for code, (nplv_range, other_range) in ranges.items():
            low, top = nplv_range if high else other_range
            value = Decimal(str(round(rng.uniform(low, top), 1)))
            if (code, municipality.pk) in existing:
                continue
            to_create.append(
                IndicatorValue(
                    indicator=indicators[code],
                    municipality=municipality,
                    year=DEMO_INDICATOR_YEAR,
                    value=value,
                    is_demo=True,
                    source="Demogegevens, gegenereerd door seed_demo",
                )
            )
    IndicatorValue.objects.bulk_create(to_create)
    return len(to_create)


# Plausible but invented postal addresses for the letters; every one is marked ``address_is_demo``.
DEMO_ADDRESSES = {
    "GM0356": ("Postbus 9100", "3430 PA", "Nieuwegein"),
    "GM0363": ("Postbus 90200", "1000 AE", "Amsterdam"),
    "GM0794": ("Postbus 950", "5700 AZ", "Helmond"),
    "GM0400": ("Postbus 9010", "1780 GA", "Den Helder"),
}


def seed_demo_addresses() -> int:
    """Give every municipality without a postal address a demo one, so every letter has an address."""
    updated = []
    for municipality in Municipality.objects.filter(postal_address="").order_by("cbs_code"):
        code = municipality.cbs_code
        digest = int(hashlib.sha256(code.encode()).hexdigest(), 16)
        address, postal_code, city = DEMO_ADDRESSES.get(
            code,
            (
                f"Postbus {1000 + digest % 9000}",
                f"{1000 + digest % 9000:04d} {'ABCDEGHJ'[digest % 8]}A",
                municipality.name,
            ),
        )
        municipality.postal_address = address
        municipality.postal_code = postal_code
        municipality.postal_city = city
        municipality.address_is_demo = True
        updated.append(municipality)
    Municipality.objects.bulk_update(
        updated, ["postal_address", "postal_code", "postal_city", "address_is_demo"], batch_size=500
    )
    return len(updated)
