"""Importing the inventory from a spreadsheet, and exporting it, in the browser.

Upload -> preview (a dry run listing every problem) -> confirm. The previewed file stays on the
server under a random token of the user's own; the confirm step reads and checks it again.
"""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import path
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from assets.roles import EDIT_INVENTORY
from assets.selectors import organization_list_for_user
from assets.spreadsheets.columns import COMPONENTS, SYSTEMS
from assets.spreadsheets.export import filters_from_query
from assets.spreadsheets.export import render as render_export
from assets.spreadsheets.importer import ImportReport, import_file
from assets.spreadsheets.template import (
    column_reference,
    render_template_csv,
    render_template_xlsx,
)
from assets.spreadsheets.uploads import (
    StoredUpload,
    discard_upload,
    file_too_large,
    find_upload,
    max_bytes,
    request_too_large,
    store_upload,
    too_large_message,
)
from workbench.exports import download


class ImportForm(forms.Form):
    file = forms.FileField(
        label="Spreadsheet file",
        help_text="An Excel workbook (.xlsx) made from the template, or one CSV file of systems "
        "or of components.",
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"}),
    )


def _require_editable(user) -> None:
    if not organization_list_for_user(user, perm=EDIT_INVENTORY).exists():
        raise PermissionDenied("You may not edit the inventory of any organization.")


def _upload_page(request, form: ImportForm, *, status: int = 200, error: str = ""):
    context = {
        "form": form,
        "error": error,
        "max_megabytes": max_bytes() // (1024 * 1024),
        "columns": column_reference(),
        "organizations": organization_list_for_user(request.user, perm=EDIT_INVENTORY),
    }
    return render(request, "assets/spreadsheets/import.html", context, status=status)


def _preview_page(request, report: ImportReport, *, filename: str, stored: StoredUpload | None):
    context = {"report": report, "filename": filename, "token": stored.token if stored else ""}
    return render(
        request,
        "assets/spreadsheets/preview.html",
        context,
        status=200 if report.ok else 400,
    )


@csrf_exempt
@require_http_methods(["GET", "POST"])
def system_import(request):
    # CSRF protection reads the whole request body to find its token: the size of an upload is
    # checked before that, then the view proper is protected as usual.
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    _require_editable(request.user)
    if request.method == "POST" and request_too_large(request):
        return _upload_page(request, ImportForm(), status=400, error=too_large_message())
    return _system_import(request)


@csrf_protect
def _system_import(request):
    if request.method != "POST":
        return _upload_page(request, ImportForm())
    form = ImportForm(request.POST, request.FILES)
    if not form.is_valid():
        return _upload_page(request, form, status=400)
    upload = form.cleaned_data["file"]
    if file_too_large(upload):
        form.add_error("file", too_large_message())
        return _upload_page(request, form, status=400)
    stored = store_upload(request.user, upload)
    with stored.path.open("rb") as stream:
        report = import_file(request.user, stream, stored.filename, dry_run=True)
    if not report.ok or not report.changes:
        discard_upload(stored)
        return _preview_page(request, report, filename=stored.filename, stored=None)
    return _preview_page(request, report, filename=stored.filename, stored=stored)


@login_required
@require_POST
def system_import_confirm(request):
    _require_editable(request.user)
    stored = find_upload(request.user, request.POST.get("token", ""))
    if stored is None:
        messages.error(
            request,
            "This import was already done or has expired (after a day). Upload the file again.",
        )
        return redirect("assets:system_import")
    with stored.path.open("rb") as stream:
        report = import_file(request.user, stream, stored.filename, dry_run=False)
    discard_upload(stored)
    if not report.ok:  # the inventory changed since the preview
        return _preview_page(request, report, filename=stored.filename, stored=None)
    messages.success(request, f"Imported {stored.filename}: {report.summary()}.")
    return redirect("assets:system_list")


@login_required
@require_GET
def system_import_template(request):
    return download(render_template_xlsx(request.user))


@login_required
@require_GET
def system_import_template_systems_csv(request):
    return download(render_template_csv(SYSTEMS))


@login_required
@require_GET
def system_import_template_components_csv(request):
    return download(render_template_csv(COMPONENTS))


@login_required
@require_GET
def system_export(request):
    filters = filters_from_query(request.user, request.GET)
    return download(render_export(request.user, filters, file_format="xlsx"))


@login_required
@require_GET
def system_export_csv(request):
    filters = filters_from_query(request.user, request.GET)
    sheet = COMPONENTS if request.GET.get("sheet", "").lower() == "components" else SYSTEMS
    return download(render_export(request.user, filters, file_format="csv", sheet=sheet))


urlpatterns = [
    path("systems/import/", system_import, name="system_import"),
    path("systems/import/confirm/", system_import_confirm, name="system_import_confirm"),
    path("systems/import/template.xlsx", system_import_template, name="system_import_template"),
    path(
        "systems/import/template-systems.csv",
        system_import_template_systems_csv,
        name="system_import_template_systems_csv",
    ),
    path(
        "systems/import/template-components.csv",
        system_import_template_components_csv,
        name="system_import_template_components_csv",
    ),
    path("systems/export.xlsx", system_export, name="system_export"),
    path("systems/export.csv", system_export_csv, name="system_export_csv"),
]
