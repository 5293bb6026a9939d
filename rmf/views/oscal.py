"""Import an OSCAL system security plan into the cycle (from the Implement page): upload the
JSON file, check it (dry run) or import it, and see what could not be mapped."""

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import path

from assets.roles import EDIT_RMF
from rmf.services.oscal_import import SspImportRefused, oscal_ssp_parse, ssp_import
from rmf.views.workflow import CycleView, show_error


class SspImportForm(forms.Form):
    file = forms.FileField(
        label="OSCAL system security plan (JSON)",
        help_text="A system-security-plan file exported by this workbench or another tool "
        "(OSCAL 1.0 to 1.2, JSON). Up to 25 MB.",
    )
    dry_run = forms.BooleanField(
        required=False,
        initial=True,
        label="Only check the file: show what would change, import nothing",
    )


class SspImportView(CycleView):
    permission = EDIT_RMF

    def get(self, request, pk):
        return self.page(request, SspImportForm())

    def post(self, request, pk):
        form = SspImportForm(request.POST, request.FILES)
        if not form.is_valid():
            return self.page(request, form, status=400)
        authorization = self.scoped_object
        try:
            root = oscal_ssp_parse(form.cleaned_data["file"].read())
            report = ssp_import(
                actor=request.user,
                authorization=authorization,
                root=root,
                dry_run=form.cleaned_data["dry_run"],
            )
        except SspImportRefused as refused:
            return self.page(request, form, report=refused.report, status=400)
        except ValidationError as error:
            show_error(request, form, error)
            return self.page(request, form, status=400)
        if report.dry_run:
            return self.page(request, form, report=report)
        messages.success(
            request,
            f"Imported: {report.statuses} statuses, {report.narratives} narratives and "
            f"{report.parameters} parameter values for {report.controls} controls"
            + (
                f"; {report.laws} laws, regulations or policies added to the system."
                if report.laws
                else "."
            ),
        )
        return redirect("rmf:implement", pk=pk)

    def page(self, request, form, *, report=None, status=200):
        authorization = self.scoped_object
        context = {
            "authorization": authorization,
            "system": authorization.system,
            "form": form,
            "report": report,
        }
        return render(request, "rmf/oscal/ssp_import.html", context, status=status)


urlpatterns = [
    path(
        "authorizations/<int:pk>/implement/oscal-import/",
        SspImportView.as_view(),
        name="oscal_ssp_import",
    ),
]
