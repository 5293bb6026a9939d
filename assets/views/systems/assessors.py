"""Outside assessors granted one system: organization administrators grant and revoke them."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path

from assets.inventory_access import system_assessor_list
from assets.inventory_forms import AssessorGrantForm
from assets.roles import MANAGE
from assets.selectors import system_get_for_user
from assets.services import system_assessor_grant, system_assessor_revoke
from workbench.forms import apply_validation_error
from workbench.views_access import ScopedView


class SystemAssessorsView(ScopedView):
    access_function = system_get_for_user
    permission = MANAGE

    def get(self, request, pk):
        return self._render(AssessorGrantForm())

    def post(self, request, pk):
        system = self.scoped_object
        form = AssessorGrantForm(request.POST)
        if form.is_valid():
            user = form.cleaned_data["user"]
            try:
                system_assessor_grant(actor=request.user, system=system, user=user)
            except ValidationError as error:
                apply_validation_error(form, error)
            else:
                messages.success(request, f"{user.get_username()} may now assess {system}.")
                return redirect("assets:system_assessors", pk=system.pk)
        return self._render(form, status=400)

    def _render(self, form, status=200):
        context = {
            "form": form,
            "system": self.scoped_object,
            "assessors": system_assessor_list(self.scoped_object),
        }
        return render(self.request, "assets/systems/assessors.html", context, status=status)


class SystemAssessorRevokeView(ScopedView):
    access_function = system_get_for_user
    permission = MANAGE

    def post(self, request, pk, user_pk):
        system = self.scoped_object
        user = next((u for u in system_assessor_list(system) if u.pk == user_pk), None)
        if user is None:
            raise Http404("Not found.")
        system_assessor_revoke(
            actor=request.user, system=system, user=user, reason=request.POST.get("reason", "")
        )
        messages.success(request, f"{user.get_username()} no longer assesses {system}.")
        return redirect("assets:system_assessors", pk=system.pk)


urlpatterns = [
    path("systems/<int:pk>/assessors/", SystemAssessorsView.as_view(), name="system_assessors"),
    path(
        "systems/<int:pk>/assessors/<int:user_pk>/revoke/",
        SystemAssessorRevokeView.as_view(),
        name="system_assessor_revoke",
    ),
]
