"""The assessment results and the POA&M as OSCAL JSON: valid against NIST's schemas (1.2.1,
declared, and 1.1.3), loadable by compliance-trestle, with a finding per objective determined,
the weaknesses as risks with their SP 800-30 levels and the authorizing official's response,
and every POA&M item with its milestones."""

import json

import pytest
from django.core.exceptions import ValidationError

from rmf.documents import document_render
from rmf.documents.oscal.poam import poam_document
from rmf.documents.oscal.results import results_document
from rmf.documents.oscal.schema import oscal_errors
from rmf.models import Determination, PoamItem
from tests.authorize_steps import cycle_in_authorize, ready_to_sign
from tests.test_rmf_cycles import cycle_in_implement


@pytest.fixture
def cycle(personas):
    return ready_to_sign(personas, cycle_in_authorize(personas))


def test_both_documents_are_valid_and_load_in_trestle(cycle, nist_dir):
    from trestle.oscal.assessment_results import AssessmentResults
    from trestle.oscal.poam import PlanOfActionAndMilestones

    for kind, model in (("sar", AssessmentResults), ("poam", PlanOfActionAndMilestones)):
        filename, content_type, body = document_render(cycle, kind, "json")
        assert filename == f"TSC-cycle1-{kind}.oscal.json"
        document = json.loads(body)
        (root,) = document.values()
        assert root["metadata"]["oscal-version"] == "1.2.1"
        assert oscal_errors(document, version="1.2.1", nist_dir=nist_dir) == [], kind
        assert oscal_errors(document, version="1.1.3", nist_dir=nist_dir) == [], kind
        model.model_validate(root)


def test_the_results_hold_every_objective_and_the_weaknesses(cycle):
    document = results_document(cycle)
    (result,) = document["assessment-results"]["results"]
    objective_findings = [
        item for item in result["findings"] if item["target"]["type"] == "objective-id"
    ]
    assert (
        len(objective_findings)
        == Determination.objects.filter(assessment__authorization=cycle).count()
    )
    failing = {
        item["target"]["target-id"]
        for item in objective_findings
        if item["target"]["status"]["state"] == "not-satisfied"
    }
    assert len(failing) == 2 and all(t.startswith(("ac-2_obj", "ia-5_obj")) for t in failing)
    assert len(result["risks"]) == 2
    risk = result["risks"][0]
    facets = {facet["name"] for facet in risk["characterizations"][0]["facets"]}
    assert facets == {"likelihood", "impact", "risk"}
    assert any(item["title"] == "Mitigate" for item in risk["remediations"])
    controls = result["reviewed-controls"]["control-selections"][0]["include-controls"]
    assert len(controls) == 149


def test_the_poam_lists_every_item_with_its_milestones(cycle):
    document = poam_document(cycle)["plan-of-action-and-milestones"]
    items = PoamItem.objects.filter(authorization=cycle).prefetch_related("milestones")
    assert len(document["poam-items"]) == items.count() >= 2
    risks = {risk["uuid"]: risk for risk in document["risks"]}
    for item, exported in zip(items.order_by("number"), document["poam-items"], strict=True):
        assert {"name": "POAM-ID", "value": item.code} in exported["props"]
        risk = risks[exported["related-risks"][0]["risk-uuid"]]
        tasks = risk["remediations"][0].get("tasks", [])
        assert [task["title"] for task in tasks] == [
            milestone.description for milestone in item.milestones.all()
        ]
    assert results_document(cycle) == results_document(cycle)  # stable


def test_nothing_to_export_before_the_assessment(personas):
    authorization = cycle_in_implement(personas)
    with pytest.raises(ValidationError, match="No assessment"):
        results_document(authorization)
    with pytest.raises(ValidationError, match="no item yet"):
        poam_document(authorization)
