"""The RMF cycle API end to end: a system walked through Categorize and Select by the people who
answer for each task, the filters of the lists, and bad input answered with the service's
message while nothing changes."""

import datetime

import pytest

from assets.models import AuditEvent, InformationType, Role, System
from assets.services import (
    component_create,
    membership_grant,
    system_information_type_add,
    system_update,
)
from rmf.models import (
    Authorization,
    ControlSelection,
    ImpactAdjustment,
    OrganizationParameterDefault,
    ParameterValue,
    SelectedControl,
    StepTransition,
    TaskSignoff,
)
from rmf.services.selection import control_set_select
from rmf.services.workflow import authorization_advance, authorization_start, task_signoff
from tests.factories import UserFactory, make_system

pytestmark = pytest.mark.django_db

API = "/api/v1"


def prepare_inventory(system: System, personas, *, information_type: str = "C.2.8.12"):
    """What Categorize needs from the inventory: boundary, owner, AO, a component and an
    SP 800-60 information type. Returns the system's information type."""
    system_update(
        actor=None,
        system=system,
        boundary_description="Signal controllers, the central server and the field network.",
        system_owner=personas.member,
        authorizing_official=personas.authorizing_official,
    )
    component_create(actor=None, system=system, name="Controller", component_type="ot_device")
    return system_information_type_add(
        actor=None, system=system, catalog_type=InformationType.objects.get(pk=information_type)
    )


def make_isso(personas, username: str = "isso"):
    user = UserFactory(username=username)
    membership_grant(actor=None, organization=personas.agency, user=user, role=Role.ISSO)
    return user


def make_cycle(personas, system, *, approve: bool = False, advance: bool = False, select=False):
    """A cycle of `system`, with its inventory prepared: started, approved at C-3, moved to
    Select, its control set selected, as asked. Returns it and the system's information type."""
    link = prepare_inventory(system, personas)
    authorization = authorization_start(actor=personas.member, system=system)
    if approve:
        task_signoff(actor=personas.authorizing_official, authorization=authorization, task="C-3")
    if advance:
        authorization_advance(actor=personas.member, authorization=authorization)
    if select:
        control_set_select(actor=personas.member, authorization=authorization)
    return authorization, link


def rmf_state() -> tuple:
    """Everything the RMF endpoints could change, to compare before and after a refusal."""
    return (
        AuditEvent.objects.count(),
        list(Authorization.objects.order_by("pk").values_list("pk", "step", "is_current")),
        list(TaskSignoff.objects.order_by("pk").values_list("pk", "task")),
        list(ImpactAdjustment.objects.order_by("pk").values_list("pk", "level")),
        list(ControlSelection.objects.order_by("pk").values_list("pk", "baselines")),
        list(
            SelectedControl.objects.order_by("pk").values_list(
                "pk", "tailoring", "designation", "provider", "monitoring_frequency"
            )
        ),
        list(ParameterValue.objects.order_by("pk").values_list("pk", "value")),
        list(OrganizationParameterDefault.objects.order_by("pk").values_list("pk", "value")),
        StepTransition.objects.count(),
    )


@pytest.fixture(autouse=True)
def _json_bodies(api_client):
    api_client.default_format = "json"


def _as(client, user):
    client.force_authenticate(user)
    return client


def _task(body: dict, code: str) -> dict:
    return next(task for task in body["tasks"] if task["code"] == code)


def _refused(response, field: str, words: str) -> None:
    assert response.status_code == 400, response.content
    messages = response.json()[field]
    assert any(words in message for message in messages), messages


def _selected(authorization_id: int, control: str) -> SelectedControl:
    return SelectedControl.objects.get(authorization=authorization_id, control=control)


def test_a_system_walks_through_categorize_and_select(api_client, personas):
    system = personas.system
    link = prepare_inventory(system, personas)
    isso = make_isso(personas)
    member, ao = personas.member, personas.authorizing_official

    # --- start: Categorize, with C-3 (the AO's approval) the only open task
    started = _as(api_client, member).post(f"{API}/systems/{system.pk}/authorizations/start/")
    assert started.status_code == 201, started.content
    cycle = started.json()
    url = f"{API}/authorizations/{cycle['id']}"
    assert (cycle["cycle"], cycle["step"], cycle["is_current"]) == (1, "categorize", True)
    assert cycle["system"]["acronym"] == "TSC"
    assert cycle["people"] == {
        "system_owner": "member",
        "isso": None,
        "authorizing_official": "authorizing_official",
    }
    assert _task(cycle, "C-1")["done"] and _task(cycle, "C-2")["done"]
    approval = _task(cycle, "C-3")
    assert approval["done"] is False and approval["takes_signoff"] is True
    assert approval["people"] == ["authorizing_official"]
    assert cycle["gate"]["next_step"] == "select" and cycle["gate"]["can_advance"] is False
    assert [task["code"] for task in cycle["gate"]["missing"]] == ["C-3"]
    assert cycle["categorization"]["overall"] == "LOW"

    # --- the gate: advancing before the approval is refused with what is missing
    refused = api_client.post(f"{url}/advance/")
    _refused(refused, "detail", "C-3")
    assert Authorization.objects.get(pk=cycle["id"]).step == "categorize"

    # --- Categorize: raise confidentiality to HIGH, a justification is required
    adjust = {"system_information_type": link.pk, "objective": "confidentiality", "level": "HIGH"}
    _refused(api_client.post(f"{url}/categorization/adjust/", adjust), "justification", "Explain")
    _refused(
        api_client.post(f"{url}/categorization/adjust/", {**adjust, "level": "EXTREME"}),
        "level",
        "not an impact level",
    )
    assert not ImpactAdjustment.objects.exists()
    adjusted = api_client.post(
        f"{url}/categorization/adjust/",
        {**adjust, "justification": "Signal timing plans aid an attack on intersections."},
    )
    assert adjusted.status_code == 200, adjusted.content
    categorization = adjusted.json()
    assert categorization["levels"] == {
        "confidentiality": "HIGH",
        "integrity": "LOW",
        "availability": "LOW",
    }
    assert categorization["overall"] == "HIGH"
    assert categorization["notation"] == (
        "SC system = {(confidentiality, HIGH), (integrity, LOW), (availability, LOW)}"
    )
    [info] = categorization["information_types"]
    assert (info["identifier"], info["source"]) == ("C.2.8.12", "catalog")
    assert info["provisional"]["confidentiality"] == "LOW"
    assert info["effective"]["confidentiality"] == "HIGH"
    [adjustment] = info["adjustments"]
    assert adjustment["adjusted_by"] == "member" and adjustment["level"] == "HIGH"
    assert categorization["approved"] is False

    # --- the AO approves C-3 once; a second approval is refused
    signed = _as(api_client, ao).post(f"{url}/signoffs/", {"task": "C-3", "note": "Agreed."})
    assert signed.status_code == 201, signed.content
    approved_task = _task(signed.json(), "C-3")
    assert approved_task["done"] and approved_task["signed_by"] == "authorizing_official"
    assert signed.json()["gate"]["can_advance"] is True
    _refused(api_client.post(f"{url}/signoffs/", {"task": "C-3"}), "task", "already signed")
    _refused(api_client.post(f"{url}/signoffs/", {"task": "C-2"}), "task", "settled by the data")
    assert TaskSignoff.objects.count() == 1
    read = _as(api_client, member).get(f"{url}/categorization/").json()
    assert read["approved"] is True and read["approved_by"] == "authorizing_official"
    assert read["changed_since_approval"] is False
    frozen = api_client.post(
        f"{url}/categorization/adjust/", {**adjust, "level": None, "justification": ""}
    )
    _refused(frozen, "detail", "approved and frozen")

    # --- advance to Select
    advanced = api_client.post(f"{url}/advance/", {"reason": "Categorization approved."})
    assert advanced.status_code == 200, advanced.content
    assert advanced.json()["step"] == "select"
    [transition] = advanced.json()["transitions"]
    assert (transition["from_step"], transition["to_step"], transition["actor"]) == (
        "categorize",
        "select",
        "member",
    )

    # --- S-1: the HIGH baseline, 370 controls, in one call
    selected = api_client.post(f"{url}/controls/select-baseline/")
    assert selected.status_code == 201, selected.content
    assert selected.json() == {"baselines": ["HIGH"], "controls": 370}
    _refused(api_client.post(f"{url}/controls/select-baseline/"), "detail", "already selected")
    listed = api_client.get(f"{url}/controls/", {"page_size": 500}).json()
    assert listed["count"] == 370 and len(listed["results"]) == 370
    first = listed["results"][0]
    assert (first["control"], first["label"], first["tailoring"]) == ("ac-1", "AC-1", "baseline")
    assert first["monitoring_frequency"] is None and first["designation"] == "system_specific"

    # --- S-2: the ISSO tailors, always with a rationale
    _as(api_client, isso)
    _refused(api_client.post(f"{url}/controls/add/", {"control": "ac-2.6"}), "rationale", "")
    _refused(
        api_client.post(f"{url}/controls/add/", {"control": "zz-99", "rationale": "Needed."}),
        "control",
        "There is no control",
    )
    _refused(
        api_client.post(f"{url}/controls/add/", {"control": "ac-2", "rationale": "Needed."}),
        "control",
        "already in the control set",
    )
    added = api_client.post(
        f"{url}/controls/add/", {"control": "AC-2.6", "rationale": "Privileged field techs."}
    )
    assert added.status_code == 201, added.content
    assert added.json()["tailoring"] == "added" and added.json()["label"] == "AC-2(6)"
    assert SelectedControl.objects.filter(authorization=cycle["id"]).count() == 371

    scoped = _selected(cycle["id"], "ac-8")
    _refused(
        api_client.post(
            f"{API}/selected-controls/{scoped.pk}/remove/",
            {"kind": "baseline", "rationale": "Not needed."},
        ),
        "kind",
        "scoping or a compensating",
    )
    removed = api_client.post(
        f"{API}/selected-controls/{scoped.pk}/remove/",
        {"kind": "scoped_out", "rationale": "Controllers have no logon screen."},
    )
    assert removed.status_code == 200, removed.content
    assert removed.json()["selected_control"]["tailoring"] == "scoped_out"
    assert removed.json()["selected_control"]["active"] is False
    left = api_client.post(
        f"{API}/selected-controls/{added.json()['id']}/remove/",
        {"kind": "scoped_out", "rationale": "Not needed after all."},
    )
    assert left.json() == {"control": "ac-2.6", "selected_control": None}
    inactive = api_client.get(f"{url}/controls/", {"active": "false"}).json()
    assert [row["control"] for row in inactive["results"]] == ["ac-8"]

    # --- S-3: allocate to the sibling agency's system as common control provider
    common = [_selected(cycle["id"], "pe-1").pk, _selected(cycle["id"], "pe-2").pk]
    allocate = {"selected_controls": common, "designation": "common"}
    _refused(api_client.post(f"{url}/controls/allocate/", allocate), "provider", "need the system")
    _refused(
        api_client.post(f"{url}/controls/allocate/", {**allocate, "provider": 987654}),
        "provider",
        "Unknown system",
    )
    allocated = api_client.post(
        f"{url}/controls/allocate/", {**allocate, "provider": personas.sibling_system.pk}
    )
    assert allocated.status_code == 200, allocated.content
    assert allocated.json() == {"updated": 2}
    rows = api_client.get(f"{url}/controls/", {"designation": "common"}).json()["results"]
    assert [(row["control"], row["provider_name"]) for row in rows] == [
        ("pe-1", "Vehicle Registration (VRS)"),
        ("pe-2", "Vehicle Registration (VRS)"),
    ]

    # --- S-5: monitoring frequencies: all, then a family
    everything = api_client.post(f"{url}/controls/monitoring/", {"frequency": "annual"})
    assert everything.json() == {"updated": 369}
    _refused(
        api_client.post(f"{url}/controls/monitoring/", {"frequency": "hourly"}),
        "frequency",
        "Choose one of",
    )
    family = api_client.post(
        f"{url}/controls/monitoring/", {"frequency": "quarterly", "family": "AC"}
    )
    assert family.status_code == 200 and family.json()["updated"] > 0
    missing = api_client.get(f"{url}/controls/", {"missing_frequency": "true"}).json()
    assert missing["count"] == 0
    monthly = api_client.get(f"{url}/controls/", {"family": "ac", "page_size": 500}).json()
    assert {row["monitoring_frequency"] for row in monthly["results"] if row["active"]} == {
        "quarterly"
    }

    # --- S-4: parameter values, the system's own over the organization's default
    account = _selected(cycle["id"], "ac-2")
    default = _as(api_client, personas.admin).post(
        f"{API}/organizations/{personas.agency.pk}/parameter-defaults/set/",
        {"parameter": "ac-02_odp.02", "value": "Group membership"},
    )
    assert default.status_code == 200, default.content
    assert default.json()["control_label"] == "AC-2"
    value = _as(api_client, member).post(
        f"{API}/selected-controls/{account.pk}/parameters/",
        {"parameter": "ac-02_odp.01", "value": "Approved by the traffic engineer"},
    )
    assert value.status_code == 200, value.content
    assert (value.json()["value"], value.json()["source"]) == (
        "Approved by the traffic engineer",
        "system",
    )
    _refused(
        api_client.post(
            f"{API}/selected-controls/{account.pk}/parameters/",
            {"parameter": "au-11_odp", "value": "90 days"},
        ),
        "parameter",
        "has no parameter",
    )
    detail = api_client.get(f"{API}/selected-controls/{account.pk}/").json()
    parameters = {row["id"]: row for row in detail["parameters"]}
    assert parameters["ac-02_odp.01"]["source"] == "system"
    assert (parameters["ac-02_odp.02"]["value"], parameters["ac-02_odp.02"]["source"]) == (
        "Group membership",
        "organization",
    )
    assert (parameters["ac-02_odp.03"]["value"], parameters["ac-02_odp.03"]["source"]) == (
        None,
        None,
    )
    assert ParameterValue.objects.count() == 1

    # --- the cycle now: S-1, S-2, S-3 and S-5 done, S-4 waits for parameter values
    state = api_client.get(f"{url}/").json()
    assert state["step"] == "select"
    done = {task["code"] for task in state["tasks"] if task["done"]}
    assert {"S-1", "S-2", "S-3", "S-5"} <= done and "S-4" not in done
    assert state["selection"]["baselines"] == ["HIGH"]
    assert state["selection"]["removed"] == 1

    # --- every change is in the audit trail, by whoever made it
    actions = list(AuditEvent.objects.order_by("pk").values_list("action", "actor_name"))
    rmf = [row for row in actions if row[1]]
    assert rmf == [
        ("authorization_start", "member"),
        ("impact_adjust", "member"),
        ("task_signoff", "authorizing_official"),
        ("authorization_step_change", "member"),
        ("control_set_select", "member"),
        ("control_tailor_add", "isso"),
        ("control_tailor_remove", "isso"),
        ("control_tailor_remove", "isso"),
        ("control_allocate", "isso"),
        ("monitoring_frequency_set", "isso"),
        ("monitoring_frequency_set", "isso"),
        ("organization_parameter_default_set", "admin"),
        ("parameter_value_set", "member"),
    ]


def _categorized(personas, system: System | None = None) -> dict:
    """A cycle of `system` (the agency's TSC by default) approved at C-3, through the API."""
    from rest_framework.test import APIClient

    system = system or personas.system
    prepare_inventory(system, personas)
    client = APIClient()
    client.default_format = "json"
    cycle = _as(client, personas.member).post(f"{API}/systems/{system.pk}/authorizations/start/")
    _as(client, personas.authorizing_official).post(
        f"{API}/authorizations/{cycle.json()['id']}/signoffs/", {"task": "C-3"}
    )
    return cycle.json()


def test_the_cycle_goes_back_with_a_reason_and_a_withdrawn_approval_reopens_categorize(
    api_client, personas
):
    cycle = _categorized(personas)
    url = f"{API}/authorizations/{cycle['id']}"
    assert _as(api_client, personas.member).post(f"{url}/advance/").status_code == 200

    _refused(api_client.post(f"{url}/step-back/", {"to_step": "categorize"}), "reason", "reason")
    _refused(
        api_client.post(f"{url}/step-back/", {"to_step": "assess", "reason": "x"}),
        "to_step",
        "before the current one",
    )
    back = api_client.post(
        f"{url}/step-back/", {"to_step": "categorize", "reason": "New video feeds."}
    )
    assert back.status_code == 200, back.content
    assert back.json()["step"] == "categorize"
    assert back.json()["transitions"][-1]["reason"] == "New video feeds."
    assert _task(back.json(), "C-3")["done"], "sign-offs stay when the cycle goes back"
    assert api_client.post(f"{url}/advance/").json()["step"] == "select"

    _as(api_client, personas.authorizing_official)
    _refused(api_client.post(f"{url}/signoffs/withdraw/", {"task": "C-3"}), "reason", "why")
    _refused(
        api_client.post(f"{url}/signoffs/withdraw/", {"task": "S-6", "reason": "x"}),
        "task",
        "not signed off",
    )
    withdrawn = api_client.post(
        f"{url}/signoffs/withdraw/", {"task": "C-3", "reason": "The feeds change the impact."}
    )
    assert withdrawn.status_code == 200, withdrawn.content
    body = withdrawn.json()
    assert _task(body, "C-3")["done"] is False and _task(body, "C-3")["signed_by"] is None
    assert body["categorization"]["approved"] is False
    assert body["step"] == "categorize", "the cycle goes back to where the approval is given"
    assert not TaskSignoff.objects.exists()
    event = AuditEvent.objects.filter(action="task_signoff_withdraw").get()
    assert (event.actor_name, event.reason) == (
        "authorizing_official",
        "The feeds change the impact.",
    )


def test_a_new_cycle_closes_the_previous_one_and_the_list_filters(api_client, personas):
    first = _categorized(personas)
    other = make_system(personas.sibling_agency, "Licensing", "LIC")
    second = _as(api_client, personas.member).post(
        f"{API}/systems/{personas.system.pk}/authorizations/start/"
    )
    assert second.status_code == 201
    assert (second.json()["cycle"], second.json()["previous"]) == (2, first["id"])
    _as(api_client, personas.sibling).post(f"{API}/systems/{other.pk}/authorizations/start/")

    def ids(user, **params) -> list[int]:
        response = _as(api_client, user).get(f"{API}/authorizations/", params)
        assert response.status_code == 200, response.content
        return [row["id"] for row in response.json()["results"]]

    everything = ids(personas.viewer)
    assert len(everything) == 3
    assert ids(personas.member) == [second.json()["id"], first["id"]]
    assert ids(personas.viewer, current="true") == [
        second.json()["id"],
        Authorization.objects.get(system=other).pk,
    ]
    assert ids(personas.viewer, current="false") == [first["id"]]
    assert ids(personas.viewer, system=other.pk) == [Authorization.objects.get(system=other).pk]
    assert ids(personas.viewer, organization=personas.agency.pk) == [
        second.json()["id"],
        first["id"],
    ]
    assert len(ids(personas.viewer, organization=personas.city.pk)) == 3
    assert ids(personas.viewer, step="select") == []
    assert ids(personas.sibling) == [Authorization.objects.get(system=other).pk]
    assert ids(personas.outsider) == []
    row = _as(api_client, personas.viewer).get(f"{API}/authorizations/").json()["results"][0]
    assert row["system"]["organization_name"] == "Department of Transportation"
    assert row["started_by"] == "member"
    bad = api_client.get(f"{API}/authorizations/", {"step": "dance"})
    assert bad.status_code == 400


def test_a_closed_cycle_is_read_only(api_client, personas):
    first = _categorized(personas)
    _as(api_client, personas.member).post(
        f"{API}/systems/{personas.system.pk}/authorizations/start/"
    )
    _refused(api_client.post(f"{API}/authorizations/{first['id']}/advance/"), "detail", "closed")
    closed = api_client.get(f"{API}/authorizations/{first['id']}/").json()
    assert (closed["is_current"], closed["is_open"], closed["gate"]["can_advance"]) == (
        False,
        False,
        False,
    )


def test_the_categorization_lists_organization_types_with_their_own_identifier(
    api_client, personas
):
    from assets.services import organization_information_type_create

    own = organization_information_type_create(
        actor=None,
        organization=personas.agency,
        identifier="DOT.1",
        title="Signal timing plans",
        confidentiality="MODERATE",
        integrity="HIGH",
        availability="LOW",
    )
    prepare_inventory(personas.system, personas)
    system_information_type_add(actor=None, system=personas.system, organization_type=own)
    cycle = _as(api_client, personas.member).post(
        f"{API}/systems/{personas.system.pk}/authorizations/start/"
    )
    body = api_client.get(f"{API}/authorizations/{cycle.json()['id']}/categorization/").json()
    identifiers = [(row["identifier"], row["source"]) for row in body["information_types"]]
    assert identifiers == [("C.2.8.12", "catalog"), ("DOT.1", "organization")]
    assert body["levels"] == {
        "confidentiality": "MODERATE",
        "integrity": "HIGH",
        "availability": "LOW",
    }
    others = make_system(personas.agency, "Parking", "PRK")
    foreign = system_information_type_add(
        actor=None, system=others, catalog_type=InformationType.objects.get(pk="C.2.8.11")
    )
    _refused(
        api_client.post(
            f"{API}/authorizations/{cycle.json()['id']}/categorization/adjust/",
            {
                "system_information_type": foreign.pk,
                "objective": "integrity",
                "level": "HIGH",
                "justification": "x",
            },
        ),
        "system_information_type",
        "not one of this system's",
    )


def test_the_portfolio_shows_each_systems_step_open_tasks_and_people(api_client, personas):
    cycle = _categorized(personas)
    _as(api_client, personas.member).post(f"{API}/authorizations/{cycle['id']}/advance/")
    make_system(personas.agency, "Parking Meters", "PKM", kind=System.Kind.IOT)

    def rows(**params) -> dict[str, dict]:
        response = _as(api_client, personas.viewer).get(f"{API}/rmf/portfolio/", params)
        assert response.status_code == 200, response.content
        return {row["system"]["acronym"]: row for row in response.json()["results"]}

    everything = rows()
    assert set(everything) == {"TSC", "PKM", "VRS"}
    tsc = everything["TSC"]
    assert (tsc["authorization"], tsc["cycle"], tsc["step"]) == (cycle["id"], 1, "select")
    assert {task["code"] for task in tsc["open_tasks"]} == {
        "S-1",
        "S-2",
        "S-3",
        "S-4",
        "S-5",
        "S-6",
    }
    s6 = next(task for task in tsc["open_tasks"] if task["code"] == "S-6")
    assert s6["people"] == ["authorizing_official"]
    assert tsc["people"]["system_owner"] == "member"
    assert everything["PKM"]["step"] == "not_started" and everything["PKM"]["open_tasks"] == []
    assert set(rows(step="not_started")) == {"PKM", "VRS"}
    assert set(rows(step="select")) == {"TSC"}
    assert set(rows(step="categorize")) == set()
    assert set(rows(kind="IoT")) == {"PKM"}
    assert set(rows(organization=personas.sibling_agency.pk)) == {"VRS"}
    assert _as(api_client, personas.assessor).get(f"{API}/rmf/portfolio/").json()["count"] == 1
    assert api_client.get(f"{API}/rmf/portfolio/", {"step": "dance"}).status_code == 400


def test_organization_parameter_defaults_are_listed_and_cleared(api_client, personas):
    url = f"{API}/organizations/{personas.city.pk}/parameter-defaults"
    admin = UserFactory(username="city-admin")
    membership_grant(actor=None, organization=personas.city, user=admin, role=Role.ORG_ADMIN)
    _as(api_client, admin)
    for parameter, value in (("ac-02_odp.10", "annually"), ("ac-01_odp.05", "every 3 years")):
        response = api_client.post(f"{url}/set/", {"parameter": parameter, "value": value})
        assert response.status_code == 200, response.content
    _refused(
        api_client.post(f"{url}/set/", {"parameter": "zz-99_odp", "value": "x"}),
        "parameter",
        "no parameter",
    )
    listed = _as(api_client, personas.viewer).get(f"{url}/").json()
    assert [row["parameter"] for row in listed["results"]] == ["ac-01_odp.05", "ac-02_odp.10"]
    cleared = _as(api_client, admin).post(f"{url}/set/", {"parameter": "ac-02_odp.10"})
    assert cleared.status_code == 200
    assert (cleared.json()["parameter"], cleared.json()["value"]) == ("ac-02_odp.10", None)
    assert _as(api_client, personas.viewer).get(f"{url}/").json()["count"] == 1


def test_a_single_choice_parameter_takes_only_one_of_its_choices(api_client, personas):
    from rmf.models import ControlParameter

    parameter = ControlParameter.objects.filter(how_many="one").exclude(choices=[]).first()
    if parameter is None:
        pytest.skip("the catalog has no single-choice parameter")
    url = f"{API}/organizations/{personas.agency.pk}/parameter-defaults/set/"
    _as(api_client, personas.admin)
    _refused(
        api_client.post(url, {"parameter": parameter.pk, "value": "none of them"}),
        "value",
        "Choose one of",
    )
    chosen = api_client.post(url, {"parameter": parameter.pk, "value": parameter.choices[0]})
    assert chosen.status_code == 200, chosen.content


BAD_INPUT = {
    # name: (cycle, url, body, the field the service names)
    "impact out of range": (
        "categorize",
        "categorization/adjust/",
        {"objective": "integrity", "level": "CRITICAL", "justification": "x"},
        "level",
    ),
    "unknown objective": (
        "categorize",
        "categorization/adjust/",
        {"objective": "secrecy", "level": "HIGH", "justification": "x"},
        "objective",
    ),
    "another system's information type": (
        "categorize",
        "categorization/adjust/",
        {"system_information_type": 987654, "objective": "integrity", "level": "HIGH"},
        "system_information_type",
    ),
    "a changed impact without justification": (
        "categorize",
        "categorization/adjust/",
        {"objective": "integrity", "level": "HIGH"},
        "justification",
    ),
    "adjusting after the approval": (
        "approved",
        "categorization/adjust/",
        {"objective": "integrity", "level": "HIGH", "justification": "x"},
        "detail",
    ),
    "approving twice": ("approved", "signoffs/", {"task": "C-3"}, "task"),
    "approving a task settled by data": ("categorize", "signoffs/", {"task": "C-1"}, "task"),
    "approving a later step's task": ("categorize", "signoffs/", {"task": "S-6"}, "task"),
    "skipping the gate": ("categorize", "advance/", {}, "detail"),
    "going back without a reason": ("select", "step-back/", {"to_step": "categorize"}, "reason"),
    "going forward by step-back": (
        "select",
        "step-back/",
        {"to_step": "monitor", "reason": "x"},
        "to_step",
    ),
    "withdrawing what is not signed": (
        "categorize",
        "signoffs/withdraw/",
        {"task": "C-3", "reason": "x"},
        "task",
    ),
    "selecting the baseline twice": ("select", "controls/select-baseline/", {}, "detail"),
    "selecting in Categorize": ("approved", "controls/select-baseline/", {}, "detail"),
    "tailoring in a control that does not exist": (
        "select",
        "controls/add/",
        {"control": "zz-99", "rationale": "Needed."},
        "control",
    ),
    "tailoring in a withdrawn control": (
        "select",
        "controls/add/",
        {"control": "ac-2.10", "rationale": "Needed."},
        "control",
    ),
    "adding without rationale": ("select", "controls/add/", {"control": "ac-2.1"}, "rationale"),
    "an unknown designation": (
        "select",
        "controls/allocate/",
        {"selected_controls": ["{pe-1}"], "designation": "shared"},
        "designation",
    ),
    "a common control without provider": (
        "select",
        "controls/allocate/",
        {"selected_controls": ["{pe-1}"], "designation": "common"},
        "provider",
    ),
    "allocating another cycle's control": (
        "select",
        "controls/allocate/",
        {"selected_controls": [987654], "designation": "system_specific"},
        "controls",
    ),
    "a made-up frequency": ("select", "controls/monitoring/", {"frequency": "hourly"}, "frequency"),
    "an unknown family": (
        "select",
        "controls/monitoring/",
        {"frequency": "annual", "family": "zz"},
        "family",
    ),
}


@pytest.mark.parametrize("case", sorted(BAD_INPUT))
def test_bad_input_is_refused_with_the_services_message_and_nothing_changes(
    api_client, personas, case
):
    isso = make_isso(personas)
    agency = personas.agency
    categorize, link = make_cycle(personas, make_system(agency, "Parking", "PRK"))
    approved, _ = make_cycle(personas, make_system(agency, "Cameras", "CAM"), approve=True)
    select, _ = make_cycle(personas, personas.system, approve=True, advance=True, select=True)
    cycles = {"categorize": categorize, "approved": approved, "select": select}
    name, url, body, field = BAD_INPUT[case]
    authorization = cycles[name]
    if url.startswith("categorization/"):
        link = authorization.system.information_types.get()
        body = {"system_information_type": link.pk, **body}
    if "selected_controls" in body:
        body["selected_controls"] = [
            _selected(authorization.pk, item[1:-1]).pk if isinstance(item, str) else item
            for item in body["selected_controls"]
        ]
    user = {
        "signoffs/": personas.authorizing_official,
        "signoffs/withdraw/": personas.authorizing_official,
    }.get(url, isso)
    before = rmf_state()
    response = _as(api_client, user).post(f"{API}/authorizations/{authorization.pk}/{url}", body)
    assert response.status_code == 400, response.content
    messages = response.json()[field]
    assert messages and all(isinstance(message, str) and message for message in messages)
    assert rmf_state() == before


@pytest.mark.parametrize(
    ("url", "body", "field"),
    [
        ("remove/", {"kind": "deleted", "rationale": "x"}, "kind"),
        ("remove/", {"kind": "scoped_out"}, "rationale"),
        ("parameters/", {"parameter": "au-11_odp", "value": "x"}, "parameter"),
        ("parameters/", {"parameter": "ac-1_prm_1", "value": "x"}, "parameter"),
    ],
)
def test_bad_input_on_a_selected_control(api_client, personas, url, body, field):
    isso = make_isso(personas)
    select, _ = make_cycle(personas, personas.system, approve=True, advance=True, select=True)
    selected = _selected(select.pk, "ac-1")
    before = rmf_state()
    response = _as(api_client, isso).post(f"{API}/selected-controls/{selected.pk}/{url}", body)
    assert response.status_code == 400, response.content
    assert response.json()[field]
    assert rmf_state() == before


def test_a_disposed_systems_cycle_is_kept_read_only(api_client, personas):
    cycle, _ = make_cycle(personas, personas.system, approve=True)
    system_update(
        actor=None,
        system=personas.system,
        status=System.Status.DISPOSED,
        retirement_date=datetime.date(2026, 1, 31),
    )
    _as(api_client, personas.member)
    detail = api_client.get(f"{API}/authorizations/{cycle.pk}/").json()
    assert (detail["is_open"], detail["gate"]["can_advance"]) == (False, False)
    before = rmf_state()
    _refused(api_client.post(f"{API}/authorizations/{cycle.pk}/advance/"), "detail", "disposed")
    _refused(
        api_client.post(f"{API}/systems/{personas.system.pk}/authorizations/start/"),
        "detail",
        "disposed",
    )
    assert rmf_state() == before
    portfolio = api_client.get(f"{API}/rmf/portfolio/").json()["results"]
    assert (
        next(row for row in portfolio if row["system"]["id"] == personas.system.pk)["open_tasks"]
        == []
    )
