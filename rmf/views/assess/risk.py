"""An organization's risk table: the level of risk for each likelihood and impact (SP 800-30
Table I-2 by default). Everybody of the organization reads it; its administrators adjust it
or return to the default (or to the table of the organization above)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import path

from assets.roles import MANAGE, VIEW
from assets.selectors import organization_get_for_user, organization_list_for_user
from rmf.models import RISK_ORDER, RiskScale
from rmf.risk import DEFAULT_RISK_MATRIX, risk_matrix_for, risk_matrix_source
from rmf.services.assessment import risk_matrix_reset, risk_matrix_set
from rmf.views.assess.forms import RiskTableForm, cell_name
from rmf.views.workflow import RmfView, show_error


class RiskTableView(RmfView):
    access_function = organization_get_for_user
    permission = VIEW
    write_permission = MANAGE

    def get(self, request, pk):
        return self.render_table()

    def post(self, request, pk):
        organization = self.scoped_object
        form = RiskTableForm(request.POST, cells=risk_matrix_for(organization))
        if form.is_valid():
            try:
                risk_matrix_set(actor=request.user, organization=organization, cells=form.cells())
            except ValidationError as error:
                show_error(request, None, error)
            else:
                messages.success(request, f"The risk table of {organization.name} is saved.")
                return redirect("rmf:risk_table", pk=pk)
        return self.render_table(form, status=400)

    def render_table(self, form=None, status: int = 200):
        organization = self.scoped_object
        cells = risk_matrix_for(organization)
        source = risk_matrix_source(organization)
        can_manage = organization_can_manage(self.request.user, organization)
        if can_manage and form is None:
            form = RiskTableForm(cells=cells)
        labels = dict(RiskScale.choices)
        rows = [
            {
                "likelihood": likelihood,
                "label": labels[likelihood],
                "cells": [
                    {
                        "impact_label": labels[impact],
                        "level": cells[likelihood][impact],
                        "label": labels[cells[likelihood][impact]],
                        "field": form[cell_name(likelihood, impact)] if form else None,
                        "default": DEFAULT_RISK_MATRIX[likelihood][impact],
                    }
                    for impact in RISK_ORDER
                ],
            }
            for likelihood in reversed(RISK_ORDER)
        ]
        context = {
            "organization": organization,
            "rows": rows,
            "impacts": [labels[impact] for impact in RISK_ORDER],
            "source": source,
            "own": source is not None and source.organization_id == organization.pk,
            "form": form,
            "can_manage": can_manage,
        }
        return render(self.request, "rmf/assess/risk_table.html", context, status=status)


def organization_can_manage(user, organization) -> bool:
    return organization_list_for_user(user, perm=MANAGE).filter(pk=organization.pk).exists()


class RiskTableResetView(RmfView):
    access_function = organization_get_for_user
    permission = MANAGE
    http_method_names = ["post"]

    def post(self, request, pk):
        organization = self.scoped_object
        try:
            risk_matrix_reset(actor=request.user, organization=organization)
        except ValidationError as error:
            show_error(request, None, error)
        else:
            messages.success(
                request,
                f"{organization.name} no longer has a risk table of its own: it uses the one "
                "that applies above it.",
            )
        return redirect("rmf:risk_table", pk=pk)


urlpatterns = [
    path("organizations/<int:pk>/risk-table/", RiskTableView.as_view(), name="risk_table"),
    path(
        "organizations/<int:pk>/risk-table/reset/",
        RiskTableResetView.as_view(),
        name="risk_table_reset",
    ),
]
