"""The assessment results ("sar", "xlsx") of the cycle's initial assessment: a summary per control
family, the determination of every SP 800-53A objective in scope (those not yet determined
included, with an empty result to fill), and the findings with their risk and response."""

from rmf.documents.xlsx.workbook import Column, PackageWorkbook, labels
from rmf.models import Authorization, DeterminationResult, Finding, RiskScale
from rmf.selectors.document_rows import assessment_results_rows, family_summaries
from workbench.exports import Rendered

TITLE = "Security assessment results"
RISK_PROMPT = "SP 800-30 scale: very low to very high."

SUMMARY_COLUMNS = [
    Column("Family", 8),
    Column("Family title", 36, wrap=True),
    Column("Controls", 10),
    Column("Controls satisfied", 11),
    Column("Controls other than satisfied", 13),
    Column("Objectives", 11),
    Column("Satisfied", 10),
    Column("Other than satisfied", 12),
    Column("Not applicable", 11),
    Column("Not determined", 11),
    Column("Applicable objectives satisfied", 13, number_format="0%"),
]
OBJECTIVE_COLUMNS = [
    Column("Family", 8),
    Column("Control", 11),
    Column("Control title", 28, wrap=True),
    Column("Objective", 16),
    Column("Objective ID", 18),
    Column("Statement part ID", 18),
    Column("Determine if", 60, wrap=True),
    Column(
        "Result",
        18,
        choices=labels(DeterminationResult.choices),
        prompt="The determination for this objective; empty while not determined.",
    ),
    Column("Methods", 18),
    Column("Evidence examined", 40, wrap=True),
    Column("Evidence (library)", 30, wrap=True),
    Column("Note", 40, wrap=True),
    Column("Determined by", 20),
    Column("Determined on", 13, number_format="yyyy-mm-dd"),
    Column("Finding", 9),
]
FINDING_COLUMNS = [
    Column("Finding", 9),
    Column("Control", 11),
    Column("Control title", 28, wrap=True),
    Column("Objectives other than satisfied", 24, wrap=True),
    Column("Weakness", 50, wrap=True),
    Column("Likelihood", 12, choices=labels(RiskScale.choices), prompt=RISK_PROMPT),
    Column("Impact", 12, choices=labels(RiskScale.choices), prompt=RISK_PROMPT),
    Column("Risk level", 12, choices=labels(RiskScale.choices), prompt=RISK_PROMPT),
    Column("Recommendation", 50, wrap=True),
    Column("Status", 22, choices=labels(Finding.Status.choices)),
    Column("Risk response", 16),
    Column("Response rationale", 40, wrap=True),
    Column("Identified on", 13, number_format="yyyy-mm-dd"),
]


def render(authorization: Authorization) -> Rendered:
    results = assessment_results_rows(authorization)
    title = TITLE
    if results.assessment is not None:
        title = f"{TITLE}: {results.assessment.title}"
    book = PackageWorkbook(authorization, document=title)

    summary = book.table("Summary by family", SUMMARY_COLUMNS, freeze_columns=1)
    for item in family_summaries(results.objectives):
        summary.append(
            [
                item.family,
                item.title,
                len(item.controls),
                item.controls_with(DeterminationResult.SATISFIED.value),
                item.controls_with(DeterminationResult.OTHER_THAN_SATISFIED.value),
                item.objectives,
                item.satisfied,
                item.other_than_satisfied,
                item.not_applicable,
                item.not_determined,
                item.satisfied_share,
            ],
            bold=item.family == "Total",
        )

    objectives = book.table("Results by objective", OBJECTIVE_COLUMNS, freeze_columns=2)
    for row in results.objectives:
        objectives.append(
            [
                row.family,
                row.control,
                row.title,
                row.objective,
                row.objective_id,
                row.part_id,
                row.text,
                row.result,
                row.methods,
                row.evidence_examined,
                row.evidence,
                row.note,
                row.determined_by,
                row.determined_on,
                row.finding,
            ]
        )

    findings = book.table("Findings", FINDING_COLUMNS, freeze_columns=1)
    for row in results.findings:
        findings.append(
            [
                row.finding,
                row.control,
                row.title,
                row.objectives,
                row.weakness,
                row.likelihood,
                row.impact,
                row.risk_level,
                row.recommendation,
                row.status,
                row.response,
                row.response_rationale,
                row.identified_on,
            ]
        )
    return book.render("assessment-results")
