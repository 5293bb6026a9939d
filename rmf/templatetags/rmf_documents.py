"""The "Documents" section of the package page: every registered document of the cycle (a
download, or a request for a background build) and the cycle's latest background jobs."""

from django import template

from rmf.documents import document_specs
from rmf.selectors.document_jobs import cycle_document_jobs, document_job_title

register = template.Library()


@register.inclusion_tag("rmf/authorize/_documents.html", takes_context=True)
def package_documents(context, authorization):
    jobs = cycle_document_jobs(authorization)
    for job in jobs:
        job.title = document_job_title(job)
    return {
        "authorization": authorization,
        "specs": document_specs(),
        "jobs": jobs,
        "csrf_token": context.get("csrf_token"),
    }
