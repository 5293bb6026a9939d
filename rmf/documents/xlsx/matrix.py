"""The control implementation matrix ("ssp", "xlsx"): one row per selected control and statement
part, with the requirement as it reads for this system (parameter values filled in), status,
designation and provider, parameters, the narrative, the provider's narrative for inherited
controls, and the latest assessment result. Removed controls keep one row with the rationale."""

from django.core.exceptions import ValidationError

from rmf.documents.xlsx.workbook import Column, PackageWorkbook, labels
from rmf.models import Authorization, Designation, ImplementationStatus
from rmf.selectors.document_rows import control_matrix_rows
from workbench.exports import Rendered

TITLE = "Control implementation matrix"

COLUMNS = [
    Column("Family", 8),
    Column("Control", 11),
    Column("Control title", 30, wrap=True),
    Column("Part", 8),
    Column("Statement part ID", 18),
    Column("Requirement (with this system's values)", 60, wrap=True),
    Column("Tailoring", 18, wrap=True),
    Column("Tailoring rationale", 30, wrap=True),
    Column(
        "Implementation status",
        18,
        choices=labels(ImplementationStatus.choices),
        prompt="How far the control is in place.",
    ),
    Column(
        "Designation",
        16,
        choices=labels(Designation.choices),
        prompt="Who implements the control: this system, a common control provider, or both.",
    ),
    Column("Provider", 24, wrap=True),
    Column("Responsible roles", 22, wrap=True),
    Column("Parameters (values)", 45, wrap=True),
    Column("Implementation narrative", 70, wrap=True),
    Column("Provider's narrative", 50, wrap=True),
    Column("Latest result (part)", 16),
    Column("Latest result (control)", 16),
    Column("Last assessed", 13, number_format="yyyy-mm-dd"),
]


def render(authorization: Authorization) -> Rendered:
    """Raises ValidationError before the control set is selected: there is nothing to list."""
    rows = control_matrix_rows(authorization)
    if not rows:
        raise ValidationError(
            "The control implementation matrix has no controls yet: select the control set "
            "(step Select) first."
        )
    book = PackageWorkbook(authorization, document=TITLE)
    table = book.table("Controls", COLUMNS, freeze_columns=2)
    for row in rows:
        table.append(
            [
                row.family,
                row.control,
                row.title,
                row.part,
                row.part_id,
                row.requirement,
                row.tailoring,
                row.tailoring_rationale,
                row.status,
                row.designation,
                row.provider,
                row.responsible_roles,
                row.parameters,
                row.narrative,
                row.provider_narrative,
                row.part_result,
                row.control_result,
                row.last_assessed,
            ]
        )
    return book.render("control-matrix")
