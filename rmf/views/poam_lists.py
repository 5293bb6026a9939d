"""An organization's POA&M: every item of the systems the user may see in the organization and
its agencies, filtered the way the dashboard links to it (`?status=open`, `?risk=high`,
`?overdue=1`, `?aging=31-90`, `?system=<id>`), highest risk first, then the soonest due."""

from django.core.paginator import Paginator
from django.shortcuts import render
from django.urls import path
from django.utils import timezone

from assets.roles import VIEW
from assets.selectors import organization_get_for_user
from rmf.selectors.poam_lists import (
    age_in_days,
    organization_poam_items,
    organization_poam_scope,
    organization_poam_systems,
    poam_counts,
)
from rmf.views.assess.poam_forms import PoamFilterForm
from rmf.views.workflow import RmfView

PAGE_SIZE = 50


class OrganizationPoamView(RmfView):
    access_function = organization_get_for_user
    permission = VIEW

    def get(self, request, pk):
        organization = self.scoped_object
        today = timezone.localdate()
        form = PoamFilterForm(
            request.GET, systems=organization_poam_systems(request.user, organization)
        )
        filters = form.filters()
        items = organization_poam_items(request.user, organization, filters, today)
        page = Paginator(items, PAGE_SIZE).get_page(request.GET.get("page"))
        page.object_list = list(page.object_list)
        for item in page.object_list:
            item.age = age_in_days(item, today)
        context = {
            "organization": organization,
            "form": form,
            "filters": filters,
            "page_obj": page,
            "counts": poam_counts(organization_poam_scope(request.user, organization), today),
            "today": today,
        }
        return render(request, "rmf/poam/organization_list.html", context)


urlpatterns = [
    path("organizations/<int:pk>/poam/", OrganizationPoamView.as_view(), name="organization_poam"),
]
