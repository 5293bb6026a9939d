"""Reporting pages (R-5, M-5, M-6): an organization's authorizations with their expiry, the
security status reports of a system and of an organization, and the organization's dashboard.
Every page reads what `user` may see of the organization (an agency member reading the city's
pages sees their agency's systems only)."""

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.views import View

from assets.roles import VIEW
from assets.selectors import (
    organization_get_for_user,
    organization_list_for_user,
    system_get_for_user,
)
from rmf.forms_reporting import AuthorizationFilterForm
from rmf.selectors.decisions import EXPIRY_WINDOWS, decision_status_bulk, with_authorization_state
from rmf.selectors.reporting import (
    authorization_counts,
    authorization_list,
    organization_dashboard,
    organization_status_report,
    organization_systems,
    system_status_report,
)
from workbench.views_access import ScopedView

PAGE_SIZE = 50


class OrganizationAuthorizationsView(ScopedView):
    """R-5 and M-6: every system of the organization with its effective decision and expiry,
    soonest termination first; counts per window at the top."""

    access_function = organization_get_for_user
    permission = VIEW

    def get(self, request, pk):
        organization = self.scoped_object
        today = timezone.localdate()
        form = AuthorizationFilterForm(request.GET)
        filters = form.filters()
        systems = authorization_list(request.user, organization, today, **filters)
        page = Paginator(systems, PAGE_SIZE).get_page(request.GET.get("page"))
        statuses = decision_status_bulk(list(page.object_list), today, with_changes=True)
        counts = authorization_counts(
            with_authorization_state(organization_systems(request.user, organization), today),
            today,
        )
        context = {
            "organization": organization,
            "form": form,
            "page_obj": page,
            "rows": [(system, statuses[system.pk]) for system in page.object_list],
            "counts": counts,
            "filters": filters,
            "filtered": any(filters.values()),
            "today": today,
            "windows": EXPIRY_WINDOWS,
        }
        status = 400 if form.errors else 200
        return render(request, "rmf/reporting/authorizations.html", context, status=status)


class SystemStatusReportView(ScopedView):
    """M-5 for one system: its current cycle's controls, findings, POA&M and coverage."""

    access_function = system_get_for_user
    permission = VIEW

    def get(self, request, pk):
        system = self.scoped_object
        report = system_status_report(system, timezone.localdate())
        current = system.authorizations.filter(is_current=True).first()
        context = {"system": system, "report": report, "current": current}
        return render(request, "rmf/reporting/system_status_report.html", context)


class OrganizationStatusReportView(ScopedView):
    """M-5 for an organization: the same counts over every system of it the user may see."""

    access_function = organization_get_for_user
    permission = VIEW

    def get(self, request, pk):
        organization = self.scoped_object
        report = organization_status_report(request.user, organization, timezone.localdate())
        context = {"organization": organization, "report": report}
        return render(request, "rmf/reporting/organization_status_report.html", context)


class OrganizationDashboardView(ScopedView):
    access_function = organization_get_for_user
    permission = VIEW

    def get(self, request, pk):
        organization = self.scoped_object
        dashboard = organization_dashboard(request.user, organization, timezone.localdate())
        context = {"organization": organization, "dashboard": dashboard, "nav_section": "dashboard"}
        return render(request, "rmf/reporting/dashboard.html", context)


class DashboardHomeView(LoginRequiredMixin, View):
    """The main navigation's "Dashboard": straight to the dashboard of the one top
    organization the user reads, else a choice among those they read."""

    def get(self, request):
        organizations = list(organization_list_for_user(request.user).order_by("path"))
        visible = {organization.pk for organization in organizations}
        tops = [o for o in organizations if o.parent_id is None or o.parent_id not in visible]
        if len(tops) == 1:
            return redirect("rmf:organization_dashboard", pk=tops[0].pk)
        context = {"organizations": organizations, "tops": tops, "nav_section": "dashboard"}
        return render(request, "rmf/reporting/dashboard_home.html", context)


urlpatterns = [
    path("dashboard/", DashboardHomeView.as_view(), name="dashboard_home"),
    path(
        "organizations/<int:pk>/dashboard/",
        OrganizationDashboardView.as_view(),
        name="organization_dashboard",
    ),
    path(
        "organizations/<int:pk>/authorizations/",
        OrganizationAuthorizationsView.as_view(),
        name="organization_authorizations",
    ),
    path(
        "organizations/<int:pk>/status-report/",
        OrganizationStatusReportView.as_view(),
        name="organization_status_report",
    ),
    path(
        "systems/<int:pk>/status-report/",
        SystemStatusReportView.as_view(),
        name="system_status_report",
    ),
]
