"""`manage.py export_package SYSTEM_ID --format FORMAT --output PATH`, FORMAT one of pdf (the
whole package), xlsx (the control matrix), oscal-ssp, oscal-ar, oscal-poam: a document of the
system's current RMF cycle, written to a file, for automation (a nightly export to a records
system, a hand-off to another compliance tool).

It runs with the server's own rights (whoever may run manage.py may read the database), builds
the document in this process whatever the queue setting, and writes the file whole or not at all.
"""

from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from assets.models import System
from rmf.documents import document_spec
from rmf.documents.jobs import rendered_write
from rmf.models import Authorization

# --format -> (kind, format) in the document registry.
FORMATS: dict[str, tuple[str, str]] = {
    "pdf": ("package", "pdf"),  # the whole authorization package
    "xlsx": ("ssp", "xlsx"),  # the control implementation matrix
    "oscal-ssp": ("ssp", "json"),
    "oscal-ar": ("sar", "json"),
    "oscal-poam": ("poam", "json"),
}


class Command(BaseCommand):
    help = "Write a document of a system's current RMF cycle (the authorization package) to a file."

    def add_arguments(self, parser):
        parser.add_argument("system_id", type=int, help="The system's id (as in its web address).")
        parser.add_argument("--format", required=True, choices=sorted(FORMATS), dest="format")
        parser.add_argument(
            "--output", required=True, type=Path, help="The file to write (replaced if present)."
        )

    def handle(self, *args, system_id: int, format: str, output: Path, **options):
        system = System.objects.filter(pk=system_id).select_related("organization").first()
        if system is None:
            raise CommandError(f"There is no system with id {system_id}.")
        authorization = (
            Authorization.objects.filter(system=system, is_current=True)
            .select_related(
                "system__organization", "system__authorizing_official", "system__system_owner"
            )
            .first()
        )
        if authorization is None:
            raise CommandError(f"{system.name} has no RMF cycle yet: start one first.")
        kind, document_format = FORMATS[format]
        spec = document_spec(kind, document_format)
        if spec is None:
            raise CommandError(f"The {format} document is not available in this installation.")
        if not output.parent.is_dir():
            raise CommandError(f"The folder {output.parent} does not exist.")
        verbosity = options.get("verbosity", 1)

        def progress(percent: int, note: str) -> None:
            if verbosity >= 2:
                self.stderr.write(f"{percent:3d}%  {note}")

        try:
            if spec.progress_render is not None:
                rendered = spec.progress_render(authorization, progress)
            else:
                rendered = spec.render(authorization)
            size, sha256 = rendered_write(rendered, output)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        except OSError as error:
            raise CommandError(f"Could not write {output}: {error.strerror or error}.") from error
        if verbosity >= 1:
            self.stdout.write(
                f"Wrote {spec.title} of {system.name}, cycle {authorization.cycle}, to {output} "
                f"({size} bytes, SHA-256 {sha256})."
            )
