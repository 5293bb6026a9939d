"""The cycle's system security plan as OSCAL JSON: valid against NIST's official schemas
(1.2.1, which it declares, and 1.1.3), loadable by compliance-trestle, with stable UUIDs, the
SP 800-60 categorization, catalog control ids, statements, parameters, statuses and the
providing system of hybrid controls."""

import json

import pytest
from django.core.exceptions import ValidationError

from assets.services import system_update
from rmf.documents import document_render
from rmf.documents.oscal.common import PROJECT_NS
from rmf.documents.oscal.schema import oscal_errors
from rmf.documents.oscal.ssp import ssp_document
from rmf.models import Designation, SelectedControl
from rmf.services.implementation import narrative_save
from rmf.services.selection import control_allocate
from rmf.services.workflow import authorization_advance
from tests.test_rmf_cycles import (
    approve,
    complete_implementation,
    complete_selection,
    cycle_in_select,
    refreshed,
    started_cycle,
)


def implemented_cycle(personas):
    """A LOW cycle with AC-2 hybrid (provided by the sibling agency's system), every control
    implemented with narratives."""
    authorization = cycle_in_select(personas, types=("C.2.8.12",))
    complete_selection(personas, authorization)
    ac2 = SelectedControl.objects.get(authorization=authorization, control="ac-2")
    control_allocate(
        actor=personas.member,
        authorization=authorization,
        selected_ids=[ac2.pk],
        designation=Designation.HYBRID,
        provider=personas.sibling_system,
    )
    approve(personas, authorization, "S-6")
    authorization = authorization_advance(actor=personas.member, authorization=authorization)
    complete_implementation(personas, authorization)
    return refreshed(authorization)


def requirement(document, control_id):
    ssp = document["system-security-plan"]
    return next(
        item
        for item in ssp["control-implementation"]["implemented-requirements"]
        if item["control-id"] == control_id
    )


@pytest.fixture
def cycle(personas):
    return implemented_cycle(personas)


def test_the_ssp_is_valid_against_both_oscal_schemas_and_loads_in_trestle(cycle, nist_dir):
    from trestle.oscal.ssp import SystemSecurityPlan

    filename, content_type, body = document_render(cycle, "ssp", "json")
    assert filename == "TSC-cycle1-ssp.oscal.json"
    assert content_type == "application/json"
    document = json.loads(body)
    assert document["system-security-plan"]["metadata"]["oscal-version"] == "1.2.1"
    assert oscal_errors(document, version="1.2.1", nist_dir=nist_dir) == []
    assert oscal_errors(document, version="1.1.3", nist_dir=nist_dir) == []
    plan = SystemSecurityPlan.model_validate(document["system-security-plan"])
    assert len(plan.control_implementation.implemented_requirements) == 149


def test_the_laws_are_props_in_the_project_namespace_and_stay_valid(cycle, personas, nist_dir):
    named = ["PCI DSS v4.0 “for card payments”", "State data breach notification law"]
    system_update(actor=None, system=cycle.system, laws_regulations="\n".join(["", *named, "  "]))
    _, _, body = document_render(cycle, "ssp", "json")
    document = json.loads(body)
    props = document["system-security-plan"]["system-characteristics"]["props"]
    laws = [item for item in props if item["name"] == "law-regulation-policy"]
    assert laws == [
        {"name": "law-regulation-policy", "value": law, "ns": PROJECT_NS} for law in named
    ]
    assert oscal_errors(document, version="1.2.1", nist_dir=nist_dir) == []
    assert oscal_errors(document, version="1.1.3", nist_dir=nist_dir) == []


def test_the_schema_check_can_fail(nist_dir):
    errors = oscal_errors({"system-security-plan": {"uuid": "not-a-uuid"}}, nist_dir=nist_dir)
    assert any("uuid" in error for error in errors)


def test_controls_statements_parameters_and_statuses_use_the_catalog_ids(cycle):
    document = ssp_document(cycle)
    ac1 = requirement(document, "ac-1")
    assert ac1["by-components"][0]["implementation-status"] == {"state": "implemented"}
    statement_ids = [statement["statement-id"] for statement in ac1["statements"]]
    assert {"ac-1_smt.a.1.a", "ac-1_smt.b", "ac-1_smt.c.1"} <= set(statement_ids)
    assert all(statement_id.startswith("ac-1_smt") for statement_id in statement_ids)
    params = {item["param-id"]: item["values"] for item in ac1["set-parameters"]}
    assert params["ac-01_odp.01"] == ["value of ac-01_odp.01"]


def test_the_categorization_names_the_sp800_60_types(cycle):
    characteristics = ssp_document(cycle)["system-security-plan"]["system-characteristics"]
    (info,) = characteristics["system-information"]["information-types"]
    assert info["categorizations"] == [
        {
            "system": "https://doi.org/10.6028/NIST.SP.800-60v2r1",
            "information-type-ids": ["C.2.8.12"],
        }
    ]
    assert characteristics["security-impact-level"][
        "security-objective-confidentiality"
    ].startswith("fips-199-")


def test_a_hybrid_control_names_its_providing_system(cycle, personas):
    document = ssp_document(cycle)
    ac2 = requirement(document, "ac-2")
    components = document["system-security-plan"]["system-implementation"]["components"]
    provider = next(item for item in components if item["type"] == "system")
    assert provider["title"].startswith(personas.sibling_system.name)
    assert {item["component-uuid"] for item in ac2["by-components"]} == {
        components[0]["uuid"],
        provider["uuid"],
    }
    assert any(item["name"] == "designation" and item["value"] == "hybrid" for item in ac2["props"])


def test_uuids_are_stable_and_the_document_uuid_follows_the_content(cycle, personas):
    first = ssp_document(cycle)
    again = ssp_document(cycle)
    assert first == again
    narrative_save(
        actor=personas.member,
        selected_control=SelectedControl.objects.get(authorization=cycle, control="ac-1"),
        part_id="ac-1_smt.b",
        text="Reviewed every year by the IT director.",
        expected_version=1,
    )
    changed = ssp_document(cycle)
    assert changed["system-security-plan"]["uuid"] != first["system-security-plan"]["uuid"]
    assert requirement(changed, "ac-1")["uuid"] == requirement(first, "ac-1")["uuid"]
    assert (
        changed["system-security-plan"]["metadata"]["parties"]
        == first["system-security-plan"]["metadata"]["parties"]
    )


def test_no_ssp_before_the_control_set_is_selected(personas):
    authorization = started_cycle(personas)
    with pytest.raises(ValidationError, match="select the control set"):
        ssp_document(authorization)


def test_the_export_takes_a_constant_number_of_queries(personas, django_assert_max_num_queries):
    cycle = implemented_cycle(personas)
    with django_assert_max_num_queries(20):
        ssp_document(cycle)
