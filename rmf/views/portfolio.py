"""Organization-wide RMF pages: the portfolio (every system the user can see, where its cycle
stands and who owes what) and an organization's parameter defaults."""

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.views import View

from assets.roles import MANAGE
from assets.selectors import organization_get_for_user, organization_list_for_user
from rmf.forms import ControlLookupForm, PortfolioFilterForm, parameter_form
from rmf.selectors.pages import (
    control_for_parameters,
    control_parameter,
    control_parameters,
    organization_defaults,
    parameter_defaults_for,
    responsible_people,
)
from rmf.selectors.portfolio import portfolio_rows, portfolio_systems
from rmf.services.selection import organization_parameter_default_set
from rmf.views.workflow import show_error
from workbench.views_access import ScopedView

PAGE_SIZE = 50


class PortfolioView(LoginRequiredMixin, View):
    """Reads only what `user` may see: `portfolio_systems` starts from the VIEW access list."""

    def get(self, request):
        form = PortfolioFilterForm(
            request.GET, organizations=organization_list_for_user(request.user)
        )
        systems = portfolio_systems(request.user, **form.filters())
        page = Paginator(systems, PAGE_SIZE).get_page(request.GET.get("page"))
        rows = portfolio_rows(list(page.object_list))
        for row in rows:
            for task in row.open_tasks:
                task.people = responsible_people(task.spec, row.system)
        context = {
            "form": form,
            "page_obj": page,
            "rows": rows,
            "filtered": any(value for key, value in request.GET.items() if key != "page"),
        }
        return render(request, "rmf/workflow/portfolio.html", context)


class OrganizationParametersView(ScopedView):
    access_function = organization_get_for_user
    permission = MANAGE

    def get(self, request, pk):
        return self._render(request.GET.get("control", "")[:40])

    def post(self, request, pk):
        organization = self.scoped_object
        control = control_for_parameters(request.POST.get("control", "")[:40])
        parameter = (
            control_parameter(control.pk, request.POST.get("parameter", "")) if control else None
        )
        if parameter is None:
            messages.error(request, "Pick a parameter of a control.")
            return redirect("rmf:organization_parameters", pk=pk)
        form = parameter_form(parameter, data=request.POST)
        if form.is_valid():
            try:
                organization_parameter_default_set(
                    actor=request.user,
                    organization=organization,
                    parameter_id=parameter.pk,
                    value=form.cleaned_data["value"],
                )
            except ValidationError as error:
                if not show_error(request, form, error):
                    return redirect("rmf:organization_parameters", pk=pk)
            else:
                messages.success(request, f"The default of {parameter.odp_label} is saved.")
                url = reverse("rmf:organization_parameters", args=[pk])
                return redirect(f"{url}?{urlencode({'control': control.pk})}")
        return self._render(control.pk, bound=form, status=400)

    def _render(self, text: str, bound=None, status=200):
        organization = self.scoped_object
        lookup = ControlLookupForm({"control": text})
        control = control_for_parameters(text) if text.strip() else None
        if text.strip() and control is None:
            lookup.add_error("control", f"There is no control “{text}” in SP 800-53.")
        rows = []
        if control is not None:
            parameters = control_parameters(control.pk)
            ids = [parameter.pk for parameter in parameters]
            own = parameter_defaults_for([organization.pk], ids)
            inherited = parameter_defaults_for(organization.ancestor_ids, ids)
            for parameter in parameters:
                form = bound if bound and bound.prefix == parameter.pk else None
                if form is None:
                    form = parameter_form(parameter, inherited.get(parameter.pk))
                    form.initial = {"value": own.get(parameter.pk, ("", ""))[0]}
                rows.append(
                    {
                        "parameter": parameter,
                        "inherited": inherited.get(parameter.pk),
                        "form": form,
                    }
                )
        context = {
            "organization": organization,
            "lookup": lookup,
            "control": control,
            "rows": rows,
            "defaults": organization_defaults(organization),
        }
        return render(
            self.request, "rmf/workflow/organization_parameters.html", context, status=status
        )


urlpatterns = [
    path("rmf/portfolio/", PortfolioView.as_view(), name="portfolio"),
    path(
        "organizations/<int:pk>/parameters/",
        OrganizationParametersView.as_view(),
        name="organization_parameters",
    ),
]
