"""The context page: the NPLV monitor as small line charts with their tables, for every signed-in role."""

import xml.etree.ElementTree as ET

import pytest
from django.urls import reverse

from allocations.exports.selectors import MONITOR_INDICATORS, monitor_indicators

URL = "/context/"


def test_url_name():
    assert reverse("context") == URL


@pytest.mark.parametrize("client_fixture", ["officer_client", "reviewer_client", "administrator_client"])
def test_every_role_sees_the_monitor_charts(request, client_fixture):
    response = request.getfixturevalue(client_fixture).get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    indicators = monitor_indicators()
    assert len(indicators) == 18
    assert html.count('role="img"') == len(indicators)
    assert html.count('<table class="utrecht-table nplv-table nplv-chart__table"') == len(indicators)
    # Dutch labels, Dutch decimals: Leefbaarometer 'zwak' or lower, NPLV 60.35% in 2018.
    assert "Woningen in een gebied met Leefbaarometer-score ‘zwak’ of lager" in html
    assert "60,35%" in html and "14,11%" in html
    assert 'href="/context/" aria-current="page"' in html


def test_each_chart_is_valid_svg_linked_to_its_table(administrator_client):
    html = administrator_client.get(URL).content.decode()
    start = html.index("<svg")
    end = html.index("</svg>", start) + len("</svg>")
    root = ET.fromstring(  # noqa: S314 - our own markup
        html[start:end]
    )
    table_id = root.get("aria-details")
    assert f'id="{table_id}"' in html
    assert root.find("{http://www.w3.org/2000/svg}title").text


def test_figures_match_the_source_file():
    poverty = next(i for i in monitor_indicators() if i.key == "households_below_poverty_line")
    assert poverty.theme == "Inkomen en schulden"
    assert [year for year, _nplv, _nl in poverty.years] == sorted(year for year, _nplv, _nl in poverty.years)
    assert set(MONITOR_INDICATORS) == {i.key for i in monitor_indicators()}


def test_english(administrator_client, settings):
    administrator_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = administrator_client.get(URL)
    html = response.content.decode()
    assert "Context: the NPLV areas in figures" in html
    assert "Households below the poverty line" in html
    assert "60.35%" in html


def test_anonymous_is_sent_to_log_in(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_inactive_user_is_refused(officer, client):
    officer.is_active = False
    officer.save()
    client.force_login(officer)
    assert client.get(URL).status_code in (302, 403)


def test_query_count_is_fixed(administrator_client, django_assert_max_num_queries):
    administrator_client.get(URL)
    # The figures come from a file: only the session, the user and the 2FA check touch the database.
    with django_assert_max_num_queries(4):
        assert administrator_client.get(URL).status_code == 200
