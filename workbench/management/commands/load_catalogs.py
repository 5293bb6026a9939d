from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from workbench.catalogs.registry import CatalogFileError
from workbench.catalogs.services import CatalogHashMismatch, catalogs_load


class Command(BaseCommand):
    help = (
        "Load the NIST reference catalogs (SP 800-53/53A/53B, CSF 1.1 and 2.0 with mappings, "
        "SP 800-60) from a folder, verifying each file's SHA-256. Idempotent and all-or-nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dir", default=None, help="folder with the NIST files (default: WORKBENCH_NIST_DIR)"
        )
        parser.add_argument(
            "--accept-hash",
            action="append",
            default=[],
            metavar="KEY",
            help="load this manifest file although its SHA-256 differs (repeatable)",
        )
        parser.add_argument(
            "--accept-any-hash", action="store_true", help="accept every changed file"
        )

    def handle(self, *args, **options):
        directory = Path(options["dir"] or settings.WORKBENCH_NIST_DIR).expanduser().resolve()
        if not directory.is_dir():
            raise CommandError(
                f"NIST folder {directory} does not exist. Point WORKBENCH_NIST_DIR or --dir at a "
                f"copy of the reference files, or run `manage.py fetch_catalogs` first."
            )
        try:
            releases = catalogs_load(
                directory=directory,
                accept_hashes=options["accept_hash"],
                accept_any_hash=options["accept_any_hash"],
                progress=lambda message: self.stdout.write(message),
            )
        except (CatalogHashMismatch, CatalogFileError, ValueError) as exc:
            raise CommandError(f"Nothing was loaded. {exc}") from exc
        self.stdout.write(self.style.SUCCESS(f"Loaded {len(releases)} reference files."))
