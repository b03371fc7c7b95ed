"""The administrator's pages: overviews, portfolio, run exports and jobs; permissions, audit, query counts."""

from decimal import Decimal

import pytest

from accounts.models import AuditEvent
from accounts.templatetags.portal import format_euro
from allocations.exports.models import ExportJob
from allocations.runs.models import RunStatus
from applications.models import Status
from tests.allocations.final_runs import export_run
from tests.factories import ApplicationFactory


def page_urls(run):
    return [
        "/beheer/overzichten/",
        "/beheer/overzichten/portefeuille/",
        f"/beheer/overzichten/rondes/{run.call_id}/",
        f"/beheer/overzichten/rondes/{run.call_id}/publicatie/csv/",
        f"/beheer/verdelingen/{run.pk}/exports/",
        f"/beheer/verdelingen/{run.pk}/exports/csv_nl/",
    ]


def content(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def test_call_overview_shows_totals_ratio_networks_provinces_points_and_pipeline(administrator_client, final_run):
    call = final_run.call
    ApplicationFactory(call=call, status=Status.DRAFT, requested_amount=Decimal("999999.00"))
    response = administrator_client.get(f"/beheer/overzichten/rondes/{call.pk}/")
    assert response.status_code == 200
    html = response.content.decode()
    overview = response.context["overview"]
    # Drafts are not requests yet; the four decided applications are.
    assert overview.requested == final_run.total_requested
    assert overview.awarded == final_run.total_awarded
    assert overview.oversubscription == (final_run.total_requested / call.budget).quantize(Decimal("0.01"))
    networks = dict(overview.per_network)
    assert networks["M50"].count == 4 and networks["NPLV"].count == 2 and networks["geen netwerk"].count == 0
    assert networks["M50"].awarded == final_run.total_awarded
    assert dict(overview.pipeline)["Concept"] == 1
    assert dict(overview.pipeline)["Beschikking verzonden"] == 2
    assert len(overview.points) == 4
    for chart_id in ("per-netwerk", "per-provincie", "punten-bedrag", "pijplijn"):
        assert f'id="{chart_id}"' in html and f'id="{chart_id}-table"' in html
    assert "€ 373.457,11" in html  # 250.000,33 + 123.456,78, the Dutch way
    assert f"/beheer/verdelingen/{final_run.pk}/exports/" in html


def test_call_without_final_run_has_no_scatter_and_no_exports(administrator_client, db):
    draft = export_run(status=RunStatus.DRAFT)
    html = administrator_client.get(f"/beheer/overzichten/rondes/{draft.call_id}/").content.decode()
    assert 'id="punten-bedrag"' not in html
    assert "nog geen definitieve verdeling" in html
    assert f"/beheer/verdelingen/{draft.pk}/exports/" not in html
    # A draft is not exported: the exports page refuses it with the same message as every export (409 in the API).
    response = administrator_client.get(f"/beheer/verdelingen/{draft.pk}/exports/", follow=True)
    assert response.redirect_chain[0] == (f"/beheer/overzichten/rondes/{draft.call_id}/", 302)
    assert "Alleen de besluiten van een definitieve verdeling" in response.content.decode()


def test_portfolio_lists_awards_per_municipality_and_filters_by_network(administrator_client, final_run):
    response = administrator_client.get("/beheer/overzichten/portefeuille/")
    portfolio = response.context["portfolio"]
    assert portfolio.total == final_run.total_awarded
    assert len(portfolio.municipalities) == 2
    assert portfolio.years == [2026]
    html = response.content.decode()
    assert 'id="per-netwerk-per-jaar"' in html
    nplv_only = administrator_client.get("/beheer/overzichten/portefeuille/?network=NPLV").context["portfolio"]
    assert [m.networks for m in nplv_only.municipalities] == [["NPLV", "M50"]]
    assert administrator_client.get("/beheer/overzichten/portefeuille/?year=2025").context["portfolio"].total == 0
    in_2026 = administrator_client.get("/beheer/overzichten/portefeuille/?year=2026").context["portfolio"]
    assert in_2026.total == final_run.total_awarded


def test_portfolio_says_why_its_networks_add_up_to_more_than_the_total(administrator_client, final_run, settings):
    """A municipality in NPLV and M50 counts in both: the page says so beside the network totals (issue 18)."""
    response = administrator_client.get("/beheer/overzichten/portefeuille/")
    portfolio = response.context["portfolio"]
    assert portfolio.network_sum > portfolio.total == final_run.total_awarded
    html = response.content.decode()
    note = html[html.index('id="netwerken-noot"') : html.index('id="per-netwerk-per-jaar"')]
    assert "Een gemeente die in meer netwerken zit, telt in elk van die netwerken mee." in note
    assert f"netwerken samen ({format_euro(portfolio.network_sum)}) meer dan het totaal toegekend" in note
    assert f"({format_euro(portfolio.total)})" in note
    # Filtered to one network, nothing counts twice: the note does not claim it does.
    nplv = administrator_client.get("/beheer/overzichten/portefeuille/?network=NPLV&year=2026")
    assert "telt in elk van die netwerken mee" in nplv.content.decode()
    overview = administrator_client.get(f"/beheer/overzichten/rondes/{final_run.call_id}/").content.decode()
    assert "de netwerken samen kunnen daarom meer zijn dan het totaal" in overview
    administrator_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    english = administrator_client.get("/beheer/overzichten/portefeuille/").content.decode()
    assert "A municipality in more than one network counts in each of those networks." in english
    assert "That is why the networks together" in english


def test_portfolio_ignores_bad_filters(administrator_client, final_run):
    response = administrator_client.get("/beheer/overzichten/portefeuille/?network=XYZ&year=abc")
    assert response.status_code == 200
    assert response.context["portfolio"].total == final_run.total_awarded
    assert response.context["form"].errors


def test_page_downloads_are_audited(administrator_client, administrator, final_run):
    data = content(administrator_client.get(f"/beheer/verdelingen/{final_run.pk}/exports/csv_nl/"))
    assert data.startswith("\ufeff".encode())
    content(administrator_client.get(f"/beheer/overzichten/rondes/{final_run.call_id}/publicatie/xlsx/"))
    verbs = sorted(AuditEvent.objects.filter(actor=administrator).values_list("verb", flat=True))
    assert verbs == ["export.decisions", "export.publication"]


def test_a_large_run_is_exported_by_a_job_from_the_page(
    administrator_client, final_run, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr("allocations.exports.services.DIRECT_MAX_LINES", 2)
    page = administrator_client.get(f"/beheer/verdelingen/{final_run.pk}/exports/").content.decode()
    assert "op de achtergrond gemaakt" in page
    assert f"/beheer/verdelingen/{final_run.pk}/exports/csv/" not in page
    with django_capture_on_commit_callbacks(execute=True):
        response = administrator_client.post(f"/beheer/verdelingen/{final_run.pk}/exporttaak/", {"format": "xlsx"})
    job = ExportJob.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/beheer/exporttaken/{job.pk}/"
    status = administrator_client.get(response["Location"]).content.decode()
    assert f"/beheer/exporttaken/{job.pk}/download/" in status
    download = administrator_client.get(f"/beheer/exporttaken/{job.pk}/download/")
    assert download.status_code == 200 and content(download)[:2] == b"PK"
    # Direct download of a run that is too large is refused with a message, and not audited.
    refused = administrator_client.get(f"/beheer/verdelingen/{final_run.pk}/exports/csv/")
    assert refused.status_code == 302
    assert not AuditEvent.objects.filter(verb="export.decisions", data__job__isnull=True).exists()


def test_a_running_job_page_refreshes_itself(administrator_client, final_run, administrator):
    job = ExportJob.objects.create(run=final_run, format="csv", requested_by=administrator, progress=40)
    html = administrator_client.get(f"/beheer/exporttaken/{job.pk}/").content.decode()
    assert '<meta http-equiv="refresh"' in html and 'value="40"' in html
    assert administrator_client.get(f"/beheer/exporttaken/{job.pk}/download/").status_code == 302


@pytest.mark.parametrize("client_fixture", ["officer_client", "reviewer_client"])
def test_other_roles_get_403_on_every_page(request, client_fixture, final_run, administrator):
    job = ExportJob.objects.create(run=final_run, format="csv", requested_by=administrator)
    client = request.getfixturevalue(client_fixture)
    urls = [*page_urls(final_run), f"/beheer/exporttaken/{job.pk}/", f"/beheer/exporttaken/{job.pk}/download/"]
    for url in urls:
        assert client.get(url).status_code == 403, url
    assert client.post(f"/beheer/verdelingen/{final_run.pk}/exporttaak/", {"format": "csv"}).status_code == 403
    assert ExportJob.objects.count() == 1
    assert not AuditEvent.objects.filter(verb__startswith="export.").exists()


def test_anonymous_is_sent_to_log_in(client, final_run):
    for url in page_urls(final_run):
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"], url


def test_unknown_objects_are_404(administrator_client, final_run):
    missing = final_run.pk + 999
    for url in (
        f"/beheer/overzichten/rondes/{missing}/",
        f"/beheer/overzichten/rondes/{missing}/publicatie/csv/",
        f"/beheer/verdelingen/{missing}/exports/",
        f"/beheer/verdelingen/{missing}/exports/csv/",
        f"/beheer/verdelingen/{final_run.pk}/exports/pdf/",
        f"/beheer/exporttaken/{missing}/",
    ):
        assert administrator_client.get(url).status_code == 404, url


def test_nav_links_the_overviews_for_administrators_only(administrator_client, officer_client):
    assert 'href="/beheer/overzichten/"' in administrator_client.get("/context/").content.decode()
    assert 'href="/beheer/overzichten/"' not in officer_client.get("/context/").content.decode()


@pytest.mark.parametrize(
    "path",
    ["/beheer/overzichten/rondes/{call}/", "/beheer/overzichten/portefeuille/", "/beheer/overzichten/"],
)
def test_query_counts_do_not_grow_with_the_applications(administrator_client, count_queries, path):
    def queries(run):
        return count_queries(administrator_client, path.format(call=run.call_id), warm=True)

    small = queries(export_run(lines=2))
    assert queries(export_run(lines=10)) == small


def test_overview_in_english(administrator_client, final_run, settings):
    administrator_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    html = administrator_client.get(f"/beheer/overzichten/rondes/{final_run.call_id}/").content.decode()
    assert "Requested and awarded per network" in html
    assert "Points against amount awarded" in html
