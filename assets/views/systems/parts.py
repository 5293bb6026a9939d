"""Components and interconnections, added, edited and removed from the system page."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.shortcuts import redirect, render
from django.urls import path

from assets.inventory_access import component_get_for_user, interconnection_get_for_user
from assets.inventory_forms import ComponentForm, InterconnectionForm
from assets.roles import EDIT_INVENTORY
from assets.selectors import system_get_for_user, system_list_for_user, vendor_list
from assets.services import (
    component_create,
    component_delete,
    component_update,
    interconnection_create,
    interconnection_delete,
    interconnection_update,
    vendor_get_or_create,
)
from workbench.forms import apply_validation_error
from workbench.views_access import ScopedView

TEMPLATE = "assets/systems/part_form.html"


def _with_vendor(fields: dict) -> dict:
    name = fields.pop("vendor")
    return {**fields, "vendor": vendor_get_or_create(name=name) if name else None}


def _render_part(request, *, form, system, title, intro="", status=200):
    context = {
        "form": form,
        "system": system,
        "title": title,
        "intro": intro,
        "vendors": vendor_list(request.user) if isinstance(form, ComponentForm) else (),
    }
    return render(request, TEMPLATE, context, status=status)


class _SaveMixin:
    """Runs a service with the form's data: a redirect to the system page, or the form with the
    service's errors next to the fields (status 400)."""

    def save(self, form, system, service, success: str):
        if form.is_valid():
            try:
                # A vendor created for a component that is then refused must not stay behind.
                with transaction.atomic():
                    service(dict(form.cleaned_data))
            except ValidationError as error:
                apply_validation_error(form, error)
            else:
                messages.success(self.request, success)
                return redirect("assets:system_detail", pk=system.pk)
        return _render_part(self.request, form=form, system=system, title=self.title, status=400)


class ComponentCreateView(_SaveMixin, ScopedView):
    access_function = system_get_for_user
    permission = EDIT_INVENTORY
    title = "Add a component"

    def get(self, request, pk):
        return _render_part(
            request, form=ComponentForm(), system=self.scoped_object, title=self.title
        )

    def post(self, request, pk):
        system = self.scoped_object
        return self.save(
            ComponentForm(request.POST),
            system,
            lambda fields: component_create(
                actor=request.user, system=system, **_with_vendor(fields)
            ),
            "The component was added.",
        )


class ComponentUpdateView(_SaveMixin, ScopedView):
    access_function = component_get_for_user
    permission = EDIT_INVENTORY
    title = "Edit a component"

    def get(self, request, pk):
        component = self.scoped_object
        form = ComponentForm(initial=ComponentForm.initial_for(component))
        return _render_part(request, form=form, system=component.system, title=self.title)

    def post(self, request, pk):
        component = self.scoped_object
        return self.save(
            ComponentForm(request.POST),
            component.system,
            lambda fields: component_update(
                actor=request.user, component=component, **_with_vendor(fields)
            ),
            "The component was saved.",
        )


class ComponentDeleteView(ScopedView):
    access_function = component_get_for_user
    permission = EDIT_INVENTORY

    def post(self, request, pk):
        component = self.scoped_object
        component_delete(actor=request.user, component=component)
        messages.success(request, f"The component “{component}” was removed.")
        return redirect("assets:system_detail", pk=component.system_id)


def _other_systems(user, system):
    return system_list_for_user(user).exclude(pk=system.pk).order_by("name", "acronym")


class InterconnectionCreateView(_SaveMixin, ScopedView):
    access_function = system_get_for_user
    permission = EDIT_INVENTORY
    title = "Add an interconnection"

    def get(self, request, pk):
        return _render_part(request, form=self._form(), system=self.scoped_object, title=self.title)

    def post(self, request, pk):
        system = self.scoped_object
        return self.save(
            self._form(request.POST),
            system,
            lambda fields: interconnection_create(actor=request.user, system=system, **fields),
            "The interconnection was added.",
        )

    def _form(self, data=None):
        return InterconnectionForm(
            data, systems=_other_systems(self.request.user, self.scoped_object)
        )


class InterconnectionUpdateView(_SaveMixin, ScopedView):
    access_function = interconnection_get_for_user
    permission = EDIT_INVENTORY
    title = "Edit an interconnection"

    def get(self, request, pk):
        interconnection = self.scoped_object
        form = self._form(initial=InterconnectionForm.initial_for(interconnection))
        return _render_part(request, form=form, system=interconnection.system, title=self.title)

    def post(self, request, pk):
        interconnection = self.scoped_object
        return self.save(
            self._form(request.POST),
            interconnection.system,
            lambda fields: interconnection_update(
                actor=request.user, interconnection=interconnection, **fields
            ),
            "The interconnection was saved.",
        )

    def _form(self, data=None, **kwargs):
        interconnection = self.scoped_object
        return InterconnectionForm(
            data,
            systems=_other_systems(self.request.user, interconnection.system),
            current_remote=interconnection.remote_system,
            **kwargs,
        )


class InterconnectionDeleteView(ScopedView):
    access_function = interconnection_get_for_user
    permission = EDIT_INVENTORY

    def post(self, request, pk):
        interconnection = self.scoped_object
        interconnection_delete(actor=request.user, interconnection=interconnection)
        messages.success(
            request, f"The interconnection with {interconnection.other_side} was removed."
        )
        return redirect("assets:system_detail", pk=interconnection.system_id)


urlpatterns = [
    path(
        "systems/<int:pk>/components/new/",
        ComponentCreateView.as_view(),
        name="system_component_create",
    ),
    path(
        "components/<int:pk>/edit/",
        ComponentUpdateView.as_view(),
        name="system_component_update",
    ),
    path(
        "components/<int:pk>/delete/",
        ComponentDeleteView.as_view(),
        name="system_component_delete",
    ),
    path(
        "systems/<int:pk>/interconnections/new/",
        InterconnectionCreateView.as_view(),
        name="system_interconnection_create",
    ),
    path(
        "interconnections/<int:pk>/edit/",
        InterconnectionUpdateView.as_view(),
        name="system_interconnection_update",
    ),
    path(
        "interconnections/<int:pk>/delete/",
        InterconnectionDeleteView.as_view(),
        name="system_interconnection_delete",
    ),
]
