"""Systems: the list with its filters, the system page, and the create and edit forms."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import path
from django.views import View

from assets.inventory_access import (
    organization_people,
    system_assessor_list,
    systems_visible_among,
)
from assets.inventory_forms import SystemFilterForm, SystemForm, SystemUpdateForm
from assets.models import System
from assets.roles import AUDIT, EDIT_INVENTORY, EDIT_RMF, MANAGE, VIEW
from assets.selectors import (
    organization_get_for_user,
    organization_list_for_user,
    system_detail_for_user,
    system_get_for_user,
    system_search,
    user_can,
    vendor_list,
)
from assets.services import ConcurrentEditError, system_create, system_update
from workbench.forms import apply_validation_error
from workbench.views_access import ScopedView

PAGE_SIZE = 50


class SystemListView(LoginRequiredMixin, View):
    permission = VIEW

    def get(self, request):
        form = SystemFilterForm(
            request.GET,
            organizations=organization_list_for_user(request.user),
            vendors=vendor_list(self.request.user),
        )
        systems = system_search(request.user, form.filters(), perm=self.permission)
        page = Paginator(systems, PAGE_SIZE).get_page(request.GET.get("page"))
        context = {
            "form": form,
            "page_obj": page,
            "filtered": any(value for key, value in request.GET.items() if key != "page"),
            "editable_organizations": list(
                organization_list_for_user(request.user, perm=EDIT_INVENTORY)
            ),
        }
        return render(request, "assets/systems/list.html", context)


class SystemDetailView(ScopedView):
    access_function = system_get_for_user
    permission = VIEW

    def get(self, request, pk):
        system = system_detail_for_user(request.user, self.scoped_object.pk)
        interconnections = system.interconnections.all()
        context = {
            "system": system,
            "components": system.components.all(),
            "interconnections": interconnections,
            "information_types": system.information_types.all(),
            "channel_labels": [System.Channel(value).label for value in system.channels],
            "assessors": system_assessor_list(system),
            "visible_remote_ids": systems_visible_among(
                request.user, [link.remote_system_id for link in interconnections]
            ),
            # Once per page, never per row.
            "can_edit": user_can(request.user, EDIT_INVENTORY, system),
            "can_edit_rmf": user_can(request.user, EDIT_RMF, system),
            "can_manage": user_can(request.user, MANAGE, system),
            "can_audit": user_can(request.user, AUDIT, system),
        }
        return render(request, "assets/systems/detail.html", context)


class SystemCreateView(ScopedView):
    access_function = organization_get_for_user
    permission = EDIT_INVENTORY

    def get(self, request, pk):
        return self._render(self._form())

    def post(self, request, pk):
        form = self._form(request.POST)
        if form.is_valid():
            try:
                system = system_create(
                    actor=request.user, organization=self.scoped_object, **form.system_fields()
                )
            except ValidationError as error:
                apply_validation_error(form, error)
            else:
                messages.success(request, f"{system} was added to the inventory.")
                return redirect("assets:system_detail", pk=system.pk)
        return self._render(form, status=400)

    def _form(self, data=None):
        organization = self.scoped_object
        return SystemForm(data, organization=organization, people=organization_people(organization))

    def _render(self, form, status=200):
        context = {
            "form": form,
            "organization": self.scoped_object,
            "title": f"New system in {self.scoped_object}",
        }
        return render(self.request, "assets/systems/form.html", context, status=status)


class SystemUpdateView(ScopedView):
    access_function = system_get_for_user
    permission = EDIT_INVENTORY

    def get(self, request, pk):
        return self._render(self._form(initial=SystemForm.initial_for(self.scoped_object)))

    def post(self, request, pk):
        form = self._form(request.POST)
        if form.is_valid():
            try:
                system_update(
                    actor=request.user,
                    system=self.scoped_object,
                    expected_version=form.cleaned_data["version"],
                    **form.system_fields(),
                )
            except ConcurrentEditError as conflict:
                return self._conflict(form, conflict)
            except ValidationError as error:
                apply_validation_error(form, error)
            else:
                messages.success(request, "Your changes were saved.")
                return redirect("assets:system_detail", pk=pk)
        return self._render(form, status=400)

    def _conflict(self, form, conflict: ConcurrentEditError):
        rows = form.conflict_rows(conflict.current)
        # The form now carries the saved version: saving again deliberately replaces theirs.
        data = self.request.POST.copy()
        data["version"] = str(conflict.current_version)
        return self._render(
            self._form(data), status=409, conflict={"message": str(conflict), "rows": rows}
        )

    def _form(self, data=None, **kwargs):
        system = self.scoped_object
        return SystemUpdateForm(
            data,
            organization=system.organization,
            people=organization_people(system.organization),
            current=system,
            **kwargs,
        )

    def _render(self, form, status=200, conflict=None):
        context = {
            "form": form,
            "system": self.scoped_object,
            "organization": self.scoped_object.organization,
            "title": f"Edit {self.scoped_object}",
            "conflict": conflict,
        }
        return render(self.request, "assets/systems/form.html", context, status=status)


urlpatterns = [
    path("systems/", SystemListView.as_view(), name="system_list"),
    path("systems/<int:pk>/", SystemDetailView.as_view(), name="system_detail"),
    path("systems/<int:pk>/edit/", SystemUpdateView.as_view(), name="system_update"),
    path(
        "organizations/<int:pk>/systems/new/",
        SystemCreateView.as_view(),
        name="system_create",
    ),
]
