"""The benchmark report of an organization (`/organizations/<pk>/csf/benchmark/`): its CSF
scores year over year, against its target and against its peers, and its RMF programme
metrics, each as a chart with its data table under it; and the same report as PDF or Excel
(`.../benchmark/report.pdf|xlsx`). Read by everyone who may see the organization
(csf.benchmarks.data.benchmark_organization_get_for_user).

The filters are the organization (any the reader may see), the years, the framework version,
the peer group among those the organization's place offers, and the detail. The minimum peer
group size is fixed (see csf.benchmarks.data).
"""

from urllib.parse import urlencode

from django import forms
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone

from assets.models import Organization
from assets.roles import VIEW
from csf.benchmarks.data import (
    FRAMEWORKS,
    benchmark_organization_get_for_user,
    benchmark_organization_list_for_user,
    peer_scopes,
)
from csf.benchmarks.exports import REPORT_FORMATS
from csf.benchmarks.frames import PEER_MINIMUM
from csf.benchmarks.layout import report_layout
from csf.benchmarks.options import SUBCATEGORIES, ReportOptions, year_range
from csf.benchmarks.tables import benchmark_tables
from workbench.exports import download
from workbench.views_access import ScopedView

TEMPLATE = "csf/benchmarks/organization.html"
INDENT = "\u2003"  # an em space per level of the organization tree in the choice list


class OrganizationChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Organization) -> str:
        return f"{INDENT * obj.depth}{obj.name}"


class BenchmarkFilterForm(forms.Form):
    organization = OrganizationChoiceField(
        label="Organization", queryset=Organization.objects.none(), required=False
    )
    year_from = forms.IntegerField(label="From year", required=False)
    year_to = forms.IntegerField(label="To year", required=False)
    framework = forms.ChoiceField(
        label="Framework version", required=False, choices=list(FRAMEWORKS.items())
    )
    peer_group = forms.ChoiceField(label="Peer group", required=False)
    detail = forms.ChoiceField(
        label="Detail",
        required=False,
        choices=[("", "Functions and categories"), (SUBCATEGORIES, "Also subcategories")],
    )

    def __init__(self, data, *, user, organization: Organization):
        super().__init__(data)
        self.fields["organization"].queryset = benchmark_organization_list_for_user(user)
        self.fields["organization"].empty_label = None
        self.fields["organization"].initial = organization.pk
        scopes = peer_scopes(organization)
        self.fields["peer_group"].choices = list(scopes.items())
        self.fields["peer_group"].disabled = len(scopes) < 2

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        try:
            cleaned["years"] = year_range(
                cleaned.get("year_from"), cleaned.get("year_to"), today=timezone.localdate()
            )
        except ValueError as error:
            self.add_error("year_to", str(error))
        return cleaned

    def options(self) -> ReportOptions:
        return ReportOptions.from_choices(self.cleaned_data if self.is_bound else {})


class _BenchmarkView(ScopedView):
    access_function = benchmark_organization_get_for_user
    permission = VIEW

    def filtered(self, request):
        """The filter form, and the response to give instead of the report when the filters
        are wrong (the page, 400, errors next to the fields) or name another organization (a
        redirect to its report with the same years, framework and detail); the form's options
        are then those of the report."""
        organization = self.scoped_object
        form = BenchmarkFilterForm(
            request.GET or None, user=request.user, organization=organization
        )
        if form.is_bound and not form.is_valid():
            return form, render(request, TEMPLATE, self.context(form), status=400)
        chosen = form.cleaned_data.get("organization") if form.is_bound else None
        if chosen is not None and chosen.pk != organization.pk:
            # The peer groups on offer are the new organization's: its default is taken.
            kept = {
                key: value
                for key, value in request.GET.items()
                if key not in ("organization", "peer_group") and value
            }
            address = reverse("csf:organization_benchmark", args=[chosen.pk])
            return form, redirect(f"{address}?{urlencode(kept)}" if kept else address)
        return form, None

    def context(self, form, **extra) -> dict:
        return {
            "organization": self.scoped_object,
            "form": form,
            "nav_section": "organizations",
            "peer_minimum": PEER_MINIMUM,
            "formats": REPORT_FORMATS,
            **extra,
        }


class OrganizationBenchmarkView(_BenchmarkView):
    def get(self, request, pk):
        form, instead = self.filtered(request)
        if instead is not None:
            return instead
        options = form.options()
        report = options.report(request.user, self.scoped_object)
        tables = benchmark_tables(report, subcategories=options.subcategories)
        context = self.context(
            form,
            report=report,
            tables=tables,
            subcategories=options.subcategories,
            query=request.GET.urlencode(),
            **report_layout(tables),
        )
        return render(request, TEMPLATE, context)


class OrganizationBenchmarkReportView(_BenchmarkView):
    """The report as a file (REPORT_FORMATS), with the filters of the page it was asked from."""

    def get(self, request, pk, file_format):
        if file_format not in REPORT_FORMATS:
            raise Http404
        form, instead = self.filtered(request)
        if instead is not None:
            return instead
        options = form.options()
        report = options.report(request.user, self.scoped_object)
        render_report = REPORT_FORMATS[file_format].render
        return download(render_report(report, subcategories=options.subcategories))


urlpatterns = [
    path(
        "organizations/<int:pk>/csf/benchmark/",
        OrganizationBenchmarkView.as_view(),
        name="organization_benchmark",
    ),
    path(
        "organizations/<int:pk>/csf/benchmark/report.<str:file_format>",
        OrganizationBenchmarkReportView.as_view(),
        name="organization_benchmark_report",
    ),
]
