"""Demo schemes and calls; used by ``seed_demo`` only."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from accounts.models import Network
from applications.models import Application, Call, RequiredAttachment, Scheme, Theme

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
    """Two schemes with an open call each, their rules published the day before they opened. Dates are
    relative to today, so the demo always has open calls."""
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
                "prefix": "LBF27",
            },
        )
        if created:
            fund_call.eligible_networks.set(Network.objects.filter(code__in=[Network.M50, Network.NEW_TOWN]))
            _publish(fund_call)
            RequiredAttachment.objects.create(
                call=fund_call,
                name="Plan van aanpak",
                order=1,
                description="Het plan met doelen, aanpak, planning en monitoring.",
            )
            RequiredAttachment.objects.create(
                call=fund_call,
                name="Collegebesluit",
                order=2,
                description="Het besluit van het college van B&W om aan te vragen.",
            )
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
                "prefix": "SPUK27",
                "attachment_formats": Call.AttachmentFormats.PDF_OFFICE,
            },
        )
        if created:
            spuk_call.eligible_networks.set(Network.objects.filter(code=Network.NPLV))
            _publish(spuk_call)
            RequiredAttachment.objects.create(
                call=spuk_call,
                name="Wijkplan focusgebied",
                order=1,
                description="Het uitvoeringsplan voor het focusgebied.",
            )
    return [fund_call, spuk_call]


def _demo_pdf(title: str) -> bytes:
    from weasyprint import HTML

    return HTML(string=f"<h1>{title}</h1><p>Demodocument, gegenereerd door seed_demo.</p>").write_pdf()


def seed_applications() -> int:
    """A few applications in different states, made through the services so the history is real."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from accounts.models import User
    from applications import services
    from applications.attachments import add_attachment

    fund = Call.objects.get(code="leefbaarheidsfonds-2027-tranche-1")
    spuk = Call.objects.get(code="spuk-kansrijke-wijk-2027")
    created = 0
    plans = [
        # (officer e-mail, call, title, area, submit?)
        ("aanvrager.helmond@demo.nplv.example", fund, "Helmond-Noord: samen sterker in de wijk", "", True),
        (
            "aanvrager.amsterdam@demo.nplv.example",
            spuk,
            "Zuidoost: kansrijk opgroeien",
            "Amsterdam Zuidoost",
            True,
        ),
        ("aanvrager.nieuwegein@demo.nplv.example", fund, "Nieuwegein: leefbare Centrale As", "", False),
    ]
    for email, call, title, area, submit in plans:
        officer = User.objects.get(email=email)
        if Application.objects.filter(call=call, municipality=officer.municipality, area_name=area).exists():
            continue
        application = services.start_application(call=call, by=officer, title=title, area_name=area)
        created += 1
        services.update_application(
            application=application,
            by=officer,
            data={
                "goals": "Meer bewoners voelen zich veilig en thuis in de wijk; minder jongeren vallen uit op school.",
                "approach": "Een wijkteam met vaste gezichten, een brede school en een buurthuis dat elke dag open is.",
                "partners": "" if not submit else "Woningcorporatie, basisscholen, GGD, politie en welzijnswerk.",
                "residents_involvement": "" if not submit else "Een bewonersraad beslist mee over de besteding.",
            },
        )
        if not submit:
            continue
        themes = list(call.scheme.themes.order_by("order")[:2])
        amount = Decimal("900000.00") if call == fund else Decimal("6000000.00")
        lines = [
            {"theme": theme.pk, "year": year, "amount": amount / (len(themes) * len(call.years))}
            for theme in themes
            for year in call.years
        ]
        services.update_application(
            application=application,
            by=officer,
            data={
                "requested_amount": sum((line["amount"] for line in lines), Decimal("0")),
                "cofinancing_amount": amount * Decimal("0.30"),
                "cofinancing_sources": "Gemeentebegroting en bijdrage woningcorporatie",
            },
        )
        services.replace_budget_lines(application=application, by=officer, lines=lines)
        for requirement in call.required_attachments.all():
            upload = SimpleUploadedFile(f"{requirement.name}.pdf", _demo_pdf(requirement.name))
            add_attachment(application=application, by=officer, upload=upload, requirement=requirement)
        services.submit_application(application=application, by=officer)
    return created


CRITERIA = [
    ("Aansluiting bij de doelen", "Draagt het plan aantoonbaar bij aan leefbaarheid en veiligheid?", "3"),
    ("Effectiviteit van de aanpak", "Is de aanpak bewezen of goed onderbouwd?", "3"),
    ("Lokale alliantie", "Werken de belangrijke partners mee, met afspraken?", "2"),
    ("Betrokkenheid van bewoners", "Beslissen bewoners echt mee?", "2"),
]
BANDS = {
    "leefbaarometer_weak_or_lower": [("10", "3"), ("25", "6"), ("40", "10")],
    "households_below_poverty_line": [("6", "2"), ("10", "4")],
    "social_assistance": [("4", "2"), ("8", "4")],
}


def _rules(call: Call) -> None:
    """The call's assessment rules: settings, criteria, need bands and bonus rules (left alone when present)."""
    from accounts.importers import ensure_indicators
    from applications.models import AssessmentSettings, BonusRule, Criterion, NeedBand

    indicators = ensure_indicators()
    AssessmentSettings.objects.get_or_create(
        call=call,
        defaults={
            "reviewers_per_application": 2,
            "need_reference_year": 2024,
            "min_reviewer_score": Decimal("40"),
            "review_deadline": call.closes_at + datetime.timedelta(days=42),
        },
    )
    if not call.criteria.exists():
        for order, (name, guidance, weight) in enumerate(CRITERIA, start=1):
            Criterion.objects.create(call=call, name=name, guidance=guidance, weight=Decimal(weight), order=order)
    if not call.need_bands.exists():
        for code, steps in BANDS.items():
            for threshold, points in steps:
                NeedBand.objects.create(
                    call=call, indicator=indicators[code], threshold=Decimal(threshold), points=Decimal(points)
                )
    if not call.bonus_rules.exists():
        networks = {n.code: n for n in Network.objects.all()}
        if call.code.startswith("spuk"):
            BonusRule.objects.create(
                call=call,
                kind=BonusRule.Kind.NETWORK,
                network=networks[Network.NPLV],
                label="NPLV-focusgebied",
                points=Decimal("5"),
            )
        else:
            for code, label in ((Network.M50, "Lid van M50"), (Network.NEW_TOWN, "Lid van de New Town Alliantie")):
                BonusRule.objects.create(
                    call=call, kind=BonusRule.Kind.NETWORK, network=networks[code], label=label, points=Decimal("3")
                )
        BonusRule.objects.create(
            call=call,
            kind=BonusRule.Kind.NOT_FUNDED_BEFORE,
            label="Niet eerder gefinancierd binnen de regeling",
            points=Decimal("5"),
            min_reviewer_score=Decimal("50"),
        )


def _publish(call: Call) -> None:
    """Set up the call's rules and publish them as on the day before its window opened (the demo's calls are
    dated relative to today, so that day may lie in the past: the service takes it as its clock)."""
    from applications.published_rules.services import record_version

    _rules(call)
    record_version(call=call, by=None, now=call.opens_at - datetime.timedelta(days=1))


def seed_upcoming_call(today: datetime.date | None = None) -> Call:
    """A call that opens in three weeks, its rules published and corrected once (two versions): officers can
    preview their points before the window opens, and administrators can still change its rules."""
    from applications.models import NeedBand
    from applications.published_rules.services import record_version

    today = today or timezone.localdate()
    fund = Scheme.objects.get(code="leefbaarheidsfonds-m50-2027")
    call, created = Call.objects.get_or_create(
        code="leefbaarheidsfonds-2027-tranche-2",
        defaults={
            "scheme": fund,
            "title": "Leefbaarheidsfonds 2027 – tweede tranche",
            "description": "Opent binnenkort. Open voor leden van M50 en de New Town Alliantie. De regels voor de "
            "verdeling zijn al gepubliceerd.",
            "opens_at": _at(today + datetime.timedelta(days=21), 9),
            "closes_at": _at(today + datetime.timedelta(days=90), 17),
            "budget": Decimal("15000000.00"),
            "year_from": 2028,
            "year_to": 2030,
            "min_cofinancing_pct": Decimal("25.00"),
            "max_per_application": Decimal("1200000.00"),
            "prefix": "LBF27B",
        },
    )
    if created:
        call.eligible_networks.set(Network.objects.filter(code__in=[Network.M50, Network.NEW_TOWN]))
        published = timezone.now() - datetime.timedelta(days=7)
        _rules(call)
        poverty = NeedBand.objects.filter(call=call, indicator__code="households_below_poverty_line")
        lowest = poverty.order_by("threshold").first()
        # Version 1 had a typing error in the lowest poverty band (16 instead of 6); the correction, still
        # before the opening, made version 2.
        NeedBand.objects.filter(pk=lowest.pk).update(threshold=Decimal("16"))
        record_version(call=call, by=None, now=published)
        NeedBand.objects.filter(pk=lowest.pk).update(threshold=Decimal("6"))
        record_version(call=call, by=None, now=published + datetime.timedelta(days=2))
    return call


def seed_assessment() -> int:
    """Reviewers on the submitted applications (one review already in, so the demo shows a queue and a
    half-finished assessment). The calls' criteria, need bands and bonus rules were published with them."""
    from accounts.models import User
    from applications.assessment import services as assessment
    from applications.models import ReviewAssignment

    administrator = User.objects.get(email="beheerder1@demo.nplv.example")
    first, second = (User.objects.get(email=f"beoordelaar{i}@demo.nplv.example") for i in (1, 2))
    created = 0
    for application in Application.objects.filter(status=Application.Status.SUBMITTED).order_by("pk"):
        if ReviewAssignment.objects.filter(application=application).exists():
            continue
        for reviewer in (first, second):
            assessment.assign_reviewer(application=application, reviewer=reviewer, by=administrator)
            created += 1
        assignment = ReviewAssignment.objects.get(application=application, reviewer=second)
        scores = {
            c.pk: {"score": 7 + (c.order % 2), "motivation": "Goed onderbouwd plan met concrete afspraken."}
            for c in application.call.criteria.all()
        }
        assessment.save_review(
            assignment=assignment,
            by=second,
            scores=scores,
            overall_comment="Sterk plan; let op de planning van het eerste jaar.",
        )
        assessment.submit_review(assignment=assignment, by=second)
    return created
