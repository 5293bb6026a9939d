"""The PDFs rendered in the request (the POA&M and the decision letter) through the generic
document downloads (page `rmf:document`, API `GET /api/v1/authorizations/<id>/documents/
<kind>.pdf`): every persona who may see the system gets them; everybody else the same 404;
anonymous callers sign in first (page) or get 401 (API). The letter before a decision says
why it cannot exist yet."""

import pytest
from django.urls import reverse

from tests.authorize_steps import cycle_in_authorize, cycle_in_monitor
from workbench.exports import PDF_TYPE

READERS = {"admin", "member", "assessor", "authorizing_official", "viewer"}
KINDS = {"poam": "poam", "decision-letter": "decision-letter"}


def page_url(cycle, kind):
    return reverse("rmf:document", kwargs={"pk": cycle.pk, "kind": kind, "document_format": "pdf"})


def api_url(cycle, kind):
    return f"/api/v1/authorizations/{cycle.pk}/documents/{kind}.pdf"


@pytest.fixture
def cycle(personas):
    return cycle_in_monitor(personas)


def test_every_persona_gets_the_pdfs_from_the_page_or_the_same_404(client, personas, cycle):
    for name, user in personas.all_signed_in().items():
        client.force_login(user)
        for kind, slug in KINDS.items():
            response = client.get(page_url(cycle, kind))
            if name not in READERS:
                assert response.status_code == 404, (name, kind)
                continue
            assert response.status_code == 200, (name, kind)
            assert response["Content-Type"] == PDF_TYPE
            assert response["Content-Disposition"] == (
                f'attachment; filename="TSC-cycle1-{slug}.pdf"'
            )
            assert response.content.startswith(b"%PDF-")
    client.logout()
    response = client.get(page_url(cycle, "poam"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_every_persona_gets_the_pdfs_from_the_api_or_the_same_404(api_client, personas, cycle):
    for name, user in personas.all_signed_in().items():
        api_client.force_authenticate(user)
        response = api_client.get(api_url(cycle, "decision-letter"))
        if name not in READERS:
            assert response.status_code == 404, name
            continue
        assert response.status_code == 200, name
        assert response["Content-Type"] == PDF_TYPE
        assert response.content.startswith(b"%PDF-")
    api_client.force_authenticate(None)
    assert api_client.get(api_url(cycle, "poam")).status_code == 401


def test_the_letter_before_a_decision_says_why(client, api_client, personas):
    cycle = cycle_in_authorize(personas)
    client.force_login(personas.member)
    response = client.get(page_url(cycle, "decision-letter"), follow=True)
    assert response.redirect_chain[-1][0] == reverse("rmf:authorization_detail", args=[cycle.pk])
    assert "no decision signed yet" in response.content.decode()
    api_client.force_authenticate(personas.member)
    response = api_client.get(api_url(cycle, "decision-letter"))
    assert response.status_code == 400
    assert "no decision signed yet" in response.json()["detail"][0]
