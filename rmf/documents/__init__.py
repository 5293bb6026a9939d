"""The authorization package's documents, in three forms: PDF (WeasyPrint), XLSX (openpyxl,
streamed) and OSCAL JSON. Each document is a renderer registered here under its kind and format
("ssp", "pdf"); every renderer follows the export interface of `workbench.exports`:
`render(authorization) -> (filename, content type, bytes or a stream of bytes)`.

The pages, the API (`/api/v1/authorizations/<id>/documents/<kind>.<format>`) and the command
(`manage.py export_package`) all go through `document_render`, so a document reads the same
data whichever way it is asked for. Access is checked before: the cycle comes through its
access function.
"""

from collections.abc import Callable
from dataclasses import dataclass

from rmf.models import Authorization
from workbench.exports import Rendered

FORMATS = ("pdf", "xlsx", "json")

# A background job's report of how far a render got: (percent 0-100, a short note in plain
# words such as "Control AC-2 of 370").
Progress = Callable[[int, str], None]


@dataclass(frozen=True)
class DocumentSpec:
    kind: str  # "ssp", "sar", "poam", "decision-letter", "package", "inventory"
    format: str  # one of FORMATS
    title: str  # "System security plan (OSCAL JSON)"
    render: Callable[[Authorization], Rendered]
    # Long documents (a whole package as PDF) are built by a background job, never in the
    # web request.
    background: bool = False
    # The same render, reporting its progress; background jobs call it when set, else `render`.
    progress_render: Callable[[Authorization, Progress], Rendered] | None = None


_DOCUMENTS: dict[tuple[str, str], DocumentSpec] = {}


def register_document(spec: DocumentSpec) -> DocumentSpec:
    if spec.format not in FORMATS:
        raise ValueError(f"Unknown format {spec.format!r}: use one of {', '.join(FORMATS)}.")
    _DOCUMENTS[(spec.kind, spec.format)] = spec
    return spec


def document_specs() -> list[DocumentSpec]:
    return sorted(_DOCUMENTS.values(), key=lambda spec: (spec.kind, FORMATS.index(spec.format)))


def document_spec(kind: str, format: str) -> DocumentSpec | None:
    return _DOCUMENTS.get((kind, format))


def document_render(authorization: Authorization, kind: str, format: str) -> Rendered:
    """The document of the cycle, rendered now. `authorization` was reached through its access
    function; raises LookupError for a kind and format that do not exist."""
    spec = document_spec(kind, format)
    if spec is None:
        raise LookupError(f"There is no {kind}.{format} document.")
    return spec.render(authorization)
