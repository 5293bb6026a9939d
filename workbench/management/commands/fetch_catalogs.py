import urllib.error
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from workbench.catalogs.services import CatalogHashMismatch, catalogs_fetch


class Command(BaseCommand):
    help = (
        "Download the NIST reference files from their publishers into var/nist/ (or --dest) and "
        "check each SHA-256 against the project's manifest."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dest", default=None, help="target folder (default: var/nist)")
        parser.add_argument(
            "--base-url",
            default=None,
            help="fetch from a mirror laid out like ../shared/nist instead of the publishers",
        )
        parser.add_argument("--accept-hash", action="append", default=[], metavar="KEY")
        parser.add_argument("--accept-any-hash", action="store_true")
        parser.add_argument("--timeout", type=float, default=60.0)

    def handle(self, *args, **options):
        destination = Path(options["dest"] or settings.VAR_DIR / "nist").expanduser().resolve()
        try:
            written = catalogs_fetch(
                destination=destination,
                base_url=options["base_url"],
                accept_hashes=options["accept_hash"],
                accept_any_hash=options["accept_any_hash"],
                timeout=options["timeout"],
                progress=lambda message: self.stdout.write(message),
            )
        except CatalogHashMismatch as exc:
            raise CommandError(f"Refused. {exc}") from exc
        except (urllib.error.URLError, OSError, ValueError) as exc:
            raise CommandError(f"Download failed: {exc}") from exc
        self.stdout.write(self.style.SUCCESS(f"Fetched {len(written)} files into {destination}."))
