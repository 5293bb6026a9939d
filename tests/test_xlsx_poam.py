"""The POA&M workbook ("poam", "xlsx") in the federal template's columns: open and closed items
on their sheets, milestones planned and completed, detection and completion dates as dates,
lists on the risk and status columns; a fixed number of queries whatever the items."""

from datetime import timedelta

from django.db import connection
from django.test.utils import CaptureQueriesContext

from rmf.documents import document_render
from rmf.models import PoamItem
from rmf.services.assessment import poam_milestone_add, poam_milestone_complete
from rmf.services.implementation import evidence_link_create
from rmf.services.poam_management import poam_item_add, poam_item_complete_with_evidence
from tests.assessment_steps import TODAY
from tests.authorize_steps import cycle_in_authorize
from tests.test_xlsx_control_matrix import table_of, validations_of, workbook_of

FEDRAMP_COLUMNS = [
    "POAM ID",
    "Controls",
    "Weakness Name",
    "Weakness Description",
    "Weakness Detector Source",
    "Weakness Source Identifier",
    "Asset Identifier",
    "Point of Contact",
    "Resources Required",
    "Overall Remediation Plan",
    "Original Detection Date",
    "Scheduled Completion Date",
    "Planned Milestones",
    "Milestone Changes",
    "Status Date",
    "Original Risk Rating",
    "Adjusted Risk Rating",
    "Risk Adjustment",
    "Risk Response",
    "Deviation Rationale",
    "Supporting Documents",
    "Comments",
    "Status",
]
RISK = ["Very low", "Low", "Moderate", "High", "Very high"]


def test_the_poam_in_the_federal_template_columns(personas):
    authorization = cycle_in_authorize(personas)
    items = list(
        PoamItem.objects.filter(authorization=authorization)
        .select_related("finding", "selected_control__control")
        .order_by("number")
    )
    assert len(items) == 2
    first, second = items
    milestone = first.milestones.get()
    poam_milestone_complete(actor=personas.member, milestone=milestone, completed_on=TODAY)
    evidence = evidence_link_create(
        actor=personas.member,
        organization=personas.agency,
        title="Account review, March",
        url="https://example.org/review",
    )
    poam_item_complete_with_evidence(
        actor=personas.member,
        item=PoamItem.objects.get(pk=first.pk),
        evidence=[evidence],
        note="Named accounts created for the six technicians.",
    )

    book = workbook_of(document_render(authorization, "poam", "xlsx"))
    assert book.sheetnames == [
        "About",
        "Open POA&M Items",
        "Closed POA&M Items",
        "Milestones",
        "Lists",
    ]
    open_sheet, closed_sheet = book["Open POA&M Items"], book["Closed POA&M Items"]
    for sheet in (open_sheet, closed_sheet):
        assert [cell.value for cell in next(sheet.iter_rows(max_row=1))] == FEDRAMP_COLUMNS
        assert sheet.freeze_panes == "B2"
        assert sheet.auto_filter.ref == "A1:W2"

    [closed] = table_of(closed_sheet)
    assert closed["POAM ID"] == first.code
    assert closed["Controls"] == first.selected_control.control.label
    assert closed["Status"] == "Completed"
    assert closed["Status Date"].date() == TODAY
    assert closed["Supporting Documents"] == "Account review, March"
    assert closed["Comments"] == "Named accounts created for the six technicians."
    assert closed["Milestone Changes"] == (
        f"Named accounts created: completed on {TODAY.isoformat()}"
    )

    [open_row] = table_of(open_sheet)
    finding = second.finding
    assert open_row["POAM ID"] == second.code
    assert open_row["Weakness Name"] == second.weakness
    assert open_row["Weakness Description"].startswith(second.weakness)
    assert "Objectives other than satisfied: IA-05" in open_row["Weakness Description"]
    assert open_row["Weakness Detector Source"] == "TSC initial assessment"
    assert open_row["Weakness Source Identifier"] == finding.code
    assert open_row["Asset Identifier"] == "Traffic Signal Control (TSC)"
    assert open_row["Point of Contact"] == "TMC supervisor"
    assert open_row["Resources Required"] == "Vendor services, 40 hours."
    assert open_row["Overall Remediation Plan"] == "Give each technician a named account."
    assert open_row["Original Detection Date"].date() == TODAY
    assert open_row["Scheduled Completion Date"].date() == TODAY + timedelta(days=90)
    assert open_sheet.cell(row=2, column=12).number_format == "yyyy-mm-dd"
    assert open_row["Planned Milestones"] == (
        f"1. Named accounts created (due {(TODAY + timedelta(days=30)).isoformat()})"
    )
    assert open_row["Milestone Changes"] is None
    assert (
        open_row["Original Risk Rating"]
        == dict(zip(["very_low", "low", "moderate", "high", "very_high"], RISK, strict=True))[
            finding.risk_level
        ]
    )
    assert open_row["Adjusted Risk Rating"] is None
    assert open_row["Risk Adjustment"] == "No"
    assert open_row["Status"] == "Ongoing"

    lists = validations_of(open_sheet)
    assert lists["Original Risk Rating"] == lists["Adjusted Risk Rating"] == RISK
    assert lists["Risk Adjustment"] == ["Yes", "No"]
    assert lists["Status"] == ["Open", "Ongoing", "Risk accepted", "Completed"]

    milestones = table_of(book["Milestones"])
    assert [(row["POAM ID"], row["Milestone"]) for row in milestones] == [
        (first.code, "Named accounts created"),
        (second.code, "Named accounts created"),
    ]
    assert milestones[0]["Completed on"].date() == TODAY
    assert milestones[1]["Completed on"] is None


def test_the_poam_takes_the_same_queries_whatever_the_items(personas):
    authorization = cycle_in_authorize(personas)

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            document_render(authorization, "poam", "xlsx")
        return len(queries)

    few = count()
    for item in PoamItem.objects.filter(authorization=authorization):
        for days in (10, 20, 40):
            poam_milestone_add(
                actor=personas.member,
                item=item,
                description=f"Step due in {days} days",
                due_on=TODAY + timedelta(days=days),
            )
    for number in range(3):
        poam_item_add(
            actor=personas.member,
            authorization=authorization,
            weakness=f"Scan finding {number}: outdated controller firmware.",
            source="Quarterly vulnerability scan",
            risk_level="high",
            point_of_contact="TMC supervisor",
            scheduled_completion=TODAY + timedelta(days=60),
            milestone_description="Firmware updated",
            milestone_due_on=TODAY + timedelta(days=30),
        )
    book = workbook_of(document_render(authorization, "poam", "xlsx"))
    assert len(table_of(book["Milestones"])) == 11
    scans = [row for row in table_of(book["Open POA&M Items"]) if row["Controls"] is None]
    assert len(scans) == 3
    assert scans[0]["Weakness Detector Source"] == "Quarterly vulnerability scan"
    assert scans[0]["Weakness Source Identifier"] is None
    assert scans[0]["Original Risk Rating"] == "High"
    assert count() == few
