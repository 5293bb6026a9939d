"""CSF coverage derived from RMF work: how the controls a system selected, implemented and had
assessed cover each CSF subcategory, without anyone filling a CSF form.

The rule, as the pages state it (RULE):

* A subcategory's mapped controls are the SP 800-53 controls NIST maps to it in that CSF version
  (`ControlMapping`; for CSF 2.0 the union of the Reference Tool and the OLIR crosswalk).
* In a system's current RMF cycle each mapped control is in one state:
  - "satisfied": implemented (or an alternative implementation) and the latest determination
    of each of its SP 800-53A objectives is in, none "other than satisfied" and at least one
    "satisfied" (`rmf.selectors.assessment.derived_result` == satisfied);
  - "implemented": implemented, not (fully) assessed yet;
  - "partial": partially implemented, or implemented but its latest assessment found a
    weakness (an objective "other than satisfied");
  - "planned": planned, or selected with no implementation status yet;
  - "not_applicable": selected but documented as not applicable: it does not count;
  - "not_selected": not in the cycle's active control set (never selected, scoped out or
    replaced by a compensating control).
* A subcategory's level in a system is the WEAKEST state among its selected mapped controls
  that count (satisfied > implemented > partial > planned); "not_addressed" when none does.
  A subcategory is "covered" when its level is satisfied or implemented.
* Categories and functions count their subcategories per level; their share covered is the
  covered subcategories over all of them. For an organization, each subcategory counts the
  systems at each level, and categories and functions count (subcategory, system) pairs.

An organization's coverage is computed over the current cycles of its systems not disposed
(`rmf.selectors.reporting.reported_cycles`); systems that have not started an RMF cycle have
no RMF work to derive coverage from and are counted apart. Everything is computed by the
database, grouped, in a fixed number of queries whatever the number of systems: the per-system
level is a MIN over the mapped controls' ranks, and the organization counts group those rows
again (one SQL statement over Django's compiled queries, `_grouped_counts`).
"""

from csf.selectors.coverage.reads import (
    current_cycle,
    organization_csf_coverage,
    organization_subcategory_hints,
    system_csf_coverage,
)
from csf.selectors.coverage.results import (
    CategoryCoverage,
    ControlSpread,
    Counts,
    Coverage,
    FunctionCoverage,
    LevelCount,
    MappedControl,
    OrganizationCoverage,
    OrganizationSubcategory,
    SubcategoryCoverage,
    SystemCoverage,
)
from csf.selectors.coverage.rules import (
    CONTROL_STATE_LABELS,
    CONTROL_STATES,
    COVERED_LEVELS,
    DEFAULT_VERSION,
    IMPLEMENTED,
    LEVEL_DESCRIPTIONS,
    LEVEL_LABELS,
    LEVELS,
    NOT_ADDRESSED,
    NOT_APPLICABLE,
    NOT_SELECTED,
    PARTIAL,
    PLANNED,
    RANK,
    RULE,
    SATISFIED,
    control_rank_case,
    control_state_case,
    level_of,
)

__all__ = [
    "CONTROL_STATES",
    "CONTROL_STATE_LABELS",
    "COVERED_LEVELS",
    "DEFAULT_VERSION",
    "IMPLEMENTED",
    "LEVELS",
    "LEVEL_DESCRIPTIONS",
    "LEVEL_LABELS",
    "NOT_ADDRESSED",
    "NOT_APPLICABLE",
    "NOT_SELECTED",
    "PARTIAL",
    "PLANNED",
    "RANK",
    "RULE",
    "SATISFIED",
    "CategoryCoverage",
    "ControlSpread",
    "Counts",
    "Coverage",
    "FunctionCoverage",
    "LevelCount",
    "MappedControl",
    "OrganizationCoverage",
    "OrganizationSubcategory",
    "SubcategoryCoverage",
    "SystemCoverage",
    "control_rank_case",
    "control_state_case",
    "current_cycle",
    "level_of",
    "organization_csf_coverage",
    "organization_subcategory_hints",
    "system_csf_coverage",
]
