"""CSF coverage derived from RMF work: a system's (`/systems/<pk>/csf/`) and an organization's
(`/organizations/<pk>/csf/coverage/`), read by everyone who may see the system or the
organization, for CSF 2.0 (the default) or 1.1 (`?version=1.1`). Nothing is filled in here:
the pages read the controls' implementation and assessment results (`csf.selectors.coverage`).
"""

from django.shortcuts import render
from django.urls import path

from assets.roles import VIEW
from assets.selectors import organization_get_for_user, system_get_for_user
from csf.models import CsfVersion
from csf.selectors.coverage import (
    DEFAULT_VERSION,
    LEVEL_DESCRIPTIONS,
    LEVEL_LABELS,
    LEVELS,
    organization_csf_coverage,
    system_csf_coverage,
)
from csf.selectors.reference import version_check
from rmf.selectors.reporting import organization_systems
from workbench.views_access import ScopedView


def _version(request) -> str:
    return version_check(request.GET.get("version") or DEFAULT_VERSION)


def _common(version: str) -> dict:
    return {
        "version": version,
        "version_label": CsfVersion(version).label,
        "versions": CsfVersion.choices,
        "levels": [(level, LEVEL_LABELS[level], LEVEL_DESCRIPTIONS[level]) for level in LEVELS],
    }


class SystemCsfCoverageView(ScopedView):
    access_function = system_get_for_user
    permission = VIEW

    def get(self, request, pk):
        version = _version(request)
        coverage = system_csf_coverage(self.scoped_object, version)
        context = {
            "system": self.scoped_object,
            "coverage": coverage,
            "nav_section": "systems",
            **_common(version),
        }
        return render(request, "csf/coverage/system.html", context)


class OrganizationCsfCoverageView(ScopedView):
    access_function = organization_get_for_user
    permission = VIEW

    def get(self, request, pk):
        organization = self.scoped_object
        version = _version(request)
        coverage = organization_csf_coverage(
            organization, version, organization_systems(request.user, organization)
        )
        context = {
            "organization": organization,
            "coverage": coverage,
            "nav_section": "organizations",
            **_common(version),
        }
        return render(request, "csf/coverage/organization.html", context)


urlpatterns = [
    path("systems/<int:pk>/csf/", SystemCsfCoverageView.as_view(), name="system_coverage"),
    path(
        "organizations/<int:pk>/csf/coverage/",
        OrganizationCsfCoverageView.as_view(),
        name="organization_coverage",
    ),
]
