"""The plan of action and milestones ("poam", "xlsx") in the columns of the federal templates
(FedRAMP's POA&M template: "Open POA&M Items" and "Closed POA&M Items"), so an assessor or an
agency can paste it into theirs, plus one row per milestone.

Ratings use the SP 800-30 scale the workbench uses (very low to very high). The original rating
is the assessor's, on the finding; the adjusted rating is the item's when it differs.
"""

from rmf.documents.xlsx.workbook import Column, PackageWorkbook, labels
from rmf.models import Authorization, PoamItem, RiskScale
from rmf.selectors.document_rows import RISK_LABELS, local_day, poam_items_for_document
from workbench.exports import Rendered

TITLE = "Plan of action and milestones"
RISK_PROMPT = "SP 800-30 scale: very low to very high."
STATUS_LABELS = dict(PoamItem.Status.choices)
WEAKNESS_NAME_CHARS = 120

ITEM_COLUMNS = [
    Column("POAM ID", 11),
    Column("Controls", 11),
    Column("Weakness Name", 36, wrap=True),
    Column("Weakness Description", 50, wrap=True),
    Column("Weakness Detector Source", 28, wrap=True),
    Column("Weakness Source Identifier", 14),
    Column("Asset Identifier", 24, wrap=True),
    Column("Point of Contact", 22, wrap=True),
    Column("Resources Required", 30, wrap=True),
    Column("Overall Remediation Plan", 45, wrap=True),
    Column("Original Detection Date", 13, number_format="yyyy-mm-dd"),
    Column("Scheduled Completion Date", 13, number_format="yyyy-mm-dd"),
    Column("Planned Milestones", 45, wrap=True),
    Column("Milestone Changes", 40, wrap=True),
    Column("Status Date", 13, number_format="yyyy-mm-dd"),
    Column("Original Risk Rating", 13, choices=labels(RiskScale.choices), prompt=RISK_PROMPT),
    Column("Adjusted Risk Rating", 13, choices=labels(RiskScale.choices), prompt=RISK_PROMPT),
    Column("Risk Adjustment", 11, choices=("Yes", "No")),
    Column("Risk Response", 16),
    Column("Deviation Rationale", 40, wrap=True),
    Column("Supporting Documents", 30, wrap=True),
    Column("Comments", 40, wrap=True),
    Column(
        "Status",
        14,
        choices=labels(PoamItem.Status.choices),
        prompt="Open, ongoing, risk accepted (by the authorizing official) or completed.",
    ),
]
MILESTONE_COLUMNS = [
    Column("POAM ID", 11),
    Column("Controls", 11),
    Column("Milestone", 60, wrap=True),
    Column("Due on", 13, number_format="yyyy-mm-dd"),
    Column("Completed on", 13, number_format="yyyy-mm-dd"),
]


def weakness_name(text: str) -> str:
    """The first line of the weakness, shortened: the template's one-line name."""
    first = text.strip().splitlines()[0] if text.strip() else ""
    if len(first) <= WEAKNESS_NAME_CHARS:
        return first
    return first[: WEAKNESS_NAME_CHARS - 1].rstrip() + "…"


def _row(item: PoamItem, asset: str) -> list:
    finding = item.finding
    control = item.selected_control.control.label if item.selected_control else ""
    description = item.weakness
    if finding is not None:
        objectives = ", ".join(
            part.label or part.pk
            for part in sorted(finding.objectives.all(), key=lambda p: p.sort_order)
        )
        if objectives:
            description = f"{description}\n\nObjectives other than satisfied: {objectives}"
    milestones = list(item.milestones.all())
    planned = "\n".join(
        f"{number}. {milestone.description} (due {milestone.due_on.isoformat()})"
        for number, milestone in enumerate(milestones, 1)
    )
    changes = "\n".join(
        f"{milestone.description}: completed on {milestone.completed_on.isoformat()}"
        for milestone in milestones
        if milestone.completed_on
    )
    original = (finding.risk_level if finding else "") or item.risk_level
    adjusted = item.risk_level if item.risk_level and item.risk_level != original else ""
    response = getattr(finding, "risk_response", None) if finding else None
    comments = [
        text
        for text in (
            item.closure_note,
            f"Completion re-checked by an assessor on {local_day(item.rechecked_at)}."
            if item.rechecked_at
            else "",
        )
        if text
    ]
    if item.status == PoamItem.Status.COMPLETED and item.closed_at:
        status_date = local_day(item.closed_at)
    elif item.status == PoamItem.Status.RISK_ACCEPTED and item.risk_accepted_at:
        status_date = local_day(item.risk_accepted_at)
    else:
        status_date = local_day(item.updated_at)
    return [
        item.code,
        control,
        weakness_name(item.weakness),
        description,
        finding.assessment.title if finding else item.source,
        finding.code if finding else "",
        asset,
        item.point_of_contact,
        item.resources,
        finding.recommendation if finding else "",
        local_day(finding.created_at if finding else item.created_at),
        item.scheduled_completion,
        planned,
        changes,
        status_date,
        RISK_LABELS.get(original, ""),
        RISK_LABELS.get(adjusted, ""),
        "Yes" if adjusted else "No",
        response.get_response_display() if response else "",
        item.risk_acceptance_rationale,
        "; ".join(evidence.title for evidence in item.closure_evidence.all()),
        "\n".join(comments),
        STATUS_LABELS.get(item.status, item.status),
    ]


def render(authorization: Authorization) -> Rendered:
    book = PackageWorkbook(authorization, document=TITLE)
    system = authorization.system
    asset = f"{system.name} ({system.acronym})"
    items = poam_items_for_document(authorization)
    open_items = book.table("Open POA&M Items", ITEM_COLUMNS, freeze_columns=1)
    closed_items = book.table("Closed POA&M Items", ITEM_COLUMNS, freeze_columns=1)
    milestones = book.table("Milestones", MILESTONE_COLUMNS, freeze_columns=1)
    for item in items:
        table = closed_items if item.status == PoamItem.Status.COMPLETED else open_items
        row = _row(item, asset)
        table.append(row)
        for milestone in item.milestones.all():
            milestones.append(
                [item.code, row[1], milestone.description, milestone.due_on, milestone.completed_on]
            )
    return book.render("poam")
