"""Demo schemes and calls; used by ``seed_demo`` only."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from accounts.models import Network
from applications.models import Call, Scheme, Theme

SPUK_THEMES = [
    "Re-integratie en preventie geldzorgen",
    "School en omgeving",
    "Ontwikkeling jonge kind",
    "Maatschappelijke samenhang",
    "Financiële educatie",
    "Programmaorganisatie",
]
FUND_THEMES = ["Sociale samenhang", "Veiligheid", "Fysieke leefomgeving", "Programmaorganisatie"]


def _at(day: datetime.date, hour: int) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def seed_schemes_and_calls(today: datetime.date | None = None) -> list[Call]:
    """Two schemes with an open call each. Dates are relative to today, so the demo always has open calls."""
    today = today or timezone.localdate()
    with transaction.atomic():
        fund, _ = Scheme.objects.get_or_create(
            code="leefbaarheidsfonds-m50-2027",
            defaults={
                "name": "Leefbaarheidsfonds middelgrote gemeenten 2027",
                "kind": Scheme.Kind.FUND,
                "description": "Langjarig leefbaarheidsfonds voor middelgrote gemeenten (M50) en de voormalige "
                "groeikernen van de New Town Alliantie. (Demoregeling.)",
                "legal_basis": "Regeling leefbaarheidsfonds middelgrote gemeenten 2027, artikelen 2 tot en met 9 "
                "(demoregeling), en titel 4.2 van de Algemene wet bestuursrecht.",
            },
        )
        spuk, _ = Scheme.objects.get_or_create(
            code="spuk-kansrijke-wijk-2026-2028",
            defaults={
                "name": "SPUK Kansrijke Wijk 2026–2028",
                "kind": Scheme.Kind.SPECIFIC_GRANT,
                "description": "Specifieke uitkering voor de twintig stedelijke focusgebieden van het Nationaal "
                "Programma Leefbaarheid en Veiligheid.",
                "legal_basis": "Regeling specifieke uitkering kansrijke wijk 2026–2028, op grond van artikel 17 van "
                "de Financiële-verhoudingswet.",
            },
        )
        for scheme, names in ((spuk, SPUK_THEMES), (fund, FUND_THEMES)):
            for order, name in enumerate(names, start=1):
                Theme.objects.get_or_create(scheme=scheme, name=name, defaults={"order": order})

        fund_call, created = Call.objects.get_or_create(
            code="leefbaarheidsfonds-2027-tranche-1",
            defaults={
                "scheme": fund,
                "title": "Leefbaarheidsfonds 2027 – eerste tranche",
                "description": "Open voor leden van M50 en de New Town Alliantie. Eén aanvraag per gemeente.",
                "opens_at": _at(today - datetime.timedelta(days=14), 9),
                "closes_at": _at(today + datetime.timedelta(days=60), 17),
                "budget": Decimal("20000000.00"),
                "year_from": 2027,
                "year_to": 2029,
                "min_cofinancing_pct": Decimal("25.00"),
                "max_per_application": Decimal("1500000.00"),
            },
        )
        if created:
            fund_call.eligible_networks.set(Network.objects.filter(code__in=[Network.M50, Network.NEW_TOWN]))
        spuk_call, created = Call.objects.get_or_create(
            code="spuk-kansrijke-wijk-2027",
            defaults={
                "scheme": spuk,
                "title": "SPUK Kansrijke Wijk – aanvraagronde 2027",
                "description": "Voor de NPLV-gemeenten: één aanvraag per focusgebied.",
                "opens_at": _at(today - datetime.timedelta(days=7), 9),
                "closes_at": _at(today + datetime.timedelta(days=45), 17),
                "budget": Decimal("133000000.00"),
                "year_from": 2026,
                "year_to": 2028,
                "multiple_per_municipality": True,
                "min_cofinancing_pct": Decimal("0.00"),
                "max_per_application": Decimal("12000000.00"),
            },
        )
        if created:
            spuk_call.eligible_networks.set(Network.objects.filter(code=Network.NPLV))
    return [fund_call, spuk_call]
