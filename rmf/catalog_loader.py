"""SP 800-53 Rev 5 controls with their SP 800-53A assessment procedures (one OSCAL catalog) and the
four SP 800-53B baselines (OSCAL profiles).

Every file is parsed and checked completely before anything is written, then the rows are upserted
on their OSCAL ids, so that a reload keeps every reference that systems and assessments hold.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import models
from django.db.models import ProtectedError

from rmf.models import (
    Baseline,
    BaselineControl,
    Control,
    ControlFamily,
    ControlParameter,
    ControlPart,
)
from workbench.catalogs.manifest import MANIFEST_BY_KEY
from workbench.catalogs.registry import (
    CatalogFileError,
    CatalogLoader,
    LoadedRelease,
    read_json,
)

CATALOG_KEY = "sp800-53-catalog"
BASELINE_KEYS: dict[str, str] = {
    Baseline.Name.LOW: "sp800-53b-low",
    Baseline.Name.MODERATE: "sp800-53b-moderate",
    Baseline.Name.HIGH: "sp800-53b-high",
    Baseline.Name.PRIVACY: "sp800-53b-privacy",
}
BATCH = 500
WITHDRAWN_RELS = ("incorporated-into", "moved-to")
ASSESSMENT_OBJECTS = "assessment-objects"


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _props(item: dict[str, Any]) -> list[dict[str, Any]]:
    return [prop for prop in _as_list(item.get("props")) if isinstance(prop, dict)]


def _prop_values(item: dict[str, Any], name: str) -> list[str]:
    return [str(prop.get("value", "")) for prop in _props(item) if prop.get("name") == name]


def _label(item: dict[str, Any], classes: Iterable[str | None]) -> str:
    """The first `label` prop of the given classes, in order of preference (None: no class)."""
    labels = {
        prop.get("class"): prop.get("value", "")
        for prop in _props(item)
        if prop.get("name") == "label"
    }
    return next((str(labels[cls]) for cls in classes if cls in labels), "")


def _link_targets(item: dict[str, Any], rels: Iterable[str]) -> list[str]:
    """Ids that the item's in-document links of these relations point at ("#ac-2" -> "ac-2")."""
    wanted = set(rels)
    targets: list[str] = []
    for link in _as_list(item.get("links")):
        if not isinstance(link, dict) or link.get("rel") not in wanted:
            continue
        href = str(link.get("href", ""))
        if href.startswith("#") and href[1:] not in targets:
            targets.append(href[1:])
    return targets


def check_lengths(rows: list[models.Model], file_name: str) -> None:
    """Refuse a value the column cannot hold, as SQLite would silently store it."""
    if not rows:
        return
    limited = [f for f in type(rows[0])._meta.concrete_fields if isinstance(f, models.CharField)]
    for row in rows:
        for model_field in limited:
            value = getattr(row, model_field.attname)
            if isinstance(value, str) and len(value) > model_field.max_length:
                raise CatalogFileError(
                    file_name,
                    f"{row.pk}: {model_field.name} {value[:60]!r} is longer than "
                    f"{model_field.max_length} characters",
                )


@dataclass
class ParsedCatalog:
    version: str
    families: list[ControlFamily] = field(default_factory=list)
    controls: list[Control] = field(default_factory=list)
    parameters: list[ControlParameter] = field(default_factory=list)
    parts: list[ControlPart] = field(default_factory=list)
    related: set[tuple[str, str]] = field(default_factory=set)

    def counts(self) -> dict[str, int]:
        def parts_named(name: str) -> int:
            return sum(1 for part in self.parts if part.name == name)

        return {
            "families": len(self.families),
            "controls": sum(1 for control in self.controls if control.parent_id is None),
            "enhancements": sum(1 for control in self.controls if control.parent_id is not None),
            "withdrawn": sum(1 for control in self.controls if control.withdrawn),
            "parameters": len(self.parameters),
            "statement_parts": parts_named(ControlPart.Name.STATEMENT)
            + parts_named(ControlPart.Name.ITEM),
            "objectives": parts_named(ControlPart.Name.OBJECTIVE),
            "methods": parts_named(ControlPart.Name.METHOD),
            "related": len(self.related),
        }


@dataclass
class ParsedBaseline:
    id: str
    key: str
    title: str
    version: str
    control_ids: list[str]


class CatalogParser:
    """Turns the OSCAL catalog into unsaved rows, in document order."""

    def __init__(self, file_name: str):
        self.file_name = file_name
        self.ids: set[str] = set()
        self.parsed = ParsedCatalog(version="")

    def fail(self, problem: str) -> CatalogFileError:
        return CatalogFileError(self.file_name, problem)

    def obj(self, value: Any, where: str) -> dict[str, Any]:
        if not isinstance(value, dict):
            raise self.fail(f"{where}: expected an object, found {type(value).__name__}")
        return value

    def text(self, item: dict[str, Any], key: str, where: str, *, required: bool = True) -> str:
        value = item.get(key)
        if value is None and not required:
            return ""
        if not isinstance(value, str) or (required and not value.strip()):
            raise self.fail(f"{where}: '{key}' is missing or not text")
        return value

    def new_id(self, item: dict[str, Any], what: str, where: str) -> str:
        identifier = item.get("id")
        if not isinstance(identifier, str) or not identifier:
            raise self.fail(f"{where}: a {what} has no id")
        if identifier in self.ids:
            raise self.fail(f"{where}: id {identifier!r} appears more than once")
        self.ids.add(identifier)
        return identifier

    def parse(self, document: Any) -> ParsedCatalog:
        catalog = self.obj(self.obj(document, "the file").get("catalog"), "'catalog'")
        metadata = self.obj(catalog.get("metadata"), "catalog metadata")
        title = self.text(metadata, "title", "catalog metadata")
        parsed = self.parsed
        parsed.version = str(metadata.get("version") or title)
        groups = _as_list(catalog.get("groups"))
        if not groups:
            raise self.fail("the catalog has no control families ('groups')")
        for index, value in enumerate(groups, start=1):
            group = self.obj(value, f"family #{index}")
            family_id = self.text(group, "id", f"family #{index}")
            where = f"family {family_id}"
            parsed.families.append(
                ControlFamily(
                    id=family_id, title=self.text(group, "title", where), sort_order=index
                )
            )
            for control in _as_list(group.get("controls")):
                self.control(control, family_id, None, where)
        control_ids = {control.id for control in parsed.controls}
        for source, target in sorted(parsed.related):
            if target not in control_ids:
                raise self.fail(
                    f"control {source} is related to {target}, which is not in the catalog"
                )
        return parsed

    def control(self, value: Any, family_id: str, parent_id: str | None, where: str) -> None:
        item = self.obj(value, where)
        control_id = self.new_id(item, "control", where)
        where = f"control {control_id}"
        withdrawn = "withdrawn" in _prop_values(item, "status")
        control = Control(
            id=control_id,
            family_id=family_id,
            parent_id=parent_id,
            label=_label(item, [None]) or control_id.upper(),
            title=self.text(item, "title", where),
            sort_key=next(iter(_prop_values(item, "sort-id")), control_id),
            withdrawn=withdrawn,
            withdrawn_to=_link_targets(item, WITHDRAWN_RELS) if withdrawn else [],
            implementation_levels=_prop_values(item, "implementation-level"),
        )
        self.parsed.controls.append(control)
        self.parsed.related.update(
            (control_id, target) for target in _link_targets(item, ["related"])
        )
        for param in _as_list(item.get("params")):
            self.parameter(param, control_id, where)
        first_part = len(self.parsed.parts)
        self.parts(item.get("parts"), control_id, None, 0, where)
        control.guidance = "\n\n".join(
            part.prose
            for part in self.parsed.parts[first_part:]
            if part.depth == 0 and part.name == ControlPart.Name.GUIDANCE
        )
        for enhancement in _as_list(item.get("controls")):
            self.control(enhancement, family_id, control_id, f"enhancements of {control_id}")

    def parameter(self, value: Any, control_id: str, where: str) -> None:
        item = self.obj(value, f"{where} parameter")
        param_id = self.new_id(item, "parameter", where)
        where = f"parameter {param_id}"
        how_many, choices = "", []
        if "select" in item:
            select = self.obj(item["select"], f"{where} select")
            # OSCAL: a selection without how-many takes exactly one choice.
            how_many = self.text(select, "how-many", where, required=False) or "one"
            choices = [self.choice(choice, where) for choice in _as_list(select.get("choice"))]
        guidelines = [
            self.text(self.obj(guideline, f"{where} guideline"), "prose", where, required=False)
            for guideline in _as_list(item.get("guidelines"))
        ]
        self.parsed.parameters.append(
            ControlParameter(
                id=param_id,
                control_id=control_id,
                alt_identifier=next(iter(_prop_values(item, "alt-identifier")), ""),
                odp_label=_label(item, ["sp800-53a"]),
                label=self.text(item, "label", where, required=False),
                alt_label=next(iter(_prop_values(item, "alt-label")), ""),
                aggregates=_prop_values(item, "aggregates"),
                guidelines="\n\n".join(text for text in guidelines if text),
                how_many=how_many,
                choices=choices,
                values=[str(value) for value in _as_list(item.get("values"))],
                depends_on=self.text(item, "depends-on", where, required=False),
                sort_order=len(self.parsed.parameters),
            )
        )

    def choice(self, value: Any, where: str) -> str:
        if not isinstance(value, str):
            raise self.fail(f"{where}: a selection choice is not text")
        return value

    def parts(
        self, values: Any, control_id: str, parent_id: str | None, depth: int, where: str
    ) -> None:
        for value in _as_list(values):
            item = self.obj(value, f"{where} part")
            name = self.text(item, "name", f"{where} part")
            part_id = self.new_id(item, f"'{name}' part", where)
            children = _as_list(item.get("parts"))
            part = ControlPart(
                id=part_id,
                control_id=control_id,
                parent_id=parent_id,
                name=name,
                label=_label(item, [None, "sp800-53a", "zero-padded"]),
                prose=self.text(item, "prose", part_id, required=False),
                depth=depth,
                sort_order=len(self.parsed.parts),
            )
            if name == ControlPart.Name.METHOD:
                # What to examine, interview or test: kept as text of the method, not as rows.
                objects = [child for child in children if _is_assessment_objects(child)]
                children = [child for child in children if not _is_assessment_objects(child)]
                part.method = next(iter(_prop_values(item, "method")), "")
                part.assessment_objects = "\n\n".join(
                    self.text(child, "prose", part_id, required=False) for child in objects
                )
            elif name == ControlPart.Name.OBJECTIVE:
                part.assessment_for = next(iter(_link_targets(item, ["assessment-for"])), "")
            self.parsed.parts.append(part)
            self.parts(children, control_id, part_id, depth + 1, where)


def _is_assessment_objects(value: Any) -> bool:
    return isinstance(value, dict) and value.get("name") == ASSESSMENT_OBJECTS


def parse_baseline(
    document: Any, level: str, key: str, file_name: str, control_ids: set[str]
) -> ParsedBaseline:
    def fail(problem: str) -> CatalogFileError:
        return CatalogFileError(file_name, problem)

    profile = document.get("profile") if isinstance(document, dict) else None
    if not isinstance(profile, dict):
        raise fail("'profile' is missing: this is not an OSCAL profile")
    metadata = profile.get("metadata")
    title = metadata.get("title") if isinstance(metadata, dict) else None
    if not isinstance(title, str) or not title:
        raise fail("the profile metadata has no title")
    imports = _as_list(profile.get("imports"))
    first_import = imports[0] if imports and isinstance(imports[0], dict) else {}
    ids: list[str] = []
    for include in _as_list(first_import.get("include-controls")):
        for control_id in _as_list(include.get("with-ids") if isinstance(include, dict) else None):
            if not isinstance(control_id, str):
                raise fail("imports[0].include-controls lists a control id that is not text")
            if control_id not in ids:
                ids.append(control_id)
    if not ids:
        raise fail("imports[0].include-controls[*].with-ids lists no controls")
    unknown = [control_id for control_id in ids if control_id not in control_ids]
    if unknown:
        raise fail(
            f"{len(unknown)} control(s) are not in the SP 800-53 catalog: {', '.join(unknown[:10])}"
        )
    return ParsedBaseline(
        id=level,
        key=key,
        title=title,
        version=str(metadata.get("version") or title),
        control_ids=ids,
    )


def _upsert(model: type[models.Model], rows: list[models.Model]) -> None:
    fields = [f.name for f in model._meta.concrete_fields if not f.primary_key]
    model.objects.bulk_create(
        rows, batch_size=BATCH, update_conflicts=True, unique_fields=["id"], update_fields=fields
    )


def _delete_ids(queryset: models.QuerySet, ids: Iterable[Any]) -> None:
    ordered = sorted(ids)
    for start in range(0, len(ordered), BATCH):
        queryset.filter(pk__in=ordered[start : start + BATCH]).delete()


def _delete_missing(model: type[models.Model], keep: set[str], file_name: str) -> None:
    stale = set(model.objects.values_list("pk", flat=True)) - keep
    if not stale:
        return
    try:
        if model is Control:
            # Enhancements first: a control's parent is protected while it has enhancements.
            _delete_ids(Control.objects.filter(parent__isnull=False), stale)
        _delete_ids(model.objects.all(), stale)
    except ProtectedError as exc:
        raise CatalogFileError(
            file_name,
            f"{', '.join(sorted(stale)[:10])} would be removed but are still in use "
            f"({len(exc.protected_objects)} references); NIST withdraws, it does not delete",
        ) from exc


def _sync_pairs(
    through: type[models.Model],
    existing: Iterable[tuple[int, str, str]],
    wanted: set[tuple[str, str]],
    fields: tuple[str, str],
) -> None:
    """Make a link table hold exactly `wanted`, keeping the rows (and pks) that stay."""
    current: dict[tuple[str, str], int] = {(a, b): pk for pk, a, b in existing}
    _delete_ids(through.objects.all(), [pk for pair, pk in current.items() if pair not in wanted])
    through.objects.bulk_create(
        [
            through(**dict(zip(fields, pair, strict=True)))
            for pair in sorted(wanted - current.keys())
        ],
        batch_size=BATCH,
    )


def store(parsed: ParsedCatalog, baselines: list[ParsedBaseline], file_name: str) -> None:
    for rows in (parsed.families, parsed.controls, parsed.parameters, parsed.parts):
        check_lengths(rows, file_name)
    _upsert(ControlFamily, parsed.families)
    _upsert(Control, parsed.controls)
    _upsert(ControlParameter, parsed.parameters)
    _upsert(ControlPart, parsed.parts)

    fields = ("from_control_id", "to_control_id")
    related = Control.related.through
    _sync_pairs(related, related.objects.values_list("pk", *fields), parsed.related, fields)

    _upsert(Baseline, [Baseline(id=b.id, title=b.title[:300]) for b in baselines])
    fields = ("baseline_id", "control_id")
    _sync_pairs(
        BaselineControl,
        BaselineControl.objects.filter(baseline__in=[b.id for b in baselines]).values_list(
            "pk", *fields
        ),
        {(b.id, control_id) for b in baselines for control_id in b.control_ids},
        fields,
    )

    _delete_missing(ControlPart, {part.id for part in parsed.parts}, file_name)
    _delete_missing(ControlParameter, {param.id for param in parsed.parameters}, file_name)
    _delete_missing(Control, {control.id for control in parsed.controls}, file_name)
    _delete_missing(ControlFamily, {family.id for family in parsed.families}, file_name)


def load(paths: Mapping[str, Path]) -> dict[str, LoadedRelease]:
    catalog_file = MANIFEST_BY_KEY[CATALOG_KEY].path
    parsed = CatalogParser(catalog_file).parse(read_json(paths[CATALOG_KEY], catalog_file))
    control_ids = {control.id for control in parsed.controls}
    baselines: list[ParsedBaseline] = []
    for level, key in BASELINE_KEYS.items():
        file_name = MANIFEST_BY_KEY[key].path
        document = read_json(paths[key], file_name)
        baselines.append(parse_baseline(document, level, key, file_name, control_ids))
    store(parsed, baselines, catalog_file)
    releases = {CATALOG_KEY: LoadedRelease(parsed.version, parsed.counts())}
    for baseline in baselines:
        releases[baseline.key] = LoadedRelease(
            baseline.version, {"controls": len(baseline.control_ids)}
        )
    return releases


LOADER = CatalogLoader(
    name="sp800-53", order=20, file_keys=(CATALOG_KEY, *BASELINE_KEYS.values()), load=load
)
