"""Step 4, Assess (A-4, A-5): the findings of an assessment, and one finding's page where the
assessor describes the weakness and its risk and re-assesses it, and the system team records
what it did about it."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import path

from assets.roles import ASSESS, EDIT_RMF, VIEW
from assets.selectors import user_can
from rmf.models import RISK_ORDER, Finding, RiskScale
from rmf.risk import risk_matrix_for, risk_matrix_source
from rmf.selectors.assessment import (
    assessment_get_for_user,
    finding_get_for_user,
    finding_list,
    is_assigned_assessor,
)
from rmf.selectors.assessment_pages import cycle_open
from rmf.services.assessment import (
    FindingConflict,
    finding_reassess,
    finding_update,
    remediation_record,
)
from rmf.views.assess.forms import FindingForm, ReassessForm, RemediationForm
from rmf.views.workflow import RmfView, show_error

FINDING_FIELDS = [
    ("weakness", "Weakness"),
    ("likelihood", "Likelihood"),
    ("impact", "Impact"),
    ("recommendation", "Recommendation"),
]


class FindingListView(RmfView):
    access_function = assessment_get_for_user
    permission = VIEW

    def get(self, request, pk):
        assessment = self.scoped_object
        authorization = assessment.authorization
        context = {
            "assessment": assessment,
            "authorization": authorization,
            "system": authorization.system,
            "findings": finding_list(assessment),
        }
        return render(request, "rmf/assess/findings.html", context)


def risk_rows(cells: dict, likelihood: str = "", impact: str = "") -> list[dict]:
    """The 5x5 table as SP 800-30 prints it (very high likelihood on top), the finding's cell
    marked."""
    labels = dict(RiskScale.choices)
    return [
        {
            "likelihood": row_level,
            "label": labels[row_level],
            "cells": [
                {
                    "impact": column,
                    "impact_label": labels[column],
                    "level": cells[row_level][column],
                    "label": labels[cells[row_level][column]],
                    "current": row_level == likelihood and column == impact,
                }
                for column in RISK_ORDER
            ],
        }
        for row_level in reversed(RISK_ORDER)
    ]


class FindingView(RmfView):
    access_function = finding_get_for_user
    permission = VIEW
    write_permission = ASSESS

    def get(self, request, pk):
        return self.render_finding()

    def post(self, request, pk):
        finding = self.scoped_object
        form = FindingForm(request.POST)
        if form.is_valid():
            try:
                finding_update(actor=request.user, finding=finding, **form.cleaned_data)
            except FindingConflict as conflict:
                return self._conflict(form, conflict)
            except ValidationError as error:
                if not show_error(request, form, error):
                    return redirect("rmf:finding", pk=pk)
            else:
                messages.success(request, f"{finding.code} is saved.")
                return redirect("rmf:finding", pk=pk)
        return self.render_finding(status=400, finding_form=form)

    def _conflict(self, form, conflict: FindingConflict):
        labels = dict(RiskScale.choices)

        def shown(name, value):
            if name in ("likelihood", "impact"):
                return labels.get(value or "", "Not rated")
            return value or "—"

        rows = [
            (label, shown(name, conflict.current.get(name)), shown(name, form.cleaned_data[name]))
            for name, label in FINDING_FIELDS
            if (conflict.current.get(name) or "") != (form.cleaned_data[name] or "")
        ]
        data = self.request.POST.copy()
        data["expected_version"] = str(conflict.current_version)
        return self.render_finding(
            status=409,
            finding_form=FindingForm(data),
            conflict={"message": str(conflict), "rows": rows},
        )

    def render_finding(self, status: int = 200, conflict=None, **forms):
        finding = self.scoped_object
        assessment = finding.assessment
        authorization = assessment.authorization
        system = authorization.system
        is_open = cycle_open(authorization)
        can_edit = user_can(self.request.user, EDIT_RMF, system)
        is_assessor = is_assigned_assessor(self.request.user, authorization) and is_open
        organization = system.organization
        cells = risk_matrix_for(organization)
        source = risk_matrix_source(organization)
        context = {
            "finding": finding,
            "assessment": assessment,
            "authorization": authorization,
            "system": system,
            "is_open": is_open,
            "is_assessor": is_assessor,
            "can_remediate": can_edit and is_open and finding.status == Finding.Status.OPEN,
            "can_reassess": is_assessor and finding.status == Finding.Status.REMEDIATION_SUBMITTED,
            "finding_form": forms.get("finding_form")
            or FindingForm(initial=FindingForm.initial_for(finding)),
            "reassess_form": forms.get("reassess_form") or ReassessForm(),
            "remediation_form": forms.get("remediation_form") or RemediationForm(),
            "conflict": conflict,
            "risk_rows": risk_rows(cells, finding.likelihood, finding.impact),
            "risk_levels": RISK_ORDER,
            "risk_source": source.organization if source is not None else None,
            "organization": organization,
        }
        return render(self.request, "rmf/assess/finding.html", context, status=status)


class FindingReassessView(FindingView):
    permission = ASSESS
    write_permission = None
    http_method_names = ["post"]

    def post(self, request, pk):
        finding = self.scoped_object
        form = ReassessForm(request.POST)
        if form.is_valid():
            try:
                finding = finding_reassess(actor=request.user, finding=finding, **form.cleaned_data)
            except ValidationError as error:
                if not show_error(request, form, error):
                    return redirect("rmf:finding", pk=pk)
            else:
                messages.success(request, f"{finding.code} is re-assessed: {_status(finding)}.")
                return redirect("rmf:finding", pk=pk)
        return self.render_finding(status=400, reassess_form=form)


def _status(finding: Finding) -> str:
    return {
        Finding.Status.CLOSED: "satisfied, the finding is closed",
        Finding.Status.OPEN: "other than satisfied, the finding is open again",
    }.get(finding.status, finding.get_status_display())


class RemediationRecordView(FindingView):
    permission = EDIT_RMF
    write_permission = None
    http_method_names = ["post"]

    def post(self, request, pk):
        finding = self.scoped_object
        form = RemediationForm(request.POST)
        if form.is_valid():
            try:
                remediation_record(actor=request.user, finding=finding, **form.cleaned_data)
            except ValidationError as error:
                if not show_error(request, form, error):
                    return redirect("rmf:finding", pk=pk)
            else:
                messages.success(
                    request,
                    f"The remediation of {finding.code} is recorded; the assessor re-assesses it.",
                )
                return redirect("rmf:finding", pk=pk)
        return self.render_finding(status=400, remediation_form=form)


urlpatterns = [
    path("assessments/<int:pk>/findings/", FindingListView.as_view(), name="assessment_findings"),
    path("findings/<int:pk>/", FindingView.as_view(), name="finding"),
    path("findings/<int:pk>/reassess/", FindingReassessView.as_view(), name="finding_reassess"),
    path(
        "findings/<int:pk>/remediations/",
        RemediationRecordView.as_view(),
        name="remediation_record",
    ),
]
