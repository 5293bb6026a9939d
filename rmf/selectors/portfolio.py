"""The RMF portfolio: the systems a user may see with the step of their current cycle and the
open tasks of that step, one page at a time in a fixed number of queries."""

from dataclasses import dataclass

from django.db.models import QuerySet
from django.utils import timezone

from assets.models import System
from assets.selectors import in_organization_subtree, system_list_for_user
from rmf.models import Authorization
from rmf.selectors.decisions import DecisionStatus, decision_status_bulk
from rmf.selectors.workflow import CycleFacts, TaskState, cycle_facts_bulk, tasks_of_step


@dataclass
class PortfolioRow:
    system: System
    authorization: Authorization | None
    open_tasks: list[TaskState]
    facts: CycleFacts | None = None  # of the current cycle: categorization, control counts
    decision: DecisionStatus | None = None  # the system's authorization, whatever its cycle

    @property
    def not_started(self) -> bool:
        return self.authorization is None


def portfolio_systems(
    user, *, step: str = "", organization: int | None = None, kind: str = ""
) -> QuerySet[System]:
    """The systems `user` may see, filtered by the step of their current cycle ("not_started":
    none yet; disposed systems never start one, so they are not listed there)."""
    systems = system_list_for_user(user).select_related(
        "organization", "system_owner", "isso", "authorizing_official"
    )
    if organization is not None:
        systems = systems.filter(in_organization_subtree(organization))
    if kind:
        systems = systems.filter(kind=kind)
    if step == "not_started":
        systems = systems.exclude(authorizations__is_current=True).exclude(
            status=System.Status.DISPOSED
        )
    elif step:
        systems = systems.filter(authorizations__is_current=True, authorizations__step=step)
    return systems.order_by("organization__path", "acronym", "pk")


def portfolio_rows(systems: list[System]) -> list[PortfolioRow]:
    """Rows for one page of systems: their current cycle, its facts and the open tasks of its
    step, and the system's authorization (with the package changes since signing), in a fixed
    number of queries. A disposed system's cycle is kept read-only and has no open tasks."""
    current = {
        authorization.system_id: authorization
        for authorization in Authorization.objects.filter(
            system__in=[system.pk for system in systems], is_current=True
        ).select_related("system__organization")
    }
    facts = cycle_facts_bulk(list(current.values()))
    # The facts compared the packages of the cycles in Monitor already (M-4): not twice.
    compared = {
        pk: cycle.package_changes
        for pk, cycle in facts.items()
        if cycle.authorize.decision is not None and cycle.authorization.step == "monitor"
    }
    statuses = decision_status_bulk(
        systems, timezone.localdate(), with_changes=True, known_changes=compared
    )
    rows = []
    for system in systems:
        authorization = current.get(system.pk)
        cycle = facts[authorization.pk] if authorization is not None else None
        open_tasks = []
        if cycle is not None and cycle.is_open:
            open_tasks = [
                state for state in tasks_of_step(cycle, authorization.step) if not state.done
            ]
        rows.append(
            PortfolioRow(
                system=system,
                authorization=authorization,
                open_tasks=open_tasks,
                facts=cycle,
                decision=statuses[system.pk],
            )
        )
    return rows
