"""The CSF catalog loader: CSF 1.1 and 2.0 cores, their SP 800-53 Rev 5 mappings and NIST's
1.1 -> 2.0 crosswalk, from four NIST files. Runs after the SP 800-53 loader (same transaction),
whose controls every mapping must name."""

from collections.abc import Iterable, Mapping
from pathlib import Path

from django.db import transaction

from csf.models import ControlMapping, CsfVersion
from workbench.catalogs.registry import CatalogFileError, CatalogLoader, LoadedRelease

from . import store
from .controls import ControlCatalog
from .cprt import parse_cprt
from .crosswalk import crosswalk
from .csf11 import parse_csf11
from .parsed import CATEGORY, FUNCTION, SUBCATEGORY, ControlRef, Element
from .references import parse_olir, parse_reference_tool

CSF11 = "csf11-800-53-mapping"
CPRT = "csf20-cprt"
TOOL = "csf20-reference-tool"
OLIR = "csf20-olir-800-53"
RELATIONSHIP_LENGTH = 48

Links = dict[tuple[str, str], str]  # {(CSF identifier, control id): relationship}


def load_csf(paths: Mapping[str, Path]) -> dict[str, LoadedRelease]:
    csf11 = parse_csf11(paths[CSF11])
    csf20 = parse_cprt(paths[CPRT])
    tool = parse_reference_tool(paths[TOOL])
    olir = parse_olir(paths[OLIR])
    crosswalk_links = crosswalk(csf11, csf20, paths[CPRT])
    catalog = ControlCatalog()
    ids_11 = {element.identifier for element in csf11.elements}
    ids_20 = {element.identifier for element in csf20.elements}
    links_11 = _resolve(csf11.refs, catalog, paths[CSF11].name, ids_11)
    links_tool = _resolve(tool.refs, catalog, paths[TOOL].name, ids_20)
    links_olir = _resolve(olir.refs, catalog, paths[OLIR].name, ids_20)

    with transaction.atomic():
        pks_11 = store.elements_upsert(CsfVersion.V1_1, csf11.elements, paths[CSF11].name)
        pks_20 = store.elements_upsert(CsfVersion.V2_0, csf20.elements, paths[CPRT].name)
        store.examples_upsert(csf20.examples, pks_20)
        for source, links, pks in (
            (ControlMapping.Source.CSF11_XLSX, links_11, pks_11),
            (ControlMapping.Source.CSF20_TOOL, links_tool, pks_20),
            (ControlMapping.Source.CSF20_OLIR, links_olir, pks_20),
        ):
            store.mappings_replace(source, {(pks[e], c): rel for (e, c), rel in links.items()})
        store.crosswalk_replace({(pks_11[s], pks_20[t]): rel for s, t, rel in crosswalk_links})

    crosswalked = {source for source, _, _ in crosswalk_links}
    return {
        CSF11: LoadedRelease(
            csf11.title,
            {**_core_counts(csf11.elements), **_mapping_counts(csf11.refs, links_11, catalog)},
        ),
        CPRT: LoadedRelease(
            csf20.title,
            {
                **_core_counts(csf20.elements),
                "implementation_examples": len(csf20.examples),
                "withdrawn_csf11_elements": len(csf20.withdrawals),
                "crosswalk_links": len(crosswalk_links),
                "csf11_subcategories_crosswalked": len(
                    crosswalked & {e.identifier for e in csf11.elements if e.kind == SUBCATEGORY}
                ),
            },
        ),
        TOOL: LoadedRelease(tool.title, _mapping_counts(tool.refs, links_tool, catalog)),
        OLIR: LoadedRelease(olir.title, _mapping_counts(olir.refs, links_olir, catalog)),
    }


def _resolve(
    refs: Iterable[ControlRef], catalog: ControlCatalog, file_name: str, elements: set[str]
) -> Links:
    """Expand and check every reference. A control named as such wins over the same control
    reached through a family or "all -1 controls" expansion."""
    links: Links = {}
    for ref in refs:
        if ref.element not in elements:
            raise CatalogFileError(file_name, f"{ref.element} is not an element of the CSF core")
        for item in catalog.resolve(ref.token, file_name=file_name, element=ref.element):
            relationship = "; ".join(filter(None, (ref.relationship, item.note)))
            if len(relationship) > RELATIONSHIP_LENGTH:
                raise CatalogFileError(file_name, f"{ref.element}: relationship {relationship!r}")
            key = (ref.element, item.control)
            if not item.note:
                links[key] = relationship
            else:
                links.setdefault(key, relationship)
    return links


def _core_counts(elements: list[Element]) -> dict[str, int]:
    kinds = [element.kind for element in elements]
    return {
        "functions": kinds.count(FUNCTION),
        "categories": kinds.count(CATEGORY),
        "subcategories": kinds.count(SUBCATEGORY),
    }


def _mapping_counts(
    refs: list[ControlRef], links: Links, catalog: ControlCatalog
) -> dict[str, int]:
    return {
        "references": len(refs),
        "control_mappings": len(links),
        "withdrawn_controls_cited": sum(1 for _, control in links if control in catalog.withdrawn),
    }


LOADER = CatalogLoader(name="csf", order=30, file_keys=(CSF11, CPRT, TOOL, OLIR), load=load_csf)
