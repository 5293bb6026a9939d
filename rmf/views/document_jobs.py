"""A background document's page (progress, then the download link) and its file, for whoever
may see the system. The job is reached through its access function (`document_job_get_for_user`),
which goes through the cycle's system: the same 404 for a missing job and one not theirs."""

from django.http import FileResponse, Http404
from django.shortcuts import render
from django.urls import path

from assets.roles import VIEW
from rmf.documents.jobs import job_file_open
from rmf.selectors.document_jobs import (
    document_job_data_changed,
    document_job_get_for_user,
    document_job_title,
)
from workbench.exports import stored_file_response
from workbench.views_access import ScopedView

REFRESH_SECONDS = 3


class DocumentJobView(ScopedView):
    access_function = document_job_get_for_user
    permission = VIEW

    def get(self, request, pk):
        job = self.scoped_object
        authorization = job.authorization
        done = job.status == job.Status.DONE
        context = {
            "job": job,
            "authorization": authorization,
            "system": authorization.system,
            "title": document_job_title(job),
            "data_changed": done and document_job_data_changed(job),
            "lost": job.is_lost,
            "refresh_seconds": None if job.is_finished or job.is_lost else REFRESH_SECONDS,
        }
        return render(request, "rmf/documents/job.html", context)


def job_file_response(job) -> FileResponse:
    """The job's file as a download; a job without a file (not done, failed, or removed from
    the store) is a 404."""
    try:
        handle = job_file_open(job)
    except FileNotFoundError as exc:
        raise Http404("This document has no file.") from exc
    return stored_file_response(
        handle, filename=job.filename or f"document-{job.pk}", content_type=job.content_type
    )


class DocumentJobDownloadView(ScopedView):
    access_function = document_job_get_for_user
    permission = VIEW

    def get(self, request, pk):
        return job_file_response(self.scoped_object)


urlpatterns = [
    path("document-jobs/<int:pk>/", DocumentJobView.as_view(), name="document_job"),
    path(
        "document-jobs/<int:pk>/download/",
        DocumentJobDownloadView.as_view(),
        name="document_job_download",
    ),
]
