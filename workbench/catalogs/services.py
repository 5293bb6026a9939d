"""Verify, fetch and load the NIST reference files."""

import hashlib
import shutil
import tempfile
import urllib.request
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from django.db import transaction
from django.utils import timezone

from workbench.catalogs.manifest import MANIFEST, ManifestEntry
from workbench.catalogs.registry import CatalogFileError, registered_loaders
from workbench.models import CatalogRelease

CHUNK = 1 << 20


class CatalogHashMismatch(Exception):
    def __init__(self, entry: ManifestEntry, actual: str):
        self.entry = entry
        self.actual = actual
        super().__init__(
            f"{entry.path}: SHA-256 is {actual}, but the manifest expects {entry.sha256}. "
            f"The publisher may have republished it; review the file, then run again with "
            f"--accept-hash {entry.key} (or --accept-any-hash) to load it anyway."
        )


@dataclass
class VerifiedFile:
    entry: ManifestEntry
    path: Path
    sha256: str
    override: bool


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def catalog_files_verify(
    *, directory: Path, accept_hashes: Iterable[str] = (), accept_any_hash: bool = False
) -> dict[str, VerifiedFile]:
    """Check that every manifest file is present with its expected hash; raise on the first that
    is not, naming it."""
    accepted = set(accept_hashes)
    unknown = accepted - {entry.key for entry in MANIFEST}
    if unknown:
        raise ValueError(f"--accept-hash names unknown files: {', '.join(sorted(unknown))}")
    verified: dict[str, VerifiedFile] = {}
    for entry in MANIFEST:
        path = directory / entry.path
        if not path.is_file():
            raise CatalogFileError(entry.path, f"missing from {directory}")
        actual = file_sha256(path)
        override = actual != entry.sha256
        if override and not (accept_any_hash or entry.key in accepted):
            raise CatalogHashMismatch(entry, actual)
        verified[entry.key] = VerifiedFile(entry=entry, path=path, sha256=actual, override=override)
    return verified


@transaction.atomic
def catalogs_load(
    *,
    directory: Path,
    accept_hashes: Iterable[str] = (),
    accept_any_hash: bool = False,
    progress: Callable[[str], None] = lambda message: None,
) -> list[CatalogRelease]:
    """Load every reference file in one transaction: all of it or, on any error, nothing."""
    verified = catalog_files_verify(
        directory=directory, accept_hashes=accept_hashes, accept_any_hash=accept_any_hash
    )
    paths = {key: item.path for key, item in verified.items()}
    now = timezone.now()
    releases: list[CatalogRelease] = []
    for loader in registered_loaders():
        progress(f"Loading {loader.name} ...")
        loaded = loader.load({key: paths[key] for key in loader.file_keys})
        for key, release in loaded.items():
            item = verified[key]
            obj, _ = CatalogRelease.objects.update_or_create(
                key=key,
                defaults={
                    "file_name": item.entry.path,
                    "sha256": item.sha256,
                    "version": release.version[:200],
                    "hash_override": item.override,
                    "row_counts": release.counts,
                    "loaded_at": now,
                },
            )
            releases.append(obj)
            counts = ", ".join(f"{count} {name}" for name, count in release.counts.items())
            progress(f"  {item.entry.path}: {release.version} ({counts})")
    return releases


def catalogs_fetch(
    *,
    destination: Path,
    base_url: str | None = None,
    accept_hashes: Iterable[str] = (),
    accept_any_hash: bool = False,
    timeout: float = 60.0,
    progress: Callable[[str], None] = lambda message: None,
) -> list[Path]:
    """Download every manifest file (from its publisher, or from `base_url` + its relative path
    for a mirror) and check its SHA-256 before moving it into place: a refused file replaces
    nothing."""
    accepted = set(accept_hashes)
    written: list[Path] = []
    destination.mkdir(parents=True, exist_ok=True)
    for entry in MANIFEST:
        url = base_url.rstrip("/") + "/" + entry.path if base_url else entry.url
        if not url.startswith(("https://", "http://")):
            raise ValueError(f"{url}: only http(s) addresses can be fetched")
        target = destination / entry.path
        target.parent.mkdir(parents=True, exist_ok=True)
        progress(f"Fetching {url}")
        digest = hashlib.sha256()
        with tempfile.NamedTemporaryFile(dir=target.parent, delete=False) as tmp:
            tmp_path = Path(tmp.name)
            try:
                request = urllib.request.Request(url, headers={"User-Agent": "rmf-workbench"})  # noqa: S310
                with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
                    while chunk := response.read(CHUNK):
                        digest.update(chunk)
                        tmp.write(chunk)
            except BaseException:
                tmp_path.unlink(missing_ok=True)
                raise
        actual = digest.hexdigest()
        if actual != entry.sha256 and not (accept_any_hash or entry.key in accepted):
            tmp_path.unlink(missing_ok=True)
            raise CatalogHashMismatch(entry, actual)
        shutil.move(tmp_path, target)
        written.append(target)
    return written
