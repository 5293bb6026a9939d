"""Reads of the Authorize pages and API (SP 800-37 R-1 to R-5): the authorization package with
its completeness and an executive summary written from the data, the authorizing official's
view of the risk (findings not closed, the POA&M, risk aggregated per group of controls), and
the decision with what changed since it was signed.

Risk is aggregated by groupings registered here (`register_risk_grouping`): the control
families are built in; other apps add theirs (the CSF functions come from `csf`, which depends on
`rmf` and not the other way round). Every read costs a fixed number of queries whatever the
number of controls, findings or POA&M items.
"""

from rmf.selectors.authorize_pages.assembly import (
    ControlRow,
    ExecutiveSummary,
    FamilyRow,
    PackagePage,
    PackagePart,
    ResultCounts,
    package_page,
    package_parts,
)
from rmf.selectors.authorize_pages.common import (
    AUTHORIZE_TASKS,
    NOT_CLOSED,
    PACKAGE_PARTS,
    RISK_LABELS,
    RISK_LEVELS_DESC,
    STATUS_LABELS,
    finding_with_response,
    findings_not_closed,
    in_authorize_or_later,
    plural,
    poam_items,
    risk_counts,
)
from rmf.selectors.authorize_pages.risk_decision import (
    DecisionPage,
    RiskPage,
    add_months,
    decision_page,
    risk_page,
    suggested_termination,
)
from rmf.selectors.authorize_pages.risk_groups import (
    GroupedControls,
    GroupingTable,
    GroupRow,
    RiskGrouping,
    families_of,
    register_risk_grouping,
    risk_by_group,
    risk_groupings,
)

__all__ = [
    "AUTHORIZE_TASKS",
    "NOT_CLOSED",
    "PACKAGE_PARTS",
    "RISK_LABELS",
    "RISK_LEVELS_DESC",
    "STATUS_LABELS",
    "ControlRow",
    "DecisionPage",
    "ExecutiveSummary",
    "FamilyRow",
    "GroupRow",
    "GroupedControls",
    "GroupingTable",
    "PackagePage",
    "PackagePart",
    "ResultCounts",
    "RiskGrouping",
    "RiskPage",
    "add_months",
    "decision_page",
    "families_of",
    "finding_with_response",
    "findings_not_closed",
    "in_authorize_or_later",
    "package_page",
    "package_parts",
    "plural",
    "poam_items",
    "register_risk_grouping",
    "risk_by_group",
    "risk_counts",
    "risk_groupings",
    "risk_page",
    "suggested_termination",
]
