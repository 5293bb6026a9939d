"""Uploaded import files: the size limit, and keeping a previewed file on the server until the
person confirms, so that the confirm step re-reads what was previewed rather than trusting the
browser."""

import re
import secrets
import shutil
import time
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.core.files.uploadhandler import FileUploadHandler, StopUpload
from django.http import QueryDict
from django.utils.datastructures import MultiValueDict

# Multipart framing and the other form fields around the file.
REQUEST_OVERHEAD_BYTES = 64 * 1024
KEEP_SECONDS = 24 * 3600
_TOKEN = re.compile(r"^[A-Za-z0-9_-]{32,64}$")
SUFFIXES = (".xlsx", ".csv")


def max_bytes() -> int:
    return int(settings.WORKBENCH_IMPORT_MAX_BYTES)


def too_large_message() -> str:
    return (
        f"The file is larger than {max_bytes() // (1024 * 1024)} MB, the most an import accepts. "
        "Split it into several files (for example one per organization)."
    )


def request_too_large(request) -> bool:
    """Whether the request announces a body larger than an import may be: checked before
    anything reads the body."""
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return False
    return length > max_bytes() + REQUEST_OVERHEAD_BYTES


def file_too_large(upload: UploadedFile) -> bool:
    return upload.size is None or upload.size > max_bytes()


class SizeLimitUploadHandler(FileUploadHandler):
    """Stops reading a body larger than the limit; the view then answers with a clear message."""

    def __init__(self, request=None):
        super().__init__(request)
        self.received = 0
        self.exceeded = False

    def handle_raw_input(self, input_data, META, content_length, boundary, encoding=None):
        if content_length > max_bytes() + REQUEST_OVERHEAD_BYTES:
            self.exceeded = True
            return QueryDict(), MultiValueDict()  # parsed as empty, without reading the body
        return None

    def receive_data_chunk(self, raw_data, start):
        self.received += len(raw_data)
        if self.received > max_bytes():
            self.exceeded = True
            raise StopUpload(connection_reset=True)
        return raw_data

    def file_complete(self, file_size):
        return None


@dataclass(frozen=True)
class StoredUpload:
    token: str
    path: Path
    filename: str


def _folder(user) -> Path:
    return Path(settings.VAR_DIR) / "imports" / str(user.pk)


def store_upload(user, upload: UploadedFile) -> StoredUpload:
    """Keep the file under a random token in the user's own folder."""
    _remove_stale()
    folder = _folder(user)
    folder.mkdir(parents=True, exist_ok=True)
    token = secrets.token_urlsafe(32)
    name = Path(upload.name or "upload").name
    suffix = ".xlsx" if name.lower().endswith((".xlsx", ".xlsm")) else ".csv"
    path = folder / f"{token}{suffix}"
    with path.open("wb") as target:
        for chunk in upload.chunks():
            target.write(chunk)
    (folder / f"{token}.name").write_text(name[:200], encoding="utf-8")
    return StoredUpload(token, path, name)


def find_upload(user, token: str) -> StoredUpload | None:
    """The user's own stored file of this token; another user's token finds nothing."""
    if not user.is_authenticated or not _TOKEN.match(token or ""):
        return None
    folder = _folder(user)
    for suffix in SUFFIXES:
        path = folder / f"{token}{suffix}"
        if path.is_file() and time.time() - path.stat().st_mtime < KEEP_SECONDS:
            name_file = folder / f"{token}.name"
            name = name_file.read_text(encoding="utf-8") if name_file.is_file() else path.name
            return StoredUpload(token, path, name)
    return None


def discard_upload(stored: StoredUpload) -> None:
    stored.path.unlink(missing_ok=True)
    stored.path.with_suffix(".name").unlink(missing_ok=True)


def _remove_stale() -> None:
    root = Path(settings.VAR_DIR) / "imports"
    if not root.is_dir():
        return
    cutoff = time.time() - KEEP_SECONDS
    for path in root.glob("*/*"):
        try:
            if path.stat().st_mtime < cutoff:
                path.unlink()
        except FileNotFoundError:
            continue
    for folder in root.iterdir():
        if folder.is_dir() and not any(folder.iterdir()):
            shutil.rmtree(folder, ignore_errors=True)
