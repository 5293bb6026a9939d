"""Where a system stands with its authorization, shown the same way wherever the decision
appears (R-5): the system page, its RMF page, the cycle page, the portfolio and the
organization's list of authorizations.

`{% authorization_status system %}` reads the system's status itself (a detail page shows one
system); lists read the statuses of their page in bulk (`decision_status_bulk`) and show each
with `{% authorization_badge status %}`, so a list of fifty systems costs no more queries than
one of five.
"""

from django import template
from django.utils import timezone

from assets.models import System
from rmf.selectors.decisions import EXPIRED, DecisionStatus, decision_status

register = template.Library()


def _context(status: DecisionStatus | None) -> dict:
    ended_days_ago = None
    if status is not None and status.state == EXPIRED:
        ended_days_ago = (timezone.localdate() - status.decision.termination_date).days
    return {"status": status, "ended_days_ago": ended_days_ago}


@register.inclusion_tag("rmf/reporting/_authorization_status.html")
def authorization_status(system: System, heading: str = "h3") -> dict:
    """The full panel: the state, the decision (kind, dates, signer, conditions), days left or
    how long ago it expired, and which parts of the package changed since it was signed."""
    status = decision_status(system, timezone.localdate(), with_changes=True)
    return {**_context(status), "heading": heading if heading in ("h2", "h3", "h4") else "h3"}


@register.inclusion_tag("rmf/reporting/_authorization_badge.html")
def authorization_badge(status: DecisionStatus | None) -> dict:
    """One line for a row of a list: the state, the termination date and days left, expired
    and package changes flagged."""
    return _context(status)


@register.inclusion_tag("rmf/reporting/_authorization_line.html")
def authorization_line(system: System) -> dict:
    """The badge on one line, for a page header (the cycle page): the system's authorization,
    whatever the cycle shown."""
    status = decision_status(system, timezone.localdate(), with_changes=True)
    return {**_context(status), "system": system}
