"""Documents built in the background (a whole package as PDF can take minutes): the job, its
progress, and the file it produced, tied to the data version (package hash) it was built from.

Files live outside the web root (`WORKBENCH_DOCUMENTS_DIR`) and are served only through a
permission-checked view.
"""

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone

# A job still waiting or being built this long after it was asked for is taken for lost: the
# process building it stopped (a restart, a crash). It is not reused, and its page says so.
LOST_AFTER = timedelta(hours=1)


class DocumentJob(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", "Waiting to start"
        RUNNING = "running", "Being built"
        DONE = "done", "Ready"
        FAILED = "failed", "Failed"

    authorization = models.ForeignKey(
        "rmf.Authorization", on_delete=models.CASCADE, related_name="document_jobs"
    )
    kind = models.CharField(max_length=30)  # a registered document kind: "ssp", "package", ...
    format = models.CharField(max_length=10)  # "pdf", "xlsx", "json"
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    progress = models.PositiveSmallIntegerField(default=0)  # percent
    note = models.CharField(max_length=200, blank=True)  # "Control AC-2 of 370"
    error = models.TextField(blank=True)  # in plain words, for the person who asked
    # SHA-256 of the package content (rmf.selectors.package) the file was built from.
    content_hash = models.CharField(max_length=64)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    requested_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    storage_name = models.CharField(max_length=100, blank=True)  # random name under the store
    filename = models.CharField(max_length=255, blank=True)  # for the download
    content_type = models.CharField(max_length=100, blank=True)
    size = models.PositiveBigIntegerField(default=0)
    sha256 = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ["-requested_at", "-id"]
        indexes = [
            models.Index(
                fields=["authorization", "kind", "format", "content_hash"],
                name="rmf_docjob_reuse_idx",
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind}.{self.format} of {self.authorization} ({self.status})"

    @property
    def is_finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED)

    @property
    def is_lost(self) -> bool:
        return not self.is_finished and self.requested_at < timezone.now() - LOST_AFTER
