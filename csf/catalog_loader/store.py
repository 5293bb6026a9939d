"""Bulk writes of the parsed CSF data. Rows are upserted on their natural keys, so a reload keeps
every primary key that other tables hold; links no longer in the files are removed."""

from collections.abc import Iterable

from csf.models import ControlMapping, CrosswalkLink, CsfElement, ImplementationExample

from .parsed import CATEGORY, FUNCTION, SUBCATEGORY, Element, Example

ELEMENT_FIELDS = ["kind", "title", "text", "parent", "withdrawn", "withdrawn_reason", "sort_order"]


def elements_upsert(version: str, elements: list[Element], file_name: str) -> dict[str, int]:
    """Upsert one CSF version's core, parents before children; return {identifier: pk}."""
    pks: dict[str, int] = {}
    for kind in (FUNCTION, CATEGORY, SUBCATEGORY):
        rows = [
            CsfElement(
                version=version,
                kind=kind,
                identifier=element.identifier,
                title=element.title,
                text=element.text,
                parent_id=pks[element.parent] if element.parent else None,
                withdrawn=False,
                withdrawn_reason="",
                sort_order=element.sort_order,
            )
            for element in elements
            if element.kind == kind
        ]
        CsfElement.objects.bulk_create(
            rows,
            update_conflicts=True,
            unique_fields=["version", "identifier"],
            update_fields=ELEMENT_FIELDS,
        )
        pks.update(
            CsfElement.objects.filter(
                version=version, identifier__in=[row.identifier for row in rows]
            ).values_list("identifier", "pk")
        )
    # Profiles and assessments may point at an element NIST dropped: keep it, flagged.
    CsfElement.objects.filter(version=version, withdrawn=False).exclude(
        identifier__in=[element.identifier for element in elements]
    ).update(withdrawn=True, withdrawn_reason=f"No longer in {file_name}")
    return pks


def examples_upsert(examples: list[Example], subcategory_pks: dict[str, int]) -> None:
    ImplementationExample.objects.bulk_create(
        [
            ImplementationExample(
                identifier=example.identifier,
                subcategory_id=subcategory_pks[example.subcategory],
                text=example.text,
                sort_order=example.sort_order,
            )
            for example in examples
        ],
        update_conflicts=True,
        unique_fields=["identifier"],
        update_fields=["subcategory", "text", "sort_order"],
    )
    ImplementationExample.objects.exclude(
        identifier__in=[example.identifier for example in examples]
    ).delete()


def mappings_replace(source: str, links: dict[tuple[int, str], str]) -> None:
    """Make `source`'s mappings exactly `links` ({(element pk, control id): relationship})."""
    existing = ControlMapping.objects.filter(source=source).values_list(
        "pk", "element_id", "control_id"
    )
    _delete(ControlMapping, (pk for pk, *key in existing if tuple(key) not in links))
    ControlMapping.objects.bulk_create(
        [
            ControlMapping(element_id=element, control_id=control, source=source, relationship=rel)
            for (element, control), rel in links.items()
        ],
        update_conflicts=True,
        unique_fields=["element", "control", "source"],
        update_fields=["relationship"],
    )


def crosswalk_replace(links: dict[tuple[int, int], str]) -> None:
    """Make the crosswalk exactly `links` ({(CSF 1.1 pk, CSF 2.0 pk): relationship})."""
    existing = CrosswalkLink.objects.values_list("pk", "source_id", "target_id")
    _delete(CrosswalkLink, (pk for pk, *key in existing if tuple(key) not in links))
    CrosswalkLink.objects.bulk_create(
        [
            CrosswalkLink(source_id=source, target_id=target, relationship=rel)
            for (source, target), rel in links.items()
        ],
        update_conflicts=True,
        unique_fields=["source", "target"],
        update_fields=["relationship"],
    )


def _delete(model: type[ControlMapping] | type[CrosswalkLink], pks: Iterable[int]) -> None:
    stale = list(pks)
    if stale:
        model.objects.filter(pk__in=stale).delete()
