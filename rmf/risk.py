"""The risk of a finding from its likelihood and impact (SP 800-30 Rev 1, Appendix I).

An organization may adjust the table; its systems, and those of its child organizations, use
the table of the nearest organization up their tree that has one, else SP 800-30's Table I-2.
"""

from django.core.exceptions import ValidationError

from assets.models import Organization
from rmf.models import RISK_ORDER, RiskMatrix, RiskScale

VL, L, M, H, VH = (
    RiskScale.VERY_LOW.value,
    RiskScale.LOW.value,
    RiskScale.MODERATE.value,
    RiskScale.HIGH.value,
    RiskScale.VERY_HIGH.value,
)


def _row(*levels: str) -> dict[str, str]:
    """One likelihood's row: the risk for each impact, from very low to very high."""
    return dict(zip(RISK_ORDER, levels, strict=True))


# SP 800-30 Rev 1, Table I-2: cells[likelihood][impact] -> level of risk.
DEFAULT_RISK_MATRIX: dict[str, dict[str, str]] = {
    VH: _row(VL, L, M, H, VH),
    H: _row(VL, L, M, H, VH),
    M: _row(VL, L, M, M, H),
    L: _row(VL, L, L, L, M),
    VL: _row(VL, VL, VL, L, L),
}


def risk_matrix_validate(cells) -> dict[str, dict[str, str]]:
    """The table as stored: every likelihood (5) by every impact (5), each cell a level of the
    scale. Anything missing, extra or not on the scale is refused, all problems at once."""
    if not isinstance(cells, dict):
        raise ValidationError({"cells": "The risk table must give a level for each likelihood."})
    labels = dict(RiskScale.choices)
    problems = []
    extra = [str(key) for key in cells if key not in RISK_ORDER]
    if extra:
        problems.append(f"Unknown likelihood level(s): {', '.join(sorted(extra))}.")
    table: dict[str, dict[str, str]] = {}
    for likelihood in RISK_ORDER:
        row = cells.get(likelihood)
        if not isinstance(row, dict):
            problems.append(f"Likelihood “{labels[likelihood]}”: a level for each impact.")
            continue
        unknown = [str(key) for key in row if key not in RISK_ORDER]
        if unknown:
            problems.append(
                f"Likelihood “{labels[likelihood]}”: unknown impact level(s) "
                f"{', '.join(sorted(unknown))}."
            )
        table[likelihood] = {}
        for impact in RISK_ORDER:
            level = row.get(impact)
            if level not in RISK_ORDER:
                problems.append(
                    f"Likelihood “{labels[likelihood]}”, impact “{labels[impact]}”: choose a "
                    "level from very low to very high."
                )
            else:
                table[likelihood][impact] = level
    if problems:
        raise ValidationError({"cells": problems})
    return table


def _chain(organization: Organization) -> list[int]:
    return [int(part) for part in organization.path.strip("/").split("/") if part]


def risk_matrix_source(organization: Organization) -> RiskMatrix | None:
    """The table that applies to `organization`: its own or its nearest ancestor's, None when
    SP 800-30's default applies. One query."""
    chain = _chain(organization) or [organization.pk]
    tables = {
        table.organization_id: table
        for table in RiskMatrix.objects.filter(organization__in=chain).select_related(
            "organization"
        )
    }
    for pk in reversed(chain):
        if pk in tables:
            return tables[pk]
    return None


def risk_matrix_for(organization: Organization) -> dict[str, dict[str, str]]:
    """cells[likelihood][impact] for the systems of `organization`."""
    table = risk_matrix_source(organization)
    return table.cells if table is not None else DEFAULT_RISK_MATRIX


def risk_level_from(cells: dict[str, dict[str, str]], likelihood: str, impact: str) -> str:
    """The level of risk in a table; empty until both likelihood and impact are rated."""
    if not likelihood or not impact:
        return ""
    return cells[likelihood][impact]


def risk_level_for(organization: Organization, likelihood: str, impact: str) -> str:
    """The level of risk for a finding of a system of `organization`; empty until both are
    rated. Values off the scale are refused."""
    errors = {}
    if likelihood and likelihood not in RISK_ORDER:
        errors["likelihood"] = "Choose a likelihood from very low to very high."
    if impact and impact not in RISK_ORDER:
        errors["impact"] = "Choose an impact from very low to very high."
    if errors:
        raise ValidationError(errors)
    if not likelihood or not impact:
        return ""
    return risk_level_from(risk_matrix_for(organization), likelihood, impact)
