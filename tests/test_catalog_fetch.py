"""`fetch_catalogs` against a real HTTP server on 127.0.0.1 serving a mirror of ../shared/nist."""

import io
import shutil
import stat
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from workbench.catalogs.manifest import MANIFEST, MANIFEST_BY_KEY
from workbench.catalogs.services import file_sha256


class QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@contextmanager
def serve(directory: Path) -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(QuietHandler, directory=str(directory)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def test_every_manifest_file_arrives_with_its_hash(nist_dir, tmp_path):
    destination = tmp_path / "nist"
    with serve(nist_dir) as base_url:
        call_command(
            "fetch_catalogs", base_url=base_url, dest=str(destination), stdout=io.StringIO()
        )
    for entry in MANIFEST:
        assert file_sha256(destination / entry.path) == entry.sha256, entry.path
    assert len([path for path in destination.rglob("*") if path.is_file()]) == len(MANIFEST)


def test_a_tampered_file_is_refused_and_replaces_nothing(nist_dir, tmp_path):
    entry = MANIFEST_BY_KEY["sp800-60-information-types"]
    mirror = tmp_path / "mirror"
    shutil.copytree(nist_dir, mirror)
    for path in [mirror, *mirror.rglob("*")]:
        path.chmod(path.stat().st_mode | stat.S_IWUSR)
    tampered = mirror / entry.path
    tampered.write_bytes(tampered.read_bytes().replace(b"fips-199-low", b"fips-199-hig", 1))

    # The operator already holds the genuine file: a refused download must not replace it.
    destination = tmp_path / "nist"
    target = destination / entry.path
    target.parent.mkdir(parents=True)
    shutil.copyfile(nist_dir / entry.path, target)

    with serve(mirror) as base_url, pytest.raises(CommandError) as refused:
        call_command(
            "fetch_catalogs", base_url=base_url, dest=str(destination), stdout=io.StringIO()
        )
    message = str(refused.value)
    assert entry.path in message
    assert entry.sha256 in message
    assert file_sha256(tampered) in message
    assert file_sha256(target) == entry.sha256
    assert list(target.parent.iterdir()) == [target]  # no partial download left behind
