"""The OSCAL SSP import from the Implement page and `POST /api/v1/authorizations/<id>/oscal/
ssp-import/`: planners import (or check) a file; every other persona gets the same 404 and
nothing changes; anonymous callers are sent to sign in (page) or get 401 (API)."""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from rmf.documents.oscal.ssp import ssp_document
from rmf.models import ImplementationNarrative
from tests.factories import make_system
from tests.test_rmf_cycles import TYPE_LOW, complete_implementation, cycle_in_implement

pytestmark = pytest.mark.django_db


@pytest.fixture
def files(personas):
    source = cycle_in_implement(personas, types=(TYPE_LOW,))
    complete_implementation(personas, source)
    target = cycle_in_implement(
        personas, make_system(personas.agency, "Parking Meters", "PKM"), types=(TYPE_LOW,)
    )
    return target, json.dumps(ssp_document(source)).encode()


def narratives(cycle):
    return ImplementationNarrative.objects.filter(
        implementation__selected_control__authorization=cycle
    ).count()


def upload(content, **data):
    return {"file": SimpleUploadedFile("ssp.json", content, "application/json"), **data}


def test_the_page_checks_then_imports_and_refuses_everybody_else(client, personas, files):
    target, content = files
    url = reverse("rmf:oscal_ssp_import", args=[target.pk])
    for name, user in personas.all_signed_in().items():
        if name == "member":
            continue
        client.force_login(user)
        assert client.get(url).status_code == 404, name
        assert client.post(url, upload(content)).status_code == 404, name
    client.force_login(personas.member)
    implement = client.get(reverse("rmf:implement", args=[target.pk])).content.decode()
    assert url in implement
    assert client.get(url).status_code == 200
    response = client.post(url, upload(content, dry_run="on"))
    assert response.status_code == 200 and "The file can be imported" in response.content.decode()
    assert narratives(target) == 0
    response = client.post(url, upload(b"not json"))
    assert response.status_code == 400 and "not a JSON file" in response.content.decode()
    response = client.post(url, upload(content))
    assert response.status_code == 302 and response["Location"].endswith("/implement/")
    assert narratives(target) > 149
    client.logout()
    assert client.get(url).status_code == 302


def test_the_api_imports_a_file_or_a_json_body(api_client, personas, files):
    target, content = files
    url = f"/api/v1/authorizations/{target.pk}/oscal/ssp-import/"
    for name, user in personas.all_signed_in().items():
        if name == "member":
            continue
        api_client.force_authenticate(user)
        response = api_client.post(url, upload(content), format="multipart")
        assert response.status_code == 404, name
    api_client.force_authenticate(None)
    assert api_client.post(url, upload(content), format="multipart").status_code == 401
    api_client.force_authenticate(personas.member)
    response = api_client.post(f"{url}?dry_run=true", json.loads(content), format="json")
    assert response.status_code == 200 and response.json()["dry_run"] is True
    assert narratives(target) == 0
    broken = json.loads(content)
    broken["system-security-plan"]["control-implementation"]["implemented-requirements"][0][
        "control-id"
    ] = "zz-1"
    response = api_client.post(url, broken, format="json")
    assert response.status_code == 400
    assert response.json()["problems"] == ["ZZ-1: no such control in SP 800-53 Rev 5."]
    assert narratives(target) == 0
    response = api_client.post(url, upload(content), format="multipart")
    assert response.status_code == 200, response.content
    assert response.json()["controls"] == 149 and narratives(target) > 149
