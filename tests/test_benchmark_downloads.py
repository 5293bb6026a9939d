"""The benchmark report as a file, on the page (`/organizations/<pk>/csf/benchmark/report.pdf`,
`.xlsx`) and the API (`/api/v1/csf/organizations/<pk>/benchmark/report.pdf|xlsx`): the same
readers as the report, the same 404 for missing and not yours, the filters carried, a bad
filter a 400 and an unknown format a 404. (What the files hold is tested in
test_benchmark_pdf.py and test_benchmark_xlsx.py.)"""

import io

import pytest
from openpyxl import load_workbook

from tests.test_benchmark_data import assess, uniform
from tests.test_benchmark_filters import history
from workbench.exports import PDF_TYPE, XLSX_TYPE

READERS = ("member", "admin", "authorizing_official", "viewer")
NOT_READERS = ("sibling", "assessor", "outsider")


def page_file(organization, extension: str, query: str = "") -> str:
    return f"/organizations/{organization.pk}/csf/benchmark/report.{extension}{query}"


def api_file(organization, extension: str, query: str = "") -> str:
    return f"/api/v1/csf/organizations/{organization.pk}/benchmark/report.{extension}{query}"


def cells(content: bytes) -> list[str]:
    workbook = load_workbook(io.BytesIO(content))
    return [
        str(value)
        for sheet in workbook.worksheets
        for row in sheet.iter_rows(values_only=True)
        for value in row
        if value is not None
    ]


@pytest.mark.django_db
def test_only_readers_of_the_organization_download_it(client, api_client, personas):
    assess(personas.agency, 2024, uniform(3))
    for name in READERS:
        user = getattr(personas, name)
        client.force_login(user)
        response = client.get(page_file(personas.agency, "xlsx"))
        assert response.status_code == 200, name
        assert response["Content-Type"] == XLSX_TYPE
        assert 'attachment; filename="' in response["Content-Disposition"]
        api_client.force_authenticate(user)
        assert api_client.get(api_file(personas.agency, "xlsx")).status_code == 200, name
    for name in NOT_READERS:
        user = getattr(personas, name)
        client.force_login(user)
        assert client.get(page_file(personas.agency, "xlsx")).status_code == 404, name
        api_client.force_authenticate(user)
        assert api_client.get(api_file(personas.agency, "xlsx")).status_code == 404, name
    client.force_login(personas.member)
    assert client.get(page_file(personas.sibling_agency, "xlsx")).status_code == 404
    assert client.get("/organizations/999999/csf/benchmark/report.xlsx").status_code == 404
    client.logout()
    response = client.get(page_file(personas.agency, "xlsx"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    api_client.force_authenticate(None)
    assert api_client.get(api_file(personas.agency, "xlsx")).status_code in (401, 403)


@pytest.mark.django_db
def test_the_pdf_is_a_pdf_of_the_report(client, api_client, personas):
    history(personas)
    client.force_login(personas.member)
    response = client.get(page_file(personas.agency, "pdf", "?year_from=2023"))
    assert response.status_code == 200 and response["Content-Type"] == PDF_TYPE
    assert response.content.startswith(b"%PDF")
    assert "-csf-benchmark-2023-2024.pdf" in response["Content-Disposition"]
    api_client.force_authenticate(personas.member)
    response = api_client.get(api_file(personas.agency, "pdf", "?from=2023"))
    assert response.status_code == 200 and response.content.startswith(b"%PDF")


@pytest.mark.django_db
def test_the_filters_are_carried_into_the_file(client, api_client, personas):
    history(personas)
    client.force_login(personas.member)
    response = client.get(page_file(personas.agency, "xlsx", "?framework=1.1&peer_group=state"))
    text = cells(response.content)
    assert "-csf-benchmark-2022.xlsx" in response["Content-Disposition"]  # one year alone
    assert any(cell.startswith("CSF 1.1 assessments only") for cell in text)
    assert any(cell.startswith(f"Every other agency of {personas.state.name}") for cell in text)
    api_client.force_authenticate(personas.member)
    response = api_client.get(api_file(personas.agency, "xlsx", "?framework=2.0"))
    assert any(cell == "CSF 2.0 assessments only" for cell in cells(response.content))


@pytest.mark.django_db
def test_a_bad_filter_is_a_400_and_an_unknown_format_a_404(client, api_client, personas):
    client.force_login(personas.member)
    response = client.get(page_file(personas.agency, "xlsx", "?year_from=2024&year_to=2020"))
    assert response.status_code == 400
    assert "The first year must not be after the last year." in response.content.decode()
    assert client.get(page_file(personas.agency, "docx")).status_code == 404
    api_client.force_authenticate(personas.member)
    response = api_client.get(api_file(personas.agency, "xlsx", "?peer_group=nation"))
    assert response.status_code == 400 and "peer_group" in response.json()
    assert api_client.get(api_file(personas.agency, "docx")).status_code == 404
