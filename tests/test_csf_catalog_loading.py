"""The CSF catalog loader against NIST's real files: cores, SP 800-53 mappings, 1.1 -> 2.0
crosswalk, idempotence, and refusal of malformed files."""

import json
import shutil
import stat
from io import StringIO
from pathlib import Path

import openpyxl
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from csf.catalog_loader import LOADER, load_csf
from csf.catalog_loader.controls import control_id
from csf.catalog_loader.cprt import parse_cprt
from csf.catalog_loader.csf11 import parse_csf11
from csf.catalog_loader.references import parse_olir, parse_reference_tool
from csf.models import ControlMapping, CrosswalkLink, CsfElement, ImplementationExample
from rmf.models import Control, ControlFamily
from workbench.catalogs.manifest import MANIFEST_BY_KEY
from workbench.catalogs.registry import CatalogFileError
from workbench.models import CatalogRelease

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.filterwarnings("ignore:Workbook contains no default style"),
]

Kind = CsfElement.Kind
Source = ControlMapping.Source
CPRT = MANIFEST_BY_KEY["csf20-cprt"].path
CSF11 = MANIFEST_BY_KEY["csf11-800-53-mapping"].path
TOOL = MANIFEST_BY_KEY["csf20-reference-tool"].path
OLIR = MANIFEST_BY_KEY["csf20-olir-800-53"].path


def elements(version: str, kind: str, **filters) -> list[str]:
    return list(
        CsfElement.objects.filter(version=version, kind=kind, **filters).values_list(
            "identifier", flat=True
        )
    )


def mapped(identifier: str, source: str, version: str = "2.0") -> set[str]:
    return set(
        ControlMapping.objects.filter(
            element__version=version, element__identifier=identifier, source=source
        ).values_list("control_id", flat=True)
    )


def targets(identifier: str) -> dict[str, str]:
    links = CrosswalkLink.objects.filter(source__version="1.1", source__identifier=identifier)
    return dict(links.values_list("target__identifier", "relationship"))


def snapshot() -> dict[str, list[tuple]]:
    return {
        "elements": list(
            CsfElement.objects.order_by("pk").values_list(
                "pk", "version", "kind", "identifier", "title", "text", "parent_id", "withdrawn"
            )
        ),
        "examples": list(
            ImplementationExample.objects.order_by("pk").values_list(
                "pk", "identifier", "subcategory_id", "text"
            )
        ),
        "mappings": list(
            ControlMapping.objects.order_by("pk").values_list(
                "pk", "element_id", "control_id", "source", "relationship"
            )
        ),
        "crosswalk": list(
            CrosswalkLink.objects.order_by("pk").values_list(
                "pk", "source_id", "target_id", "relationship"
            )
        ),
    }


@pytest.fixture
def nist_copy(nist_dir: Path, tmp_path: Path) -> Path:
    """A writable copy of the NIST folder, to corrupt."""
    copy = tmp_path / "nist"
    shutil.copytree(nist_dir, copy)
    for path in copy.rglob("*"):
        path.chmod(path.stat().st_mode | stat.S_IWUSR)
    return copy


def test_csf11_core_has_5_functions_23_categories_108_subcategories_with_text(catalogs):
    assert len(elements("1.1", Kind.FUNCTION)) == 5
    assert len(elements("1.1", Kind.CATEGORY)) == 23
    subcategories = CsfElement.objects.filter(version="1.1", kind=Kind.SUBCATEGORY)
    assert subcategories.count() == 108
    assert not subcategories.filter(text="").exists()
    assert not CsfElement.objects.filter(version="1.1", withdrawn=True).exists()

    subcategory = CsfElement.objects.select_related("parent__parent").get(
        version="1.1", identifier="PR.AC-1"
    )
    assert subcategory.text.startswith("Identities and credentials are issued, managed, verified")
    assert (subcategory.parent.identifier, subcategory.parent.title) == (
        "PR.AC",
        "Identity Management, Authentication and Access Control",
    )
    assert (subcategory.parent.parent.identifier, subcategory.parent.parent.title) == (
        "PR",
        "Protect",
    )
    assert elements("1.1", Kind.SUBCATEGORY)[:2] == ["ID.AM-1", "ID.AM-2"]  # sheet order


def test_csf20_core_has_6_functions_22_categories_106_subcategories_363_examples(catalogs):
    assert sorted(
        CsfElement.objects.filter(version="2.0", kind=Kind.FUNCTION).values_list("title", flat=True)
    ) == ["DETECT", "GOVERN", "IDENTIFY", "PROTECT", "RECOVER", "RESPOND"]
    assert elements("2.0", Kind.FUNCTION) == ["GV", "ID", "PR", "DE", "RS", "RC"]
    assert len(elements("2.0", Kind.CATEGORY, withdrawn=False)) == 22
    assert len(elements("2.0", Kind.SUBCATEGORY, withdrawn=False)) == 106
    assert ImplementationExample.objects.count() == 363
    # Withdrawn CSF 1.1 elements from the CPRT feed the crosswalk only, not the 2.0 core.
    assert not CsfElement.objects.filter(version="2.0", identifier__in=["PR.AC", "PR.AC-01"])

    subcategory = CsfElement.objects.select_related("parent__parent").get(
        version="2.0", identifier="GV.OC-01"
    )
    assert subcategory.text == (
        "The organizational mission is understood and informs cybersecurity risk management"
    )
    assert subcategory.parent.identifier == "GV.OC"
    assert subcategory.parent.title == "Organizational Context"
    assert subcategory.parent.parent.identifier == "GV"
    example = ImplementationExample.objects.get(identifier="GV.OC-01.001")
    assert example.subcategory == subcategory
    assert example.text.startswith("Share the organization's mission")


def test_csf11_mapping_follows_nists_sheet(catalogs):
    assert mapped("ID.AM-1", Source.CSF11_XLSX, "1.1") == {"cm-8", "pm-5"}
    assert mapped("ID.AM-3", Source.CSF11_XLSX, "1.1") == {"ac-4", "ca-3", "ca-9", "pl-8", "sa-17"}
    assert "ia-12" in mapped("PR.AC-1", Source.CSF11_XLSX, "1.1")
    explicit = ControlMapping.objects.filter(source=Source.CSF11_XLSX, relationship="")
    assert explicit.count() == 495  # the links the sheet names one by one
    assert ControlMapping.objects.filter(source=Source.CSF11_XLSX).count() == 552


def test_all_minus_1_controls_expand_to_every_familys_policy_control(catalogs):
    policies = {f"{family}-1" for family in ControlFamily.objects.values_list("id", flat=True)}
    assert len(policies) == 20
    assert {"ac-1", "pt-1", "sr-1"} <= policies
    for identifier in ("ID.GV-1", "ID.GV-3", "DE.DP-2"):
        assert policies <= mapped(identifier, Source.CSF11_XLSX, "1.1"), identifier
    assert mapped("ID.GV-1", Source.CSF11_XLSX, "1.1") == policies
    # DE.DP-2 also names CA-1 itself: that link stays a plain one.
    ca_1 = ControlMapping.objects.get(
        source=Source.CSF11_XLSX, element__identifier="DE.DP-2", control_id="ca-1"
    )
    assert ca_1.relationship == ""
    assert not (mapped("PR.AC-1", Source.CSF11_XLSX, "1.1") & (policies - {"ia-1"}))


def test_csf20_subcategories_map_to_controls_from_both_sources(catalogs):
    for source in (Source.CSF20_TOOL, Source.CSF20_OLIR):
        assert mapped("GV.OC-01", source) == {"pm-11"}
        assert {"pm-9", "pm-18", "pm-30", "sr-3", "sr-5", "sr-6", "sr-8"} == mapped(
            "GV.OC-02", source
        )
        assert ControlMapping.objects.filter(source=source).count() == 771
        assert {"cm-7.2", "cm-7.4", "cm-7.5"} <= mapped("PR.PS-05", source)
        # SP 800-53 Rev 5.2.0 additions: the Rev 5.2.0 references are the ones loaded.
        assert "si-2.7" in mapped("RS.AN-03", source)
        assert "sa-15.13" in mapped("PR.PS-04", source)


def test_family_level_references_expand_to_the_familys_active_base_controls(catalogs):
    cp = set(
        Control.objects.filter(family_id="cp", parent=None, withdrawn=False).values_list(
            "id", flat=True
        )
    )
    for source in (Source.CSF20_TOOL, Source.CSF20_OLIR):
        controls = mapped("PR.IR-03", source)
        assert cp <= controls
        assert {"sa-8", "sc-6", "si-13"} <= controls
        assert not any(control.startswith("cp-") and "." in control for control in controls)
        expanded = ControlMapping.objects.get(
            source=source, element__identifier="PR.IR-03", control_id="cp-2"
        )
        assert expanded.relationship == "family-level reference CP"


def test_withdrawn_control_cited_by_nist_is_kept_as_published(catalogs):
    # NIST's CSF 2.0 sources cite RA-04 for DE.AE-06; Rev 5 withdrew it into RA-3.
    assert Control.objects.get(pk="ra-4").withdrawn
    assert "ra-4" in mapped("DE.AE-06", Source.CSF20_OLIR)
    assert (
        CatalogRelease.objects.get(key="csf20-olir-800-53").row_counts["withdrawn_controls_cited"]
        == 1
    )


def test_crosswalk_links_every_csf11_subcategory_to_csf20(catalogs):
    assert targets("ID.AM-1") == {"ID.AM-01": CrosswalkLink.Relationship.SAME}
    assert targets("PR.AC-1") == {
        "PR.AA-01": CrosswalkLink.Relationship.INCORPORATED_INTO,
        "PR.AA-05": CrosswalkLink.Relationship.INCORPORATED_INTO,
    }
    assert targets("ID.GV-3") == {"GV.OC-03": CrosswalkLink.Relationship.MOVED_TO}
    assert targets("PR.AC") == {"PR.AA": CrosswalkLink.Relationship.MOVED_TO}
    assert targets("RS.RP") == {"RS.MA": CrosswalkLink.Relationship.INCORPORATED_INTO}
    assert targets("ID") == {"ID": CrosswalkLink.Relationship.SAME}

    assert not CrosswalkLink.objects.exclude(source__version="1.1").exists()
    assert not CrosswalkLink.objects.exclude(target__version="2.0").exists()
    crosswalked = CsfElement.objects.filter(
        version="1.1", kind=Kind.SUBCATEGORY, crosswalk_out__isnull=False
    ).distinct()
    assert crosswalked.count() == 108
    assert (
        CrosswalkLink.objects.filter(relationship="same", source__kind=Kind.SUBCATEGORY).count()
        == 29
    )


def test_releases_report_versions_and_counts(catalogs):
    cprt = CatalogRelease.objects.get(key="csf20-cprt")
    assert "Version 2.0" in cprt.version
    assert cprt.row_counts["subcategories"] == 106
    assert cprt.row_counts["csf11_subcategories_crosswalked"] == 108
    csf11 = CatalogRelease.objects.get(key="csf11-800-53-mapping")
    assert "Version 1.1" in csf11.version
    assert csf11.row_counts["control_mappings"] == 552


def test_loading_again_keeps_every_row_and_primary_key(catalogs, nist_dir):
    before = snapshot()
    releases = load_csf({key: nist_dir / MANIFEST_BY_KEY[key].path for key in LOADER.file_keys})
    assert snapshot() == before
    assert releases["csf20-cprt"].counts["implementation_examples"] == 363


def test_malformed_cprt_json_fails_the_load_and_changes_nothing(catalogs, nist_copy):
    before = snapshot()
    (nist_copy / CPRT).write_text('{"response": {"elements": ')
    with pytest.raises(CommandError, match=r"cprt_CSF_2_0_0_04-24-2024\.json: is not valid JSON"):
        call_command("load_catalogs", dir=str(nist_copy), accept_any_hash=True, stdout=StringIO())
    assert snapshot() == before


def test_unknown_control_fails_the_load_naming_file_and_id(catalogs, nist_copy):
    before = snapshot()
    path = nist_copy / OLIR
    workbook = openpyxl.load_workbook(path)
    workbook["Relationships"]["C4"] = "AC-99"
    workbook.save(path)
    with pytest.raises(CommandError) as error:
        call_command("load_catalogs", dir=str(nist_copy), accept_any_hash=True, stdout=StringIO())
    assert "Concept_Crosswalk_800-53_5_2_0_draft.xlsx" in str(error.value)
    assert "GV.OC-01: AC-99 (ac-99) is not in the SP 800-53 catalog" in str(error.value)
    assert snapshot() == before


def _rename_tool_sheet(path: Path) -> None:
    workbook = openpyxl.load_workbook(path)
    workbook["CSF 2.0"].title = "Core"
    workbook.save(path)


def _rename_olir_column(path: Path) -> None:
    workbook = openpyxl.load_workbook(path)
    workbook["Relationships"]["C1"] = "Reference"
    workbook.save(path)


def _break_zip(path: Path) -> None:
    path.write_bytes(path.read_bytes()[:1000])


def _drop_relationships(path: Path) -> None:
    data = json.loads(path.read_text())
    del data["response"]["elements"]["relationships"]
    path.write_text(json.dumps(data))


def _unknown_csf11_token(path: Path) -> None:
    workbook = openpyxl.load_workbook(path)
    workbook["CSF to SP 800-53r5"]["D3"] = "CM-8, see appendix"
    workbook.save(path)


@pytest.mark.parametrize(
    ("file", "corrupt", "parse", "problem"),
    [
        (TOOL, _rename_tool_sheet, parse_reference_tool, 'no sheet "CSF 2.0"'),
        (OLIR, _rename_olir_column, parse_olir, "no header row with the columns"),
        (CSF11, _break_zip, parse_csf11, "not a readable Excel workbook"),
        (CSF11, _unknown_csf11_token, None, "ID.AM-1: 'see appendix' is not an SP 800-53"),
        (CPRT, _drop_relationships, parse_cprt, "response.elements.relationships must be"),
    ],
)
def test_malformed_files_are_refused_with_the_file_name(
    catalogs, nist_copy, file, corrupt, parse, problem
):
    path = nist_copy / file
    corrupt(path)
    with pytest.raises(CatalogFileError) as error:
        if parse:
            parse(path)
        else:
            load_csf({key: nist_copy / MANIFEST_BY_KEY[key].path for key in LOADER.file_keys})
    assert error.value.file_name == path.name
    assert problem in error.value.problem


@pytest.mark.parametrize(
    ("token", "expected"),
    [("AC-2(1)", "ac-2.1"), ("AC-01", "ac-1"), ("AC-02(01)", "ac-2.1"), ("SC-7 (5)", "sc-7.5")],
)
def test_control_ids_are_normalised_to_oscal(token, expected):
    assert control_id(token) == expected
