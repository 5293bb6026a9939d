"""The workbooks through the generic document downloads (page `rmf:document`, API `GET /api/v1/
authorizations/<id>/documents/<kind>.xlsx`): every persona who may see the system gets each
workbook, streamed; everybody else the same 404; anonymous callers sign in first (page) or get
401 (API). A matrix asked for before the control set is selected says why."""

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from tests.test_rmf_cycles import cycle_in_implement, started_cycle
from workbench.exports import XLSX_TYPE

READERS = {"admin", "member", "assessor", "authorizing_official", "viewer"}
WORKBOOKS = {
    "ssp": ("control-matrix", "Controls"),
    "sar": ("assessment-results", "Results by objective"),
    "poam": ("poam", "Open POA&M Items"),
    "inventory": ("inventory", "Inventory"),
}


def page_url(cycle, kind):
    return reverse("rmf:document", kwargs={"pk": cycle.pk, "kind": kind, "document_format": "xlsx"})


def api_url(cycle, kind):
    return f"/api/v1/authorizations/{cycle.pk}/documents/{kind}.xlsx"


def opened(response):
    assert response.streaming
    return load_workbook(io.BytesIO(b"".join(response.streaming_content)))


@pytest.fixture
def cycle(personas):
    return cycle_in_implement(personas)


def test_every_persona_gets_the_workbooks_from_the_page_or_the_same_404(client, personas, cycle):
    for name, user in personas.all_signed_in().items():
        client.force_login(user)
        for kind, (slug, sheet) in WORKBOOKS.items():
            response = client.get(page_url(cycle, kind))
            if name not in READERS:
                assert response.status_code == 404, (name, kind)
                continue
            assert response.status_code == 200, (name, kind)
            assert response["Content-Type"] == XLSX_TYPE
            assert response["Content-Disposition"] == (
                f'attachment; filename="TSC-cycle1-{slug}.xlsx"'
            )
            assert sheet in opened(response).sheetnames
    client.logout()
    response = client.get(page_url(cycle, "ssp"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_every_persona_gets_the_workbooks_from_the_api_or_the_same_404(api_client, personas, cycle):
    for name, user in personas.all_signed_in().items():
        api_client.force_authenticate(user)
        for kind, (_, sheet) in WORKBOOKS.items():
            response = api_client.get(api_url(cycle, kind))
            if name not in READERS:
                assert response.status_code == 404, (name, kind)
                continue
            assert response.status_code == 200, (name, kind)
            assert response["Content-Type"] == XLSX_TYPE
            assert sheet in opened(response).sheetnames
    api_client.force_authenticate(None)
    assert api_client.get(api_url(cycle, "poam")).status_code == 401


def test_the_matrix_before_the_control_set_says_why(client, api_client, personas):
    cycle = started_cycle(personas)
    client.force_login(personas.member)
    response = client.get(page_url(cycle, "ssp"), follow=True)
    assert response.redirect_chain[-1][0] == reverse("rmf:authorization_detail", args=[cycle.pk])
    assert "select the control set" in response.content.decode()
    api_client.force_authenticate(personas.member)
    response = api_client.get(api_url(cycle, "ssp"))
    assert response.status_code == 400
    assert "select the control set" in response.json()["detail"][0]
    # The inventory does not wait for the control set.
    assert api_client.get(api_url(cycle, "inventory")).status_code == 200
