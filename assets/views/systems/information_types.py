"""The information types a system handles: picked from SP 800-60 or the organization's own list."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import path, reverse

from assets.catalog_selectors import information_type_search
from assets.inventory_access import (
    organization_information_types_for,
    system_information_type_get_for_user,
)
from assets.inventory_forms import InformationTypeAddForm, OrganizationInformationTypeForm
from assets.roles import EDIT_INVENTORY, qualified
from assets.selectors import organization_get_for_user, system_get_for_user
from assets.services import (
    organization_information_type_create,
    system_information_type_add,
    system_information_type_remove,
)
from workbench.forms import apply_validation_error
from workbench.views_access import ScopedView


class InformationTypeAddView(ScopedView):
    access_function = system_get_for_user
    permission = EDIT_INVENTORY

    def get(self, request, pk):
        return self._render(self._form(), q=request.GET.get("q", ""))

    def post(self, request, pk):
        system = self.scoped_object
        form = self._form(request.POST)
        if form.is_valid():
            try:
                link = system_information_type_add(
                    actor=request.user,
                    system=system,
                    note=form.cleaned_data["note"],
                    **form.cleaned_data["information_type"],
                )
            except ValidationError as error:
                apply_validation_error(form, error)
            else:
                messages.success(request, f"{link} was added.")
                return redirect("assets:system_detail", pk=system.pk)
        return self._render(form, q=request.POST.get("q", ""), status=400)

    def _form(self, data=None):
        organization_types = organization_information_types_for(self.scoped_object.organization)
        return InformationTypeAddForm(data, organization_types=organization_types)

    def _render(self, form, *, q: str, status=200):
        system = self.scoped_object
        q = q.strip()[:200]
        context = {
            "form": form,
            "system": system,
            "q": q,
            "catalog_types": information_type_search(q=q),
            "organization_types": organization_information_types_for(system.organization),
            "selected": form.data.get("information_type", ""),
            "can_define": self.request.user.has_perm(
                qualified(EDIT_INVENTORY), system.organization
            ),
        }
        return render(
            self.request, "assets/systems/information_type_add.html", context, status=status
        )


class InformationTypeRemoveView(ScopedView):
    access_function = system_information_type_get_for_user
    permission = EDIT_INVENTORY

    def post(self, request, pk):
        link = self.scoped_object
        system_information_type_remove(
            actor=request.user, link=link, reason=request.POST.get("reason", "")
        )
        messages.success(request, f"{link} was removed from {link.system.acronym}.")
        return redirect("assets:system_detail", pk=link.system_id)


class OrganizationInformationTypeCreateView(ScopedView):
    access_function = organization_get_for_user
    permission = EDIT_INVENTORY

    def get(self, request, pk):
        return self._render(OrganizationInformationTypeForm())

    def post(self, request, pk):
        form = OrganizationInformationTypeForm(request.POST)
        if form.is_valid():
            try:
                info_type = organization_information_type_create(
                    actor=request.user, organization=self.scoped_object, **form.cleaned_data
                )
            except ValidationError as error:
                apply_validation_error(form, error)
            else:
                messages.success(request, f"{info_type} was defined.")
                return redirect(self._back() or reverse("assets:organization_detail", args=[pk]))
        return self._render(form, status=400)

    def _back(self) -> str:
        """The add page of the system the planner came from (a pk, never a URL: no open
        redirect; that page checks access itself)."""
        system = self.request.GET.get("system", "")
        if system.isdigit():
            return reverse("assets:system_information_type_add", args=[int(system)])
        return ""

    def _render(self, form, status=200):
        context = {
            "form": form,
            "organization": self.scoped_object,
            "title": f"New information type of {self.scoped_object}",
            "back": self._back(),
        }
        return render(
            self.request,
            "assets/systems/organization_information_type_form.html",
            context,
            status=status,
        )


urlpatterns = [
    path(
        "systems/<int:pk>/information-types/new/",
        InformationTypeAddView.as_view(),
        name="system_information_type_add",
    ),
    path(
        "system-information-types/<int:pk>/remove/",
        InformationTypeRemoveView.as_view(),
        name="system_information_type_remove",
    ),
    path(
        "organizations/<int:pk>/information-types/new/",
        OrganizationInformationTypeCreateView.as_view(),
        name="organization_information_type_create",
    ),
]
