"""Implementation evidence: an organization's library (reusable across its controls and those of
its agencies' systems), one piece of evidence with the controls it documents, and the download,
served only after the access check and never rendered by the browser."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpResponseRedirect
from django.shortcuts import render
from django.urls import path, reverse

from assets.roles import EDIT_RMF, VIEW
from assets.selectors import organization_get_for_user, organization_list_for_user
from rmf.forms_implementation import evidence_forms
from rmf.selectors.implementation import evidence_get_for_user, evidence_library, evidence_uses
from rmf.services.implementation import evidence_file_open, evidence_link_create, evidence_upload
from rmf.views.workflow import RmfView, show_error
from workbench.exports import stored_file_response
from workbench.views_access import ScopedView


class EvidenceLibraryView(RmfView):
    """Everyone who sees the organization reads its library; the system teams (EDIT_RMF on the
    organization) add to it."""

    access_function = organization_get_for_user
    permission = VIEW
    write_permission = EDIT_RMF

    def get(self, request, pk):
        return self.render_page()

    def post(self, request, pk):
        kind = "file" if request.POST.get("kind") == "file" else "link"
        upload, link = evidence_forms(request.POST, request.FILES, kind)
        form = upload if kind == "file" else link
        if form.is_valid():
            create = evidence_upload if kind == "file" else evidence_link_create
            try:
                evidence = create(
                    actor=request.user, organization=self.scoped_object, **form.service_arguments()
                )
            except ValidationError as error:
                if not show_error(request, form, error):
                    return HttpResponseRedirect(reverse("rmf:evidence_library", args=[pk]))
            else:
                messages.success(request, f"“{evidence.title}” is in the library.")
                return HttpResponseRedirect(reverse("rmf:evidence_library", args=[pk]))
        return self.render_page(400, upload_form=upload, link_form=link)

    def render_page(self, status: int = 200, upload_form=None, link_form=None):
        organization = self.scoped_object
        q = self.request.GET.get("q", "")[:200]
        default_upload, default_link = evidence_forms()
        context = {
            "organization": organization,
            "q": q,
            "evidence_list": evidence_library(self.request.user, organization, q=q),
            "can_add": organization_list_for_user(self.request.user, perm=EDIT_RMF)
            .filter(pk=organization.pk)
            .exists(),
            "upload_form": upload_form or default_upload,
            "link_form": link_form or default_link,
        }
        return render(self.request, "rmf/evidence/library.html", context, status=status)


class EvidenceDetailView(ScopedView):
    access_function = evidence_get_for_user
    permission = VIEW

    def get(self, request, pk):
        evidence = self.scoped_object
        context = {"evidence": evidence, "uses": evidence_uses(request.user, evidence)}
        return render(request, "rmf/evidence/detail.html", context)


def evidence_file_response(evidence) -> FileResponse:
    """The stored file as a download; a link, or a file missing from the store, is a 404."""
    try:
        handle = evidence_file_open(evidence)
    except FileNotFoundError as exc:
        raise Http404("This evidence has no file.") from exc
    return stored_file_response(
        handle,
        filename=evidence.file_name or f"evidence-{evidence.pk}",
        content_type=evidence.content_type,
    )


class EvidenceDownloadView(ScopedView):
    access_function = evidence_get_for_user
    permission = VIEW

    def get(self, request, pk):
        return evidence_file_response(self.scoped_object)


urlpatterns = [
    path(
        "organizations/<int:pk>/evidence/", EvidenceLibraryView.as_view(), name="evidence_library"
    ),
    path("evidence/<int:pk>/", EvidenceDetailView.as_view(), name="evidence_detail"),
    path("evidence/<int:pk>/download/", EvidenceDownloadView.as_view(), name="evidence_download"),
]
