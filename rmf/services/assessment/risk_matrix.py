"""An organization's risk table (SP 800-30 Table I-2 unless adjusted): the organization's
administrator sets it; its systems and its child organizations' use it for new ratings."""

from django.db import transaction

from assets.audit import audit_record
from assets.models import Organization
from rmf.models import RiskMatrix
from rmf.risk import risk_matrix_for, risk_matrix_validate
from rmf.services.assessment._common import signed_in


@transaction.atomic
def risk_matrix_set(*, actor, organization: Organization, cells: dict) -> RiskMatrix:
    """Give the organization its own table: every likelihood by every impact, each cell a
    level of SP 800-30's scale. Findings rated from now on use it; ratings already given keep
    their level until rated again."""
    cells = risk_matrix_validate(cells)
    before = risk_matrix_for(organization)
    table, _ = RiskMatrix.objects.update_or_create(
        organization=organization, defaults={"cells": cells, "updated_by": signed_in(actor)}
    )
    audit_record(
        actor=actor,
        action="risk_matrix_set",
        obj=table,
        organization=organization,
        before={"cells": before},
        after={"cells": cells},
    )
    return table


@transaction.atomic
def risk_matrix_reset(*, actor, organization: Organization) -> None:
    """Drop the organization's own table: the nearest one above it applies again, else
    SP 800-30's."""
    table = RiskMatrix.objects.filter(organization=organization).first()
    if table is None:
        return
    audit_record(
        actor=actor,
        action="risk_matrix_reset",
        obj=table,
        organization=organization,
        before={"cells": table.cells},
        after={"cells": "the table of the organization above, or SP 800-30's"},
    )
    table.delete()
