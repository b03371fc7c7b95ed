"""factory_boy factories for the whole test suite."""

import datetime
from decimal import Decimal

import factory
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.utils import timezone

from accounts.models import Membership, Municipality, Network, Role, User
from applications.models import Application, BudgetLine, Call, RequiredAttachment, Scheme, Theme

PASSWORD = "Een-lang-testwachtwoord-42"


def free_cbs_code(n: int, *, first: int = 9000) -> str:
    """A CBS code of the form GM9xxx (GM8xxx with ``first=8000``) that no municipality in the database has yet:
    no real municipality has one, and a test process that has made a thousand wraps round, skipping the codes
    still in use (a module's shared data), instead of growing past the column's six characters."""
    for step in range(1000):
        code = f"GM{first + (n + step) % 1000:04d}"
        if not Municipality.objects.filter(cbs_code=code).exists():
            return code
    raise RuntimeError(f"no free CBS code left in GM{first}–GM{first + 999}")


class MunicipalityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Municipality
        django_get_or_create = ["cbs_code"]

    cbs_code = factory.Sequence(free_cbs_code)
    name = factory.Sequence(lambda n: f"Testgemeente {n}")
    province = "Utrecht"
    inhabitants = 50_000
    inhabitants_year = 2024


class NetworkFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Network
        django_get_or_create = ["code"]

    code = Network.M50
    name = factory.LazyAttribute(lambda o: o.code)


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    municipality = factory.SubFactory(MunicipalityFactory)
    network = factory.SubFactory(NetworkFactory)
    area_name = ""
    valid_from = datetime.date(2022, 1, 1)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"persoon{n}@example.nl")
    full_name = factory.Sequence(lambda n: f"Persoon {n}")
    role = Role.OFFICER
    municipality = factory.Maybe(
        factory.LazyAttribute(lambda o: o.role == Role.OFFICER), factory.SubFactory(MunicipalityFactory), None
    )

    @factory.post_generation
    def password(obj, create, extracted, **kwargs):
        obj.set_password(extracted or PASSWORD)
        if create:
            obj.save()

    @factory.post_generation
    def totp(obj, create, extracted, **kwargs):
        """Ministry users get an authenticator unless totp=False; the secret is kept on the object."""
        wants = obj.role != Role.OFFICER if extracted is None else extracted
        if create and wants:
            obj.totp_secret = generate_totp_secret()
            TOTP.activate(obj, obj.totp_secret)


class OfficerFactory(UserFactory):
    role = Role.OFFICER


class ReviewerFactory(UserFactory):
    role = Role.REVIEWER


class AdministratorFactory(UserFactory):
    role = Role.ADMINISTRATOR


class SchemeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Scheme

    code = factory.Sequence(lambda n: f"regeling-{n}")
    name = factory.Sequence(lambda n: f"Regeling {n}")
    legal_basis = "Regeling testfonds, artikel 2"


class ThemeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Theme

    scheme = factory.SubFactory(SchemeFactory)
    name = factory.Sequence(lambda n: f"Thema {n}")


class CallFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Call

    scheme = factory.SubFactory(SchemeFactory)
    code = factory.Sequence(lambda n: f"ronde-{n}")
    title = factory.Sequence(lambda n: f"Aanvraagronde {n}")
    opens_at = factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(days=7))
    closes_at = factory.LazyFunction(lambda: timezone.now() + datetime.timedelta(days=30))
    budget = Decimal("10000000.00")
    year_from = 2027
    year_to = 2029


class UpcomingCallFactory(CallFactory):
    """A call whose window opens in a week: its rules may still be set up and corrected (Awb 4:27)."""

    opens_at = factory.LazyFunction(lambda: timezone.now() + datetime.timedelta(days=7))
    closes_at = factory.LazyFunction(lambda: timezone.now() + datetime.timedelta(days=37))


class RequiredAttachmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RequiredAttachment

    call = factory.SubFactory(CallFactory)
    name = factory.Sequence(lambda n: f"Verplichte bijlage {n}")


class ApplicationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Application

    call = factory.SubFactory(CallFactory)
    municipality = factory.SubFactory(MunicipalityFactory)
    reference = factory.Sequence(lambda n: f"AV-{n:05d}")
    title = factory.Sequence(lambda n: f"Plan {n}")
    created_by = factory.SubFactory(OfficerFactory, municipality=factory.SelfAttribute("..municipality"))
    updated_by = factory.SelfAttribute("created_by")


class BudgetLineFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = BudgetLine

    application = factory.SubFactory(ApplicationFactory)
    theme = factory.SubFactory(ThemeFactory, scheme=factory.SelfAttribute("..application.call.scheme"))
    year = factory.LazyAttribute(lambda o: o.application.call.year_from)
    amount = Decimal("100000.00")


def complete_application(**kwargs) -> Application:
    """A draft that meets every submission rule of its (open, unrestricted) call."""
    application = ApplicationFactory(
        goals="Minder schooluitval en meer ontmoeting in de wijk.",
        approach="Wijkteams, brede school en een buurthuis met vaste openingstijden.",
        partners="Woningcorporatie, basisscholen, GGD, politie.",
        residents_involvement="Een bewonersraad kiest mee en beoordeelt de voortgang.",
        requested_amount=Decimal("300000.00"),
        cofinancing_amount=Decimal("100000.00"),
        cofinancing_sources="Gemeentebegroting",
        **kwargs,
    )
    theme = ThemeFactory(scheme=application.call.scheme)
    BudgetLineFactory(
        application=application, theme=theme, year=application.call.year_from, amount=Decimal("200000.00")
    )
    BudgetLineFactory(
        application=application, theme=theme, year=application.call.year_from + 1, amount=Decimal("100000.00")
    )
    return application


class CriterionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "applications.Criterion"

    call = factory.SubFactory(CallFactory)
    name = factory.Sequence(lambda n: f"Criterium {n}")
    guidance = "Hoe goed sluit het plan aan bij de doelen van de regeling?"
    weight = Decimal("1.00")
    order = factory.Sequence(lambda n: n)


def submitted_application(officer, **kwargs) -> Application:
    """A complete application, submitted by the officer."""
    from applications import services

    application = complete_application(municipality=officer.municipality, created_by=officer, **kwargs)
    services.submit_application(application=application, by=officer)
    application.refresh_from_db()
    return application
