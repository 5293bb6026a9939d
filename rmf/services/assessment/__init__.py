"""Step 4, Assess (SP 800-53A): assessors (A-1), the plan (A-2), determinations (A-3),
findings and their risk (A-4), remediation and re-assessment (A-5), the POA&M (A-6), and the
organizations' risk tables.

Every function is keyword-only and runs in one transaction with its audit record (organization:
the system's, or the organization for its risk table). Refusals are django ValidationErrors
with a message for the user (a dict keyed by field where one applies); conflicts raise the
exceptions of `errors`, carrying both versions. The views have checked the base permission
(VIEW, ASSESS, EDIT_RMF, AUTHORIZE on the system); these check what views cannot: the assessor's
assignment, AUTHORIZE for assigning assessors and approving the plan, separation of duties,
the step, and that the cycle is open.
"""

from rmf.services.assessment.assessors import assessor_assign, assessor_unassign
from rmf.services.assessment.determinations import (
    control_determinations_save,
    determination_save,
)
from rmf.services.assessment.errors import (
    DeterminationConflict,
    DeterminationConflictItem,
    FindingConflict,
    PlanConflict,
    PoamItemConflict,
)
from rmf.services.assessment.findings import finding_reassess, finding_update, remediation_record
from rmf.services.assessment.plan import assessment_plan_approve, assessment_plan_save
from rmf.services.assessment.poam import (
    poam_item_update,
    poam_items_generate,
    poam_milestone_add,
    poam_milestone_complete,
    poam_milestone_remove,
)
from rmf.services.assessment.risk_matrix import risk_matrix_reset, risk_matrix_set

__all__ = [
    "DeterminationConflict",
    "DeterminationConflictItem",
    "FindingConflict",
    "PlanConflict",
    "PoamItemConflict",
    "assessment_plan_approve",
    "assessment_plan_save",
    "assessor_assign",
    "assessor_unassign",
    "control_determinations_save",
    "determination_save",
    "finding_reassess",
    "finding_update",
    "poam_item_update",
    "poam_items_generate",
    "poam_milestone_add",
    "poam_milestone_complete",
    "poam_milestone_remove",
    "remediation_record",
    "risk_matrix_reset",
    "risk_matrix_set",
]
