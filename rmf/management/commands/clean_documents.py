"""`manage.py clean_documents [--keep-days N]`: the documents store's daily housekeeping (from
cron, a systemd timer or Celery beat): jobs lost in a restart are marked failed, and files
built more than N days ago (`WORKBENCH_DOCUMENTS_KEEP_DAYS`, 30) are removed, except each
cycle's latest file of each document."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.template.defaultfilters import filesizeformat

from rmf.services.documents import document_jobs_clean


class Command(BaseCommand):
    help = "Remove old documents built in the background and fail jobs lost in a restart."

    def add_arguments(self, parser):
        parser.add_argument(
            "--keep-days",
            type=int,
            default=None,
            help="Keep documents built within this many days "
            "(default: WORKBENCH_DOCUMENTS_KEEP_DAYS, 30).",
        )

    def handle(self, *args, keep_days: int | None, **options):
        if keep_days is None:
            keep_days = settings.WORKBENCH_DOCUMENTS_KEEP_DAYS
        try:
            cleanup = document_jobs_clean(keep_days=keep_days)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        self.stdout.write(
            f"{cleanup.lost_jobs} lost job(s) marked failed; {cleanup.removed_jobs} old job(s) "
            f"and {cleanup.removed_files} file(s) removed, "
            f"{filesizeformat(cleanup.freed_bytes)} freed."
        )
