"""RMF cycle API calls cost a fixed number of queries, whatever the number of cycles, systems,
information types, controls or parameters.

Each case compares a small and a large case; the bounds document what each call costs today.
"""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from assets.models import InformationType, Role
from assets.services import membership_grant, system_information_type_add
from rmf.models import ControlParameter, SelectedControl
from rmf.services.categorization import impact_adjust
from rmf.services.selection import (
    control_allocate,
    control_set_select,
    monitoring_frequency_set,
    organization_parameter_default_set,
    parameter_value_set,
)
from rmf.services.workflow import authorization_advance, authorization_start, task_signoff
from tests.factories import UserFactory, make_system
from tests.test_rmf_api import prepare_inventory

pytestmark = pytest.mark.django_db

API = "/api/v1"
SMALL, LARGE = 2, 30
FACTS = 11  # a cycle's facts (cycle_facts_bulk), for one cycle or many


def queries(client, url: str, params: dict | None = None) -> tuple[int, dict]:
    client.get(url, params or {})  # process-wide caches (permission content types) warm up
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, params or {})
    assert response.status_code == 200, response.content
    return len(captured.captured_queries), response.json()


def _in_select(personas, system, *, information_type: str = "C.2.8.12"):
    """A cycle of `system` in Select with the baseline its categorization calls for."""
    prepare_inventory(system, personas, information_type=information_type)
    authorization = authorization_start(actor=personas.member, system=system)
    task_signoff(actor=personas.authorizing_official, authorization=authorization, task="C-3")
    authorization_advance(actor=personas.member, authorization=authorization)
    control_set_select(actor=personas.member, authorization=authorization)
    return authorization


def test_the_list_of_cycles(api_client, personas):
    api_client.force_authenticate(personas.viewer)
    for number in range(LARGE):
        system = make_system(personas.agency, f"System {number}", f"S{number:02}")
        authorization_start(actor=personas.member, system=system)
        if number % 3 == 0:  # a closed cycle and a current one
            authorization_start(actor=personas.member, system=system)
    url = f"{API}/authorizations/"
    small, page = queries(api_client, url, {"page_size": SMALL})
    large, page_large = queries(api_client, url, {"page_size": 100})
    assert (len(page["results"]), len(page_large["results"])) == (SMALL, LARGE + LARGE // 3)
    assert small == large
    assert large <= 2  # count, page (the access check is a subquery)
    filtered, _ = queries(
        api_client, url, {"organization": personas.city.pk, "current": "true", "step": "select"}
    )
    assert filtered <= 3  # one more: the organization filter reads the organization's path


def test_a_cycle_and_its_categorization(api_client, personas):
    """A cycle with one information type and one with thirty, adjusted by several people."""
    api_client.force_authenticate(personas.member)
    small_link = prepare_inventory(personas.system, personas)
    small_cycle = authorization_start(actor=personas.member, system=personas.system)
    impact_adjust(
        actor=personas.member,
        authorization=small_cycle,
        system_information_type=small_link,
        objective="availability",
        level="MODERATE",
        justification="Signals must run at rush hour.",
    )
    system = make_system(personas.agency, "Large", "LRG")
    large_cycle = authorization_start(actor=personas.member, system=system)
    editors = [UserFactory(username=f"editor{number}") for number in range(3)]
    for editor in editors:
        membership_grant(actor=None, organization=personas.agency, user=editor, role=Role.ISSO)
    for number, information_type in enumerate(InformationType.objects.all()[:LARGE]):
        link = system_information_type_add(actor=None, system=system, catalog_type=information_type)
        if information_type.confidentiality != "HIGH":
            impact_adjust(
                actor=editors[number % 3],
                authorization=large_cycle,
                system_information_type=link,
                objective="confidentiality",
                level="HIGH",
                justification="Location data.",
            )
    for page in ("", "categorization/"):
        small, data = queries(api_client, f"{API}/authorizations/{small_cycle.pk}/{page}")
        large, data_large = queries(api_client, f"{API}/authorizations/{large_cycle.pk}/{page}")
        assert small == large, page
        if page:
            assert len(data_large["information_types"]) == LARGE
            assert large <= 1 + FACTS + 1, large  # access, the cycle's facts, adjusters' names
        else:
            assert data_large["categorization"]["overall"] == "HIGH"
            assert large <= 2 + FACTS + 1, large  # access, the cycle, its facts, transitions


def test_the_control_set_of_370_controls_costs_what_a_few_cost(api_client, personas):
    api_client.force_authenticate(personas.viewer)
    few = authorization_start(actor=personas.member, system=personas.sibling_system)
    for control in ("ac-1", "ac-2", "pe-1"):
        SelectedControl.objects.create(authorization=few, control_id=control)
    high = _in_select(personas, personas.system, information_type="D.2.2")  # HIGH, HIGH, HIGH
    provider = make_system(personas.agency, "Data Center", "DC")
    physical = list(
        SelectedControl.objects.filter(authorization=high, control__family="pe").values_list(
            "pk", flat=True
        )
    )
    control_allocate(
        actor=personas.member,
        authorization=high,
        selected_ids=physical,
        designation="common",
        provider=provider,
    )
    monitoring_frequency_set(actor=personas.member, authorization=high, frequency="annual")
    small, page = queries(api_client, f"{API}/authorizations/{few.pk}/controls/")
    large, page_large = queries(
        api_client, f"{API}/authorizations/{high.pk}/controls/", {"page_size": 500}
    )
    assert (page["count"], len(page_large["results"])) == (3, 370)
    assert {row["provider_name"] for row in page_large["results"]} == {None, str(provider)}
    assert small == large
    assert large <= 3  # access, count, page with controls and providers joined
    filtered, _ = queries(
        api_client,
        f"{API}/authorizations/{high.pk}/controls/",
        {"family": "pe", "designation": "common", "active": "true", "missing_frequency": "false"},
    )
    assert filtered == large


def test_a_selected_control_with_its_parameters(api_client, personas):
    """AU-11 has one parameter, AC-1 nine: with system values and organization defaults."""
    api_client.force_authenticate(personas.member)
    authorization = _in_select(personas, personas.system)
    for parameter in ControlParameter.objects.filter(control="ac-1", aggregates=[]):
        organization_parameter_default_set(
            actor=None, organization=personas.city, parameter_id=parameter.pk, value="City"
        )
        organization_parameter_default_set(
            actor=None, organization=personas.agency, parameter_id=parameter.pk, value="Agency"
        )
    ac1 = SelectedControl.objects.get(authorization=authorization, control="ac-1")
    parameter_value_set(
        actor=None, selected_control=ac1, parameter_id="ac-01_odp.04", value="The CIO"
    )
    au11 = SelectedControl.objects.get(authorization=authorization, control="au-11")
    small, data = queries(api_client, f"{API}/selected-controls/{au11.pk}/")
    large, data_large = queries(api_client, f"{API}/selected-controls/{ac1.pk}/")
    assert (len(data["parameters"]), len(data_large["parameters"])) == (1, 9)
    sources = {row["id"]: (row["value"], row["source"]) for row in data_large["parameters"]}
    assert sources["ac-01_odp.04"] == ("The CIO", "system")
    assert sources["ac-01_odp.05"] == ("Agency", "organization")
    assert small == large
    assert large <= 4  # access, parameters, organization defaults, system values


def test_the_portfolio_of_2_and_of_30_systems(api_client, personas):
    api_client.force_authenticate(personas.viewer)
    systems = [
        make_system(personas.agency, f"System {number}", f"A{number:02}") for number in range(LARGE)
    ]
    _in_select(personas, systems[0])
    for number, system in enumerate(systems[1:], start=1):
        if number % 3 == 0:
            _in_select(personas, system)
        elif number % 3 == 1:
            authorization_start(actor=personas.member, system=system)
    url = f"{API}/rmf/portfolio/"
    small, page = queries(api_client, url, {"page_size": SMALL})
    large, page_large = queries(api_client, url, {"page_size": 100})
    assert [row["step"] for row in page["results"]] == ["select", "categorize"]
    assert len(page_large["results"]) == LARGE + 2
    assert {row["step"] for row in page_large["results"]} == {
        "select",
        "categorize",
        "not_started",
    }
    assert small == large
    # count, page, current cycles, their facts in bulk, the systems' decisions
    assert large <= 4 + FACTS, large
    filtered, _ = queries(
        api_client, url, {"step": "select", "organization": personas.city.pk, "kind": "IT"}
    )
    assert filtered <= large + 1  # the organization filter reads the organization's path


def test_organization_parameter_defaults(api_client, personas):
    api_client.force_authenticate(personas.viewer)
    parameters = ControlParameter.objects.filter(aggregates=[], choices=[])[:LARGE]
    for parameter in parameters:
        organization_parameter_default_set(
            actor=None, organization=personas.agency, parameter_id=parameter.pk, value="x"
        )
    url = f"{API}/organizations/{personas.agency.pk}/parameter-defaults/"
    small, page = queries(api_client, url, {"page_size": SMALL})
    large, page_large = queries(api_client, url, {"page_size": 100})
    assert (len(page["results"]), len(page_large["results"])) == (SMALL, LARGE)
    assert small == large <= 3


def test_selecting_the_high_baseline_costs_what_the_low_one_costs(api_client, personas):
    """370 controls or 149: the control set is created in bulk, in one call."""
    api_client.force_authenticate(personas.member)
    counts = {}
    for system, information_type in (
        (personas.system, "C.2.8.12"),  # LOW
        (make_system(personas.agency, "Dams", "DAM"), "D.2.2"),  # HIGH
    ):
        prepare_inventory(system, personas, information_type=information_type)
        authorization = authorization_start(actor=personas.member, system=system)
        url = f"{API}/authorizations/{authorization.pk}/controls/select-baseline/"
        assert api_client.post(url).status_code == 400  # still in Categorize; caches warm up
        task_signoff(actor=personas.authorizing_official, authorization=authorization, task="C-3")
        authorization_advance(actor=personas.member, authorization=authorization)
        with CaptureQueriesContext(connection) as captured:
            response = api_client.post(url)
        assert response.status_code == 201, response.content
        counts[response.json()["baselines"][0]] = (
            response.json()["controls"],
            len(captured.captured_queries),
        )
    assert counts["LOW"][0] == 149 and counts["HIGH"][0] == 370
    assert counts["LOW"][1] == counts["HIGH"][1]
    assert counts["HIGH"][1] <= FACTS + 10, counts  # access, lock, checks, facts, insert, audit
