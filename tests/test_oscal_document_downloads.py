"""The generic document downloads (page `rmf:document` and API `GET /api/v1/authorizations/
<id>/documents/<kind>.<format>`), served from the document registry for every persona: those
who may see the system get the file, everybody else the same 404; anonymous callers are sent
to sign in (page) or get 401 (API)."""

import json

import pytest
from django.urls import reverse

from rmf.documents import _DOCUMENTS, DocumentSpec, register_document
from tests.test_rmf_cycles import cycle_in_implement, started_cycle

pytestmark = pytest.mark.django_db

READERS = {"admin", "member", "assessor", "authorizing_official", "viewer"}


def page_url(cycle, kind="ssp", document_format="json"):
    return reverse(
        "rmf:document", kwargs={"pk": cycle.pk, "kind": kind, "document_format": document_format}
    )


def api_url(cycle, kind="ssp", document_format="json"):
    return f"/api/v1/authorizations/{cycle.pk}/documents/{kind}.{document_format}"


@pytest.fixture
def cycle(personas):
    return cycle_in_implement(personas)


def test_every_persona_gets_the_page_download_or_the_same_404(client, personas, cycle):
    assert page_url(cycle) == f"/authorizations/{cycle.pk}/documents/ssp.json"
    for name, user in personas.all_signed_in().items():
        client.force_login(user)
        response = client.get(page_url(cycle))
        if name in READERS:
            assert response.status_code == 200, name
            assert response["Content-Disposition"] == (
                'attachment; filename="TSC-cycle1-ssp.oscal.json"'
            )
            assert "system-security-plan" in json.loads(response.content)
        else:
            assert response.status_code == 404, name
    client.logout()
    response = client.get(page_url(cycle))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_every_persona_gets_the_api_download_or_the_same_404(api_client, personas, cycle):
    for name, user in personas.all_signed_in().items():
        api_client.force_authenticate(user)
        response = api_client.get(api_url(cycle))
        if name in READERS:
            assert response.status_code == 200, name
            assert response["Content-Type"] == "application/json"
            assert json.loads(response.content)["system-security-plan"]["metadata"]
        else:
            assert response.status_code == 404, name
    api_client.force_authenticate(None)
    assert api_client.get(api_url(cycle)).status_code == 401


def test_an_unknown_document_or_cycle_is_a_404(client, api_client, personas, cycle):
    client.force_login(personas.member)
    api_client.force_authenticate(personas.member)
    assert client.get(page_url(cycle, "memo", "json")).status_code == 404
    assert client.get(page_url(cycle, "ssp", "docx")).status_code == 404
    assert api_client.get(api_url(cycle, "memo", "json")).status_code == 404
    cycle.pk += 10_000
    assert client.get(page_url(cycle)).status_code == 404
    assert api_client.get(api_url(cycle)).status_code == 404


def test_a_document_that_cannot_be_built_yet_says_why(client, api_client, personas):
    cycle = started_cycle(personas)  # no controls selected yet
    client.force_login(personas.member)
    response = client.get(page_url(cycle), follow=True)
    assert response.redirect_chain[-1][0] == reverse("rmf:authorization_detail", args=[cycle.pk])
    assert "select the control set" in response.content.decode()
    api_client.force_authenticate(personas.member)
    response = api_client.get(api_url(cycle))
    assert response.status_code == 400
    assert "select the control set" in response.json()["detail"][0]


def test_a_background_document_is_not_built_in_the_request(client, api_client, personas, cycle):
    def render(authorization):
        raise AssertionError("a background document must not be rendered in the request")

    spec = register_document(DocumentSpec("test-bundle", "pdf", "Test bundle", render, True))
    try:
        api_client.force_authenticate(personas.member)
        assert api_client.get(api_url(cycle, spec.kind, "pdf")).status_code == 409
        client.force_login(personas.member)
        response = client.get(page_url(cycle, spec.kind, "pdf"))
        assert response.status_code == 302
    finally:
        del _DOCUMENTS[(spec.kind, spec.format)]
