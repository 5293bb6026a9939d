"""Who reaches which CSF assessment, target profile and action item: one access function per
model, built on the organization's guardian permissions.

- Those who prepare the organization's RMF and CSF work (`edit_rmf`: planners) and its
  administrators (`manage_organization`, the reviewers) see every assessment of it, drafts
  included.
- Everybody else who may see the organization (`view_organization`: state-level viewers, the
  authorizing official) sees only its approved assessments.

Roles held at a state or a city reach their agencies (assets.roles.CASCADING_ROLES), so a
state-level viewer reads the approved results of every agency of the state. The same 404 for a
missing object and one not theirs.
"""

from django.db.models import Q, QuerySet

from assets.roles import EDIT_RMF, MANAGE, VIEW
from assets.selectors import organization_list_for_user
from csf.models import CsfActionItem, CsfAssessment
from workbench.access import get_or_404

# What each kind of access to an assessment needs on its organization.
FILL = EDIT_RMF  # start, answer, submit
REVIEW = MANAGE  # approve, return; adjust the maturity labels


def _organizations(user, perm: str):
    return organization_list_for_user(user, perm=perm).values("pk")


def csf_assessment_list_for_user(user, *, perm: str = VIEW) -> QuerySet[CsfAssessment]:
    """Assessments `user` may see (perm=VIEW), fill (perm=FILL) or review (perm=REVIEW)."""
    assessments = CsfAssessment.objects.select_related("organization")
    if perm != VIEW:
        return assessments.filter(organization__in=_organizations(user, perm))
    return assessments.filter(
        Q(organization__in=_organizations(user, FILL))
        | Q(organization__in=_organizations(user, REVIEW))
        | Q(status=CsfAssessment.Status.APPROVED, organization__in=_organizations(user, VIEW))
    )


def csf_assessment_get_for_user(user, pk, *, perm: str = VIEW) -> CsfAssessment:
    """The access function for CSF assessments."""
    return get_or_404(csf_assessment_list_for_user(user, perm=perm), pk=pk)


def csf_action_item_list_for_user(user, *, perm: str = VIEW) -> QuerySet[CsfActionItem]:
    """Action items follow their organization: seen by whoever sees it, changed by its
    planners (FILL)."""
    return CsfActionItem.objects.select_related("organization", "subcategory", "owner").filter(
        organization__in=_organizations(user, perm)
    )


def csf_action_item_get_for_user(user, pk, *, perm: str = VIEW) -> CsfActionItem:
    """The access function for CSF action items."""
    return get_or_404(csf_action_item_list_for_user(user, perm=perm), pk=pk)
