"""Postal addresses of municipalities, for the award letters; demo addresses are labelled as such."""

import pytest
from django.core.exceptions import ValidationError

from accounts.demo import DEMO_ADDRESSES, seed_demo_addresses
from accounts.models import Municipality
from tests.factories import MunicipalityFactory

pytestmark = pytest.mark.django_db


def test_postal_lines_follow_the_dutch_convention():
    municipality = MunicipalityFactory(postal_address="Postbus 1", postal_code="3430 AA", postal_city="Nieuwegein")
    assert municipality.postal_lines == ("Postbus 1", "3430 AA NIEUWEGEIN")
    assert MunicipalityFactory(postal_address="", postal_code="", postal_city="").postal_lines == ()


def test_a_postal_code_is_validated():
    municipality = MunicipalityFactory(postal_code="12345")
    with pytest.raises(ValidationError) as error:
        municipality.full_clean()
    assert "postal_code" in error.value.message_dict


def test_demo_addresses_fill_only_the_empty_ones_and_are_labelled():
    real = MunicipalityFactory(postal_address="Stadhuisplein 1", postal_code="1234 AB", postal_city="Echt")
    nieuwegein = MunicipalityFactory(cbs_code="GM0356", name="Nieuwegein")
    other = MunicipalityFactory()
    assert seed_demo_addresses() == 2
    nieuwegein.refresh_from_db()
    other.refresh_from_db()
    real.refresh_from_db()
    assert (nieuwegein.postal_address, nieuwegein.postal_code, nieuwegein.postal_city) == DEMO_ADDRESSES["GM0356"]
    assert nieuwegein.address_is_demo and other.address_is_demo and not real.address_is_demo
    assert real.postal_address == "Stadhuisplein 1"
    other.full_clean()  # a generated demo address is a valid address
    assert seed_demo_addresses() == 0
    assert Municipality.objects.filter(postal_address="").count() == 0
