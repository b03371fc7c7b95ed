"""Loading reference data: exact counts, idempotent re-loads, and bad rows rejected without half-loading."""

import io

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from accounts.importers import ImportFailed, load_indicator_values, load_memberships, load_municipalities
from accounts.models import Indicator, IndicatorValue, Membership, Municipality, Network

pytestmark = pytest.mark.django_db


def _load(**kwargs):
    out = io.StringIO()
    call_command("load_reference_data", stdout=out, **kwargs)
    return out.getvalue()


def test_load_counts_and_every_membership_resolves():
    output = _load()
    assert Municipality.objects.count() == 342
    assert Membership.objects.count() == 88
    per_network = {
        code: Membership.objects.filter(network__code=code).count()
        for code in Network.objects.values_list("code", flat=True)
    }
    assert per_network == {"NPLV": 20, "M50": 61, "NEW_TOWN": 7}
    assert Membership.objects.filter(network__code="NPLV").values("municipality").distinct().count() == 19
    assert Membership.objects.filter(municipality__isnull=True).count() == 0
    nieuwegein = Municipality.objects.get(cbs_code="GM0356")
    assert set(nieuwegein.memberships.values_list("network__code", flat=True)) == {"NPLV", "M50", "NEW_TOWN"}
    amsterdam = Municipality.objects.get(cbs_code="GM0363")
    assert amsterdam.inhabitants == 931_298
    areas = set(amsterdam.memberships.values_list("area_name", flat=True))
    assert areas == {"Amsterdam Zuidoost", "Amsterdam Nieuw-West"}
    assert sum(Municipality.objects.values_list("inhabitants", flat=True)) == 17_942_942
    assert "gemeenten: 342 in bestand, 342 nieuw" in output


def test_reload_is_idempotent():
    _load()
    before = list(Membership.objects.order_by("pk").values())
    output = _load()
    assert Municipality.objects.count() == 342
    assert list(Membership.objects.order_by("pk").values()) == before
    assert "342 ongewijzigd" in output
    assert "88 ongewijzigd" in output


def test_reload_updates_a_changed_value_in_place(tmp_path):
    _load()
    changed = tmp_path / "municipalities.csv"
    rows = (settings.REFERENCE_DATA_DIR / "municipalities.csv").read_text(encoding="utf-8")
    rows = rows.replace("GM0363,Amsterdam,Noord-Holland,931298", "GM0363,Amsterdam,Noord-Holland,931300")
    changed.write_text(rows, encoding="utf-8")
    output = _load(municipalities=changed)
    assert Municipality.objects.get(cbs_code="GM0363").inhabitants == 931_300
    assert "1 bijgewerkt" in output


BAD_MUNICIPALITIES = """cbs_code,name,province,population,population_year
GM0001,Goedstad,Utrecht,1000,2024
GM12,Kortcode,Utrecht,1000,2024
GM0003,Friesstad,Friesland,1000,2024
GM0004,Telfout,Utrecht,veel,2024
GM0001,Dubbel,Utrecht,1000,2024
"""


def test_bad_municipality_rows_are_reported_by_line_and_nothing_is_loaded():
    with pytest.raises(ImportFailed) as excinfo:
        load_municipalities(io.StringIO(BAD_MUNICIPALITIES), "gemeenten.csv")
    errors = excinfo.value.errors
    assert "gemeenten.csv, regel 3: ongeldige CBS-code 'GM12' (verwacht GM en vier cijfers)." in errors
    assert "gemeenten.csv, regel 4: onbekende provincie 'Friesland'." in errors
    assert "gemeenten.csv, regel 5: aantal inwoners 'veel' is geen positief geheel getal." in errors
    assert "gemeenten.csv, regel 6: CBS-code GM0001 komt twee keer voor." in errors
    assert Municipality.objects.count() == 0


def test_membership_file_with_unknown_municipality_rolls_back_the_whole_command(tmp_path):
    bad = tmp_path / "memberships.csv"
    bad.write_text(
        "cbs_code,name,network,area_name,valid_from,source\n"
        "GM0356,Nieuwegein,M50,,2023-04,test\n"
        "GM9999,Nergensdorp,M50,,2023-04,test\n"
        "GM0356,Nieuwegein,M51,,2023-04,test\n"
        "GM0356,Nieuwegein,NPLV,Centrum,april,test\n",
        encoding="utf-8",
    )
    with pytest.raises(CommandError) as excinfo:
        _load(memberships=bad)
    message = str(excinfo.value)
    assert "Niets geladen" in message
    assert "memberships.csv, regel 3: gemeente GM9999 bestaat niet" in message
    assert "memberships.csv, regel 4: onbekend netwerk 'M51'" in message
    assert "memberships.csv, regel 5: datum 'april' is geen geldige datum" in message
    # The municipalities of the same command were not half-loaded either.
    assert Municipality.objects.count() == 0
    assert Membership.objects.count() == 0


def test_missing_columns_are_named():
    with pytest.raises(ImportFailed) as excinfo:
        load_memberships(io.StringIO("cbs_code,network\nGM0356,M50\n"), "lid.csv")
    assert "kolommen ontbreken: name, area_name, valid_from, source" in excinfo.value.errors[0]


def test_indicator_import_is_validated_and_idempotent():
    _load()
    good = (
        "indicator,cbs_code,year,value\n"
        "leefbaarometer_weak_or_lower,GM0356,2024,41.5\n"
        'social_assistance,GM0356,2024,"7,25"\n'
    )
    report = load_indicator_values(io.StringIO(good), "ind.csv")
    assert report.created == 2
    again = load_indicator_values(io.StringIO(good), "ind.csv")
    assert (again.created, again.unchanged) == (0, 2)
    assert str(IndicatorValue.objects.get(indicator__code="social_assistance").value) == "7.250"

    bad = (
        "indicator,cbs_code,year,value\n"
        "armoede,GM0356,2024,10\n"
        "social_assistance,GM9999,2024,10\n"
        "social_assistance,GM0356,twee,10\n"
        "social_assistance,GM0344,2024,140\n"
        "social_assistance,GM0344,2024,abc\n"
    )
    with pytest.raises(ImportFailed) as excinfo:
        load_indicator_values(io.StringIO(bad), "ind.csv")
    errors = "\n".join(excinfo.value.errors)
    assert "regel 2: onbekende indicator 'armoede'" in errors
    assert "regel 3: gemeente GM9999 bestaat niet" in errors
    assert "regel 4: jaar 'twee' is geen geldig jaar" in errors
    assert "regel 5: percentage 140 ligt niet tussen 0 en 100" in errors
    assert "regel 6: waarde 'abc' is geen getal" in errors
    assert IndicatorValue.objects.count() == 2
    assert Indicator.objects.count() == 3


def test_import_indicators_command(tmp_path):
    _load()
    path = tmp_path / "ind.csv"
    path.write_text("indicator,cbs_code,year,value\nsocial_assistance,GM0363,2024,9.1\n", encoding="utf-8")
    out = io.StringIO()
    call_command("import_indicators", str(path), "--source", "CBS 2024", stdout=out)
    assert "1 nieuw" in out.getvalue()
    value = IndicatorValue.objects.get()
    assert (value.source, value.is_demo) == ("CBS 2024", False)
