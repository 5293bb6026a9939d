"""Writes of CSF maturity self-assessments: starting one (blank, copied from an earlier year, or
carried from CSF 1.1 into 2.0), saving answers one category at a time, the CSF 2.0 tiers, the
review (submit, approve, return) and an organization's wording of the maturity levels.

Rules the pages and the API state to their users:

- Saving is all or nothing: one wrong row (a score out of the scale, a withdrawn subcategory,
  one of another version or category) refuses the whole save, with a message per row, and
  nothing is written. Subcategories not sent are left as they are, so a partial save of a
  category never loses the answers of the others.
- A copied or carried answer is a draft to review (`needs_review`); saving it confirms it.
  Only answers are copied: the CSF 2.0 tiers are judged afresh each year. Any earlier
  assessment of the organization may be copied, whatever its status (its answers are to
  review anyway).
- Carrying a CSF 1.1 assessment into 2.0 follows NIST's crosswalk (CARRY_RULE): a 2.0
  subcategory takes the rounded mean (halves rounded up) of the scores of the 1.1
  subcategories the crosswalk maps into it (same, incorporated into, moved to), their
  comments and evidence under their identifiers, and keeps in `carried_from` the 1.1
  subcategories whose answers it took; 2.0 subcategories the crosswalk gives nothing scored
  are left unanswered and flagged. Links to or from whole categories carry no score.
- Submitting is refused while an active subcategory has no score or an answer is still to
  confirm, or (CSF 2.0) a function has no tier; the refusal lists them.
- Reviewers hold REVIEW (organization administrators). The person who submitted an
  assessment may not approve it (separation of duties: somebody else confirms the
  self-assessment); they may return it. Returning needs a note saying what to change.
- State changes (submit, approve, return) take the version read: when someone else changed
  the assessment since, CsfAssessmentConflict, and nothing is written.

Every write records its audit entry in the same transaction. Modules: start (blank, copy,
carry), answers (answers and tiers), review (submit, approve, return), scale (labels).
"""

from csf.services.assessments._common import (
    DESCRIPTION_LIMIT,
    FIRST_YEAR,
    LABEL_LIMIT,
    NOTE_LIMIT,
    TEXT_LIMIT,
    AnswerInput,
    CsfAssessmentConflict,
    LabelInput,
    TierInput,
    round_half_up,
)
from csf.services.assessments.answers import csf_answers_save, csf_tiers_save
from csf.services.assessments.review import (
    csf_assessment_approve,
    csf_assessment_return,
    csf_assessment_submit,
)
from csf.services.assessments.scale import csf_maturity_labels_save
from csf.services.assessments.start import CARRY_RULE, csf_assessment_start

__all__ = [
    "CARRY_RULE",
    "DESCRIPTION_LIMIT",
    "FIRST_YEAR",
    "LABEL_LIMIT",
    "NOTE_LIMIT",
    "TEXT_LIMIT",
    "AnswerInput",
    "CsfAssessmentConflict",
    "LabelInput",
    "TierInput",
    "csf_answers_save",
    "csf_assessment_approve",
    "csf_assessment_return",
    "csf_assessment_start",
    "csf_assessment_submit",
    "csf_maturity_labels_save",
    "csf_tiers_save",
    "round_half_up",
]
