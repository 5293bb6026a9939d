"""SP 800-60 Vol 2 Rev 1 information types with their provisional impact levels, from FedRAMP's
machine-readable rendering (an XML-to-JSON conversion: single-element lists are collapsed to
objects, and text is a `p` that is a string or a list of strings)."""

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from django.db.models import ProtectedError

from assets.models import InformationType, ProvisionalImpact
from workbench.catalogs.manifest import MANIFEST_BY_KEY
from workbench.catalogs.registry import (
    CatalogFileError,
    CatalogLoader,
    LoadedRelease,
    read_json,
)

KEY = "sp800-60-information-types"
ASPECTS = ("confidentiality", "integrity", "availability")
LEVELS = {
    "fips-199-low": ProvisionalImpact.LOW,
    "fips-199-moderate": ProvisionalImpact.MODERATE,
    "fips-199-high": ProvisionalImpact.HIGH,
    "na": ProvisionalImpact.NOT_APPLICABLE,
}
UPDATE_FIELDS = [f.name for f in InformationType._meta.concrete_fields if not f.primary_key]


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


class InformationTypeParser:
    def __init__(self, file_name: str):
        self.file_name = file_name

    def fail(self, problem: str) -> CatalogFileError:
        return CatalogFileError(self.file_name, problem)

    def paragraphs(self, value: Any, where: str) -> list[str]:
        """Text as paragraphs with the file's hard line wrapping undone."""
        if value is None:
            return []
        if isinstance(value, str):
            text = " ".join(value.split())
            return [text] if text else []
        if isinstance(value, list):
            return [text for item in value for text in self.paragraphs(item, where)]
        if isinstance(value, dict) and ("p" in value or "#text" in value):
            return self.paragraphs(value.get("p", value.get("#text")), where)
        raise self.fail(f"{where}: unexpected text structure {type(value).__name__}")

    def text(self, item: dict[str, Any], key: str, where: str) -> str:
        return "\n\n".join(self.paragraphs(item.get(key), f"{where} {key}"))

    def required(self, item: dict[str, Any], key: str, where: str) -> str:
        value = item.get(key)
        if not isinstance(value, str) or not value.strip():
            raise self.fail(f"{where}: '{key}' is missing or not text")
        return " ".join(value.split())

    def impact(self, item: dict[str, Any], aspect: str, where: str) -> tuple[str, str]:
        """The provisional level (`base`; a `selected` level is a system's choice, not SP 800-60's)
        and its note: explanation, recommendation and any adjustment justification."""
        impact = item.get(f"{aspect}-impact")
        base = impact.get("base") if isinstance(impact, dict) else impact
        if base not in LEVELS:
            raise self.fail(f"{where}: {aspect} impact {base!r} is not one of {', '.join(LEVELS)}")
        note: list[str] = []
        sources = [item.get(f"{aspect}-explanation"), item.get(f"{aspect}-recommendation")]
        if isinstance(impact, dict):
            sources.append(impact.get("adjustment-justification"))
        for source in sources:
            for paragraph in self.paragraphs(source, f"{where} {aspect}"):
                if paragraph not in note:  # some recommendations repeat the explanation
                    note.append(paragraph)
        return LEVELS[base], "\n\n".join(note)

    def parse(self, document: Any) -> tuple[str, list[InformationType]]:
        root = document.get("information-types") if isinstance(document, dict) else None
        if not isinstance(root, dict):
            raise self.fail("'information-types' is missing: this is not the SP 800-60 file")
        metadata = root.get("metadata") if isinstance(root.get("metadata"), dict) else {}
        version = str(metadata.get("version") or metadata.get("title") or "")
        rows: list[InformationType] = []
        seen: set[str] = set()
        for index, value in enumerate(_as_list(root.get("information-type")), start=1):
            if not isinstance(value, dict):
                raise self.fail(f"information type #{index} is not an object")
            type_id = self.required(value, "id", f"information type #{index}")
            if type_id in seen:
                raise self.fail(f"information type {type_id} appears more than once")
            seen.add(type_id)
            where = f"information type {type_id}"
            levels = {aspect: self.impact(value, aspect, where) for aspect in ASPECTS}
            row = InformationType(
                id=type_id,
                title=self.required(value, "title", where),
                category=self.required(value, "category", where),
                description=self.text(value, "description", where),
                sort_order=index,
            )
            for aspect, (level, note) in levels.items():
                setattr(row, aspect, level)
                setattr(row, f"{aspect}_note", note)
            self.check_lengths(row)
            rows.append(row)
        if not rows:
            raise self.fail("it lists no information types")
        return version, rows

    def check_lengths(self, row: InformationType) -> None:
        for name in ("id", "title", "category"):
            limit = InformationType._meta.get_field(name).max_length
            if len(getattr(row, name)) > limit:
                raise self.fail(f"information type {row.id}: {name} is longer than {limit}")


def load(paths: Mapping[str, Path]) -> dict[str, LoadedRelease]:
    file_name = MANIFEST_BY_KEY[KEY].path
    document = read_json(paths[KEY], file_name)
    version, rows = InformationTypeParser(file_name).parse(document)

    InformationType.objects.bulk_create(
        rows,
        batch_size=500,
        update_conflicts=True,
        unique_fields=["id"],
        update_fields=UPDATE_FIELDS,
    )
    stale = set(InformationType.objects.values_list("pk", flat=True)) - {row.id for row in rows}
    if stale:
        try:
            InformationType.objects.filter(pk__in=stale).delete()
        except ProtectedError as exc:
            raise CatalogFileError(
                file_name, f"{', '.join(sorted(stale))} are no longer listed but still in use"
            ) from exc
    not_applicable = sum(
        1
        for row in rows
        for aspect in ASPECTS
        if getattr(row, aspect) == ProvisionalImpact.NOT_APPLICABLE
    )
    return {
        KEY: LoadedRelease(
            version,
            {"information_types": len(rows), "not_applicable_levels": not_applicable},
        )
    }


LOADER = CatalogLoader(name="sp800-60", order=10, file_keys=(KEY,), load=load)
