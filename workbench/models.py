from django.db import models


class CatalogRelease(models.Model):
    """Which version of a NIST reference file is loaded, verified by its SHA-256."""

    key = models.CharField(max_length=64, unique=True)  # manifest key, e.g. "sp800-53-catalog"
    file_name = models.CharField(max_length=300)
    sha256 = models.CharField(max_length=64)
    version = models.CharField(max_length=200, blank=True)
    hash_override = models.BooleanField(default=False)  # loaded with --accept-hash
    row_counts = models.JSONField(default=dict)
    loaded_at = models.DateTimeField()

    class Meta:
        ordering = ["key"]

    def __str__(self) -> str:
        return f"{self.key} {self.version}"
