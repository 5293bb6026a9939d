"""Reads of background document jobs: the access function, a cycle's recent jobs, and whether
the data changed since a job's file was built."""

from django.db.models import QuerySet

from assets.roles import VIEW
from rmf.documents import document_spec
from rmf.models import Authorization, DocumentJob
from rmf.selectors.package import package_content, package_hash
from rmf.selectors.workflow import authorization_list_for_user
from workbench.access import get_or_404


def document_job_list_for_user(user, *, perm: str = VIEW) -> QuerySet[DocumentJob]:
    return DocumentJob.objects.filter(
        authorization__in=authorization_list_for_user(user, perm=perm)
    )


def document_job_get_for_user(user, pk, *, perm: str = VIEW) -> DocumentJob:
    """The access function for document jobs (and their files): through the cycle's system,
    the same 404 for missing and not permitted."""
    return get_or_404(
        document_job_list_for_user(user, perm=perm).select_related(
            "authorization__system__organization", "requested_by"
        ),
        pk=pk,
    )


def cycle_document_jobs(authorization: Authorization, *, limit: int = 10) -> list[DocumentJob]:
    """The cycle's latest jobs, newest first (one query)."""
    return list(
        DocumentJob.objects.filter(authorization=authorization).select_related("requested_by")[
            :limit
        ]
    )


def document_job_title(job: DocumentJob) -> str:
    spec = document_spec(job.kind, job.format)
    return spec.title if spec is not None else f"{job.kind}.{job.format}"


def document_job_data_changed(job: DocumentJob) -> bool:
    """Whether the cycle's package content differs now from the data the file was built from."""
    return package_hash(package_content(job.authorization)) != job.content_hash
