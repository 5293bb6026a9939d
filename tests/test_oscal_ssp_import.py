"""Importing an OSCAL SSP into a cycle: statuses, narratives per statement part, parameter
values; all or nothing with a report of what could not be mapped; a dry run writes nothing;
audited; planners only, never the cycle's assessors. Round trip: export, import into a new
system's cycle of the same baseline, export again: the same control implementation."""

import copy

import pytest
from django.core.exceptions import ValidationError

from assets.models import AuditEvent, System
from assets.services import system_update
from rmf.documents.oscal.common import PROJECT_NS
from rmf.documents.oscal.ssp import ssp_document
from rmf.models import ControlImplementation, ImplementationNarrative, ParameterValue
from rmf.services.oscal_import import SspImportRefused, oscal_ssp_parse, ssp_import, ssp_root
from tests.assessment_steps import assessor_assigned
from tests.factories import make_system
from tests.test_rmf_cycles import TYPE_LOW, complete_implementation, cycle_in_implement


def laws(document):
    """The laws, regulations and policies the plan names, as this tool writes them."""
    characteristics = document["system-security-plan"]["system-characteristics"]
    return [
        item["value"]
        for item in characteristics["props"]
        if item["name"] == "law-regulation-policy" and item.get("ns") == PROJECT_NS
    ]


def content(document):
    """The control implementation without what names the system (uuids, component refs), and
    the laws, regulations and policies the plan names."""
    requirements = document["system-security-plan"]["control-implementation"][
        "implemented-requirements"
    ]
    return laws(document), [
        {
            "control-id": item["control-id"],
            "set-parameters": item.get("set-parameters"),
            "status": [c.get("implementation-status") for c in item.get("by-components", [])],
            "statements": [
                (s["statement-id"], [c["description"] for c in s["by-components"]])
                for s in item.get("statements", [])
            ],
        }
        for item in requirements
    ]


SOURCE_LAWS = ["State data breach notification law", "City IT security policy 4.2"]


@pytest.fixture
def source(personas):
    authorization = cycle_in_implement(personas, types=(TYPE_LOW,))
    complete_implementation(personas, authorization)
    system_update(actor=None, system=authorization.system, laws_regulations="\n".join(SOURCE_LAWS))
    return authorization


@pytest.fixture
def target(personas):
    system = make_system(personas.agency, "Parking Meters", "PKM")
    return cycle_in_implement(personas, system, types=(TYPE_LOW,))


def test_round_trip_gives_the_same_control_implementation(personas, source, target):
    exported = ssp_document(source)
    report = ssp_import(
        actor=personas.member, authorization=target, root=exported["system-security-plan"]
    )
    assert report.problems == [] and report.controls == 149
    assert report.statuses == 149 and report.narratives > 149 and report.laws == 2
    again = ssp_document(target)
    assert laws(exported) == SOURCE_LAWS
    assert content(again) == content(exported)
    system = System.objects.get(pk=target.system_id)
    assert system.laws_regulations_list == SOURCE_LAWS
    (update,) = AuditEvent.objects.filter(
        action="system_update", object_id=str(system.pk), actor=personas.member
    )
    assert update.changes == {"laws_regulations": ["", "\n".join(SOURCE_LAWS)]}
    assert AuditEvent.objects.filter(action="oscal_ssp_import", object_id=str(target.pk)).exists()
    # Importing the same file again changes nothing.
    report = ssp_import(
        actor=personas.member, authorization=target, root=exported["system-security-plan"]
    )
    assert report.changes == 0


def test_laws_the_system_lists_are_kept_and_not_repeated(personas, source, target):
    system_update(
        actor=None,
        system=target.system,
        laws_regulations="City transit policy\nstate data breach notification law",
    )
    root = copy.deepcopy(ssp_document(source)["system-security-plan"])
    # Another tool's prop of the same name is not ours: it is not read.
    root["system-characteristics"]["props"].append(
        {"name": "law-regulation-policy", "ns": "https://example.org/ns", "value": "Other"}
    )
    report = ssp_import(actor=personas.member, authorization=target, root=root, dry_run=True)
    assert report.laws == 1
    assert System.objects.get(pk=target.system_id).laws_regulations_list == [
        "City transit policy",
        "state data breach notification law",
    ]
    report = ssp_import(actor=personas.member, authorization=target, root=root)
    assert report.laws == 1
    assert System.objects.get(pk=target.system_id).laws_regulations_list == [
        "City transit policy",
        "state data breach notification law",
        "City IT security policy 4.2",
    ]


def broken(document):
    root = copy.deepcopy(document["system-security-plan"])
    requirements = root["control-implementation"]["implemented-requirements"]
    requirements.append({"uuid": requirements[0]["uuid"], "control-id": "zz-99"})
    requirements.append({"uuid": requirements[0]["uuid"], "control-id": "ac-6.9"})  # not LOW
    ac1 = next(item for item in requirements if item["control-id"] == "ac-1")
    ac1["statements"][0]["statement-id"] = "ac-1_smt.zz"
    ac1["by-components"][0]["implementation-status"] = {"state": "done-ish"}
    ac1["set-parameters"].append({"param-id": "ac-01_odp.99", "values": ["x"]})
    return root


def test_what_cannot_be_mapped_is_reported_and_nothing_is_written(personas, source, target):
    root = broken(ssp_document(source))
    with pytest.raises(SspImportRefused) as refused:
        ssp_import(actor=personas.member, authorization=target, root=root)
    problems = "\n".join(refused.value.report.problems)
    assert "ZZ-99: no such control" in problems
    assert "AC-6(9): not in this cycle's control set" in problems
    assert "ac-1_smt.zz" in problems
    assert "done-ish" in problems
    assert "ac-01_odp.99" in problems
    assert (
        not ControlImplementation.objects.filter(selected_control__authorization=target)
        .exclude(status="")
        .exists()
    )
    assert not ImplementationNarrative.objects.filter(
        implementation__selected_control__authorization=target
    ).exists()
    assert refused.value.report.laws == 2
    assert System.objects.get(pk=target.system_id).laws_regulations == ""


def test_a_dry_run_reports_and_writes_nothing(personas, source, target):
    values = ParameterValue.objects.filter(selected_control__authorization=target).count()
    report = ssp_import(
        actor=personas.member,
        authorization=target,
        root=broken(ssp_document(source)),
        dry_run=True,
    )
    assert report.dry_run and len(report.problems) == 5 and report.narratives > 0
    assert report.laws == 2 and System.objects.get(pk=target.system_id).laws_regulations == ""
    assert not ImplementationNarrative.objects.filter(
        implementation__selected_control__authorization=target
    ).exists()
    assert ParameterValue.objects.filter(selected_control__authorization=target).count() == values
    assert not AuditEvent.objects.filter(action="oscal_ssp_import").exists()


def test_an_assessor_of_the_cycle_may_not_import(personas, source):
    assessor_assigned(personas, source)
    with pytest.raises(ValidationError, match="Separation of duties"):
        ssp_import(
            actor=personas.assessor,
            authorization=source,
            root=ssp_document(source)["system-security-plan"],
        )


def test_a_file_that_is_not_an_ssp_is_refused():
    with pytest.raises(ValidationError, match="not a JSON file"):
        oscal_ssp_parse(b"<xml/>")
    with pytest.raises(ValidationError, match="not an OSCAL system security plan"):
        oscal_ssp_parse(b'{"catalog": {}}')
    with pytest.raises(ValidationError, match="no implemented requirements"):
        ssp_root({"system-security-plan": {"control-implementation": {}}})
