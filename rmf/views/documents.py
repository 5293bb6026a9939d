"""The cycle's documents (SSP, SAR, POA&M, inventory, ... as PDF, XLSX or OSCAL JSON) as
downloads: one generic view over the document registry, for whoever may see the system. A long
document (`background=True`) is asked for with a POST: a background job builds it, and its page
shows the progress and then the download."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.urls import path, reverse

from rmf.documents import document_render, document_spec
from rmf.services.documents import document_job_request
from rmf.views.workflow import CycleView
from workbench.exports import download


def documents_section(pk: int) -> str:
    return reverse("rmf:authorize", args=[pk]) + "#documents"


class DocumentDownloadView(CycleView):
    """VIEW on the system (CycleView), for reading and for asking for a background build (it
    changes no data); a document built by a background job is not rendered in the request."""

    def get(self, request, pk, kind, document_format):
        spec = document_spec(kind, document_format)
        if spec is None:
            raise Http404(f"There is no {kind}.{document_format} document.")
        if spec.background:
            messages.info(request, f"{spec.title} is built in the background; ask for it here.")
            return redirect(documents_section(pk))
        try:
            rendered = document_render(self.scoped_object, kind, document_format)
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
            return redirect("rmf:authorization_detail", pk=pk)
        return download(rendered)

    def post(self, request, pk, kind, document_format):
        if document_spec(kind, document_format) is None:
            raise Http404(f"There is no {kind}.{document_format} document.")
        try:
            job = document_job_request(
                actor=request.user,
                authorization=self.scoped_object,
                kind=kind,
                format=document_format,
            )
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
            return redirect(documents_section(pk))
        return redirect("rmf:document_job", pk=job.pk)


urlpatterns = [
    path(
        "authorizations/<int:pk>/documents/<slug:kind>.<slug:document_format>",
        DocumentDownloadView.as_view(),
        name="document",
    ),
]
