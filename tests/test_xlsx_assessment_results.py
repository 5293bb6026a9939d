"""The assessment results workbook ("sar", "xlsx"): a summary per family, every SP 800-53A
objective in the initial assessment's scope with its determination, the findings with their
risk; lists on the result and risk columns; a fixed number of queries whatever the scope."""

from datetime import date

from django.db import connection
from django.test.utils import CaptureQueriesContext

from rmf.documents import document_render
from rmf.models import Determination, SelectedControl
from rmf.selectors.assessment import leaf_objectives
from rmf.services.assessment import assessment_plan_approve, assessment_plan_save
from tests.assessment_steps import (
    METHODS,
    TODAY,
    control,
    determine_all,
    determine_control,
    plan_approved,
)
from tests.authorize_steps import cycle_in_authorize
from tests.test_rmf_cycles import cycle_in_assess
from tests.test_xlsx_control_matrix import table_of, validations_of, workbook_of

RISK = ["Very low", "Low", "Moderate", "High", "Very high"]


def test_results_per_objective_with_a_summary_per_family_and_the_findings(personas):
    authorization = cycle_in_authorize(personas)
    active = SelectedControl.objects.filter(
        authorization=authorization, tailoring__in=["baseline", "added"]
    )
    objectives = leaf_objectives(active.values_list("control_id", flat=True))
    total = sum(len(items) for items in objectives.values())

    book = workbook_of(document_render(authorization, "sar", "xlsx"))
    assert book.sheetnames == [
        "About",
        "Summary by family",
        "Results by objective",
        "Findings",
        "Lists",
    ]
    assert dict(book["About"].iter_rows(values_only=True))["Document"] == (
        "Security assessment results: TSC initial assessment"
    )

    sheet = book["Results by objective"]
    assert sheet.freeze_panes == "C2"
    assert sheet.auto_filter.ref == f"A1:O{total + 1}"
    rows = table_of(sheet)
    assert (
        len(rows)
        == total
        == Determination.objects.filter(assessment__authorization=authorization).count()
    )
    ac2 = [row for row in rows if row["Control"] == "AC-2"]
    assert [row["Objective ID"] for row in ac2] == [o.pk for o in objectives["ac-2"]]
    failing = ac2[0]
    assert failing["Objective"] == "AC-02a.[01]"
    assert failing["Statement part ID"] == "ac-2_smt.a"
    assert failing["Determine if"] == (
        "account types allowed for use within the system are defined and documented;"
    )
    assert failing["Result"] == "Other than satisfied"
    assert failing["Methods"] == "Examine"
    assert failing["Evidence examined"] == "The security plan."
    assert failing["Note"] == "Shared administrator account."
    assert failing["Determined by"] == personas.assessor.get_full_name()
    assert failing["Determined on"].date() == date.today()
    assert failing["Finding"].startswith("F-")
    assert ac2[1]["Result"] == "Satisfied" and ac2[1]["Finding"] == failing["Finding"]
    assert next(row for row in rows if row["Control"] == "AC-3")["Finding"] is None

    summary = table_of(book["Summary by family"])
    assert [row["Family"] for row in summary][:2] == ["AC", "AT"]
    ac = summary[0]
    assert ac["Family title"] == "Access Control"
    assert ac["Controls other than satisfied"] == 1
    assert ac["Other than satisfied"] == 1
    assert ac["Objectives"] == len([row for row in rows if row["Family"] == "AC"])
    assert ac["Controls"] == ac["Controls satisfied"] + 1
    totals = summary[-1]
    assert totals["Family"] == "Total"
    assert totals["Objectives"] == total
    assert totals["Other than satisfied"] == 2
    assert totals["Satisfied"] == total - 2
    assert totals["Not determined"] == 0
    assert totals["Controls"] == active.count()
    assert abs(totals["Applicable objectives satisfied"] - (total - 2) / total) < 1e-9
    last = book["Summary by family"].max_row
    assert book["Summary by family"].cell(row=last, column=1).font.b
    assert book["Summary by family"].cell(row=last, column=11).number_format == "0%"

    findings = table_of(book["Findings"])
    assert [row["Control"] for row in findings] == ["AC-2", "IA-5"]
    assert findings[0]["Finding"] == failing["Finding"]
    assert findings[0]["Objectives other than satisfied"] == "AC-02a.[01]"
    assert findings[0]["Weakness"] == "AC-2: one account shared by six."
    assert (findings[0]["Likelihood"], findings[0]["Impact"]) == ("Moderate", "High")
    assert findings[0]["Risk level"] in RISK
    assert findings[0]["Recommendation"] == "Give each technician a named account."
    assert findings[0]["Status"] == "Open"

    assert validations_of(sheet) == {
        "Result": ["Satisfied", "Other than satisfied", "Not applicable"]
    }
    lists = validations_of(book["Findings"])
    assert lists["Likelihood"] == lists["Impact"] == lists["Risk level"] == RISK
    assert lists["Status"][0] == "Open"


def test_objectives_not_yet_determined_are_listed_empty(personas):
    authorization = cycle_in_assess(personas)
    assessment = plan_approved(personas, authorization)
    determine_control(personas, assessment, control(authorization, "ac-2"))

    book = workbook_of(document_render(authorization, "sar", "xlsx"))
    rows = table_of(book["Results by objective"])
    determined = [row for row in rows if row["Result"]]
    assert {row["Control"] for row in determined} == {"AC-2"}
    assert next(row for row in rows if row["Control"] == "AC-3")["Result"] is None
    totals = table_of(book["Summary by family"])[-1]
    assert totals["Satisfied"] == len(determined)
    assert totals["Not determined"] == len(rows) - len(determined)
    assert table_of(book["Findings"]) == []


def test_without_an_assessment_the_workbook_has_its_headers_only(personas):
    book = workbook_of(document_render(cycle_in_assess(personas), "sar", "xlsx"))
    assert table_of(book["Results by objective"]) == []
    assert [row["Family"] for row in table_of(book["Summary by family"])] == ["Total"]


def test_the_results_take_the_same_queries_whatever_the_scope(personas):
    authorization = cycle_in_assess(personas)
    two = [control(authorization, "ac-2").pk, control(authorization, "ia-5").pk]
    assessment = plan_approved(personas, authorization, scope_all=False, scoped_control_ids=two)
    determine_all(personas, assessment, failing={"ac-2": 1})

    def count() -> tuple[int, int]:
        with CaptureQueriesContext(connection) as queries:
            rendered = document_render(authorization, "sar", "xlsx")
        return len(queries), workbook_of(rendered)["Results by objective"].max_row

    small, small_rows = count()
    assessment = assessment_plan_save(
        actor=personas.assessor,
        authorization=authorization,
        title="TSC initial assessment",
        scope_all=False,
        scoped_control_ids=list(
            SelectedControl.objects.filter(authorization=authorization).values_list("pk", flat=True)
        ),
        starts_on=TODAY,
        ends_on=TODAY,
        methods=METHODS,
        assessment_objects="Everything.",
        rules_of_engagement="None.",
    )
    assessment = assessment_plan_approve(actor=personas.authorizing_official, assessment=assessment)
    determine_all(personas, assessment, failing={"ac-2": 1, "ia-5": 1, "cm-2": 1})
    large, large_rows = count()
    assert large_rows > 10 * small_rows
    assert large == small
