"""The CSF functions as a filter of rmf's control lists ("show me the Detect controls of this
system"): rmf offers a registry (`rmf.selectors.control_filters`) that `csf` fills, and the
Select step's control set, the implementation and assessment work lists and their API twins
honour it (`?csf_function=DE` for CSF 2.0, `?csf11_function=DE` for CSF 1.1), with a fixed
number of queries. A bad value is ignored by the pages' filter forms (like their other
filters) and a 400 naming the parameter on the API.

Functions per control (NIST's mappings): AT-2 PR; IA-12 PR; SI-4 ID, PR, DE (1.1: and RS);
AU-6 PR, DE (1.1: ID, PR, DE, RS); PM-11 GV, ID, DE, RC (1.1: ID); CP-9 PR, RC (1.1: PR).
SI-4(2) is not mapped itself: it takes SI-4's functions.
"""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from csf.risk_groups import csf_functions_of
from rmf.models import (
    Assessment,
    Control,
    ControlImplementation,
    ControlSelection,
    SelectedControl,
    Step,
)
from rmf.selectors.control_filters import control_filter_q, control_filters
from rmf.selectors.implementation import implementation_worklist
from tests.test_csf_coverage import cycle, select

CONTROLS = ("at-2", "ia-12", "si-4", "si-4.2", "au-6", "pm-11", "cp-9")
DETECT = {"si-4", "si-4.2", "au-6", "pm-11"}
DETECT_11 = {"si-4", "si-4.2", "au-6"}
RECOVER = {"pm-11", "cp-9"}


@pytest.fixture
def world(personas):
    authorization = cycle(personas.system, Step.ASSESS)
    ControlSelection.objects.create(authorization=authorization, baselines=["LOW"])
    for control_id in CONTROLS:
        select(authorization, control_id, "implemented")
    assessment = Assessment.objects.create(authorization=authorization, title="Initial")
    return {"personas": personas, "authorization": authorization, "assessment": assessment}


def _pages(world) -> dict[str, str]:
    authorization, assessment = world["authorization"].pk, world["assessment"].pk
    return {
        "select": f"/authorizations/{authorization}/select/",
        "implement": f"/authorizations/{authorization}/implement/",
        "assess": f"/assessments/{assessment}/controls/",
    }


def _apis(world) -> dict[str, str]:
    authorization, assessment = world["authorization"].pk, world["assessment"].pk
    return {
        "controls": f"/api/v1/authorizations/{authorization}/controls/",
        "implementation": f"/api/v1/authorizations/{authorization}/implementation/",
        "assessment": f"/api/v1/assessments/{assessment}/controls/",
    }


def _page_controls(response, page: str) -> set[str]:
    if page == "select":
        return {selected.control_id for selected in response.context["page_obj"].object_list}
    return {row.selected_control.control_id for row in response.context["rows"]}


def test_csf_registers_a_filter_per_version():
    filters = {control_filter.key: control_filter for control_filter in control_filters()}
    assert filters["csf_function"].label == "CSF 2.0 function"
    assert filters["csf11_function"].label == "CSF 1.1 function"


@pytest.mark.django_db
def test_choices_are_the_functions_of_each_version():
    filters = {control_filter.key: control_filter for control_filter in control_filters()}
    assert [key for key, _ in filters["csf_function"].choices()] == [
        "GV",
        "ID",
        "PR",
        "DE",
        "RS",
        "RC",
    ]
    assert ("DE", "DE Detect") in filters["csf11_function"].choices()
    assert len(filters["csf11_function"].choices()) == 5


@pytest.mark.parametrize(
    "values, expected",
    [
        ({"csf_function": "DE"}, DETECT),
        ({"csf11_function": "DE"}, DETECT_11),
        ({"csf_function": "RC"}, RECOVER),
        ({"csf_function": "GV"}, {"pm-11"}),
        ({"csf_function": "DE", "csf11_function": "DE"}, DETECT & DETECT_11),
        ({"csf_function": ""}, set(CONTROLS)),
    ],
)
def test_the_filter_on_a_selector(world, values, expected):
    rows = implementation_worklist(world["authorization"], **values)
    assert {row.selected_control.control_id for row in rows} == expected


def test_the_filter_agrees_with_the_risk_grouping(world):
    grouped = csf_functions_of(list(CONTROLS))
    for function in ("GV", "ID", "PR", "DE", "RS", "RC"):
        matching = set(
            Control.objects.filter(pk__in=CONTROLS)
            .filter(control_filter_q({"csf_function": function}, to_control="pk"))
            .values_list("pk", flat=True)
        )
        assert matching == {c for c in CONTROLS if function in grouped.of_control[c]}, function


@pytest.mark.parametrize("page", ["select", "implement", "assess"])
def test_pages_filter_by_function(client, world, page):
    client.force_login(world["personas"].member)
    url = _pages(world)[page]

    detect = client.get(url, {"csf_function": "DE"})
    assert detect.status_code == 200
    assert _page_controls(detect, page) == DETECT
    html = detect.content.decode()
    assert '<label for="id_csf_function">CSF 2.0 function</label>' in html
    assert '<option value="DE" selected>DE Detect</option>' in html
    assert _page_controls(client.get(url, {"csf11_function": "DE"}), page) == DETECT_11
    # Combined with the page's own filters.
    family = client.get(url, {"csf_function": "DE", "family": "si"})
    assert _page_controls(family, page) == {"si-4", "si-4.2"}
    # A value that is not a function counts as not given, like the other filters.
    assert _page_controls(client.get(url, {"csf_function": "XX"}), page) == set(CONTROLS)


def test_the_implementation_filter_is_carried_to_each_control_and_back(client, world):
    client.force_login(world["personas"].member)
    si4 = SelectedControl.objects.get(authorization=world["authorization"], control_id="si-4")
    response = client.get(f"/selected-controls/{si4.pk}/implementation/", {"csf_function": "DE"})
    assert response.status_code == 200
    assert "csf_function=DE" in response.context["query"]
    assert response.context["position"].count == len(DETECT)


@pytest.mark.parametrize("api", ["controls", "implementation", "assessment"])
def test_api_lists_filter_by_function(api_client, world, api):
    api_client.force_authenticate(world["personas"].assessor)
    url = _apis(world)[api]

    body = api_client.get(url, {"csf_function": "DE"}).json()
    assert {row["control"] for row in body["results"]} == DETECT
    body = api_client.get(url, {"csf11_function": "de"}).json()  # any case
    assert {row["control"] for row in body["results"]} == DETECT_11
    response = api_client.get(url, {"csf_function": "XX"})
    assert response.status_code == 400
    assert response.json() == {
        "csf_function": ['"XX" is not a CSF 2.0 function. Choose one of: GV, ID, PR, DE, RS, RC.']
    }


def test_api_schema_documents_the_filter(api_client, personas):
    api_client.force_authenticate(personas.member)
    schema = api_client.get("/api/schema/", {"format": "json"}).json()
    for path in (
        "/api/v1/authorizations/{id}/controls/",
        "/api/v1/authorizations/{id}/implementation/",
        "/api/v1/assessments/{id}/controls/",
    ):
        names = {parameter["name"] for parameter in schema["paths"][path]["get"]["parameters"]}
        assert {"csf_function", "csf11_function"} <= names, path


# --- a fixed number of queries --------------------------------------------------------------


def _more_controls(authorization, count: int) -> None:
    taken = set(
        SelectedControl.objects.filter(authorization=authorization).values_list(
            "control", flat=True
        )
    )
    controls = Control.objects.filter(withdrawn=False).exclude(pk__in=taken).order_by("sort_key")
    selected = SelectedControl.objects.bulk_create(
        [
            SelectedControl(authorization=authorization, control=control)
            for control in controls[:count]
        ]
    )
    ControlImplementation.objects.bulk_create(
        [ControlImplementation(selected_control=s, status="implemented") for s in selected]
    )


def _count(fn) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = fn()
    assert response.status_code == 200
    return len(captured)


def test_filtered_lists_take_a_fixed_number_of_queries(client, api_client, world):
    client.force_login(world["personas"].member)
    api_client.force_authenticate(world["personas"].member)
    urls = [*_pages(world).values()]
    apis = [*_apis(world).values()]
    params = {"csf_function": "DE"}
    small = [_count(lambda url=url: client.get(url, params)) for url in urls]
    small += [_count(lambda url=url: api_client.get(url, params)) for url in apis]
    _more_controls(world["authorization"], 150)
    large = [_count(lambda url=url: client.get(url, params)) for url in urls]
    large += [_count(lambda url=url: api_client.get(url, params)) for url in apis]
    detect = client.get(urls[1], params).context["rows"]
    assert len(detect) > len(DETECT)  # the added controls include Detect ones
    assert small == large


def test_the_catalog_control_list_filters_by_function(client, api_client, personas):
    detect_2 = set(
        Control.objects.filter(
            control_filter_q({"csf_function": "DE"}, to_control="pk")
        ).values_list("pk", flat=True)
    )
    assert {"si-4", "au-6", "pm-11"} <= detect_2 and "at-2" not in detect_2
    client.force_login(personas.member)
    body = client.get("/catalog/controls/?csf_function=DE&withdrawn=all&q=si-4").content.decode()
    assert 'href="/catalog/controls/si-4/"' in body
    assert "CSF 2.0 function" in body
    body = client.get("/catalog/controls/?csf_function=RC&q=si-4").content.decode()
    assert 'href="/catalog/controls/si-4/"' not in body
    api_client.force_authenticate(personas.member)
    listed = set()
    url = "/api/v1/catalog/controls/?csf_function=DE&page_size=500"
    while url:
        page = api_client.get(url).json()
        listed |= {row["id"] for row in page["results"]}
        url = page.get("next")
    assert listed == detect_2
    refused = api_client.get("/api/v1/catalog/controls/?csf_function=XX")
    assert refused.status_code == 400 and "csf_function" in refused.json()
