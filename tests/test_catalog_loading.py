"""SP 800-53/53A/53B and SP 800-60 as the session loaded them from ../shared/nist (conftest), a
reload, and the files the loader refuses: a changed hash, a broken file, a missing file."""

import io
import json
import shutil
import stat
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from assets.catalog_loader import InformationTypeParser
from assets.models import InformationType
from rmf.models import (
    Baseline,
    BaselineControl,
    Control,
    ControlFamily,
    ControlParameter,
    ControlPart,
)
from workbench.catalogs.manifest import MANIFEST_BY_KEY
from workbench.catalogs.services import file_sha256
from workbench.models import CatalogRelease

pytestmark = pytest.mark.django_db

CATALOG = MANIFEST_BY_KEY["sp800-53-catalog"].path
LOW = MANIFEST_BY_KEY["sp800-53b-low"].path
SP800_60 = MANIFEST_BY_KEY["sp800-60-information-types"].path
MY_KEYS = (
    "sp800-53-catalog",
    "sp800-53b-low",
    "sp800-53b-moderate",
    "sp800-53b-high",
    "sp800-53b-privacy",
    "sp800-60-information-types",
)


def quiet() -> io.StringIO:
    return io.StringIO()


def snapshot() -> dict[str, Any]:
    """Every primary key the loaders write, and a few full rows."""
    related = Control.related.through
    return {
        "families": list(ControlFamily.objects.values_list("pk", "title", "sort_order")),
        "controls": list(Control.objects.order_by("pk").values_list("pk", flat=True)),
        "parts": list(ControlPart.objects.order_by("pk").values_list("pk", flat=True)),
        "parameters": list(ControlParameter.objects.order_by("pk").values_list("pk", flat=True)),
        "related": list(related.objects.order_by("pk").values_list("pk", "from_control_id")),
        "baselines": list(Baseline.objects.values_list("pk", "title")),
        "baseline_controls": list(
            BaselineControl.objects.order_by("pk").values_list("pk", "baseline_id", "control_id")
        ),
        "information_types": list(InformationType.objects.values()),
        "ac-2": Control.objects.filter(pk="ac-2").values().get(),
        "ac-2_obj.a-1": ControlPart.objects.filter(pk="ac-2_obj.a-1").values().get(),
        "ac-01_odp.03": ControlParameter.objects.filter(pk="ac-01_odp.03").values().get(),
    }


def releases() -> list[tuple[Any, ...]]:
    return list(CatalogRelease.objects.values_list("key", "sha256", "hash_override", "loaded_at"))


@pytest.fixture
def nist_copy(tmp_path: Path, nist_dir: Path) -> Path:
    """A writable copy of the reference folder (the original is read-only)."""
    copy = tmp_path / "nist"
    shutil.copytree(nist_dir, copy)
    for path in [copy, *copy.rglob("*")]:
        path.chmod(path.stat().st_mode | stat.S_IWUSR)
    return copy


def edit_json(path: Path, change: Callable[[Any], None]) -> None:
    document = json.loads(path.read_text())
    change(document)
    path.write_text(json.dumps(document))


# ----------------------------------------------------------------------------- what was loaded


def test_sp800_53_controls_enhancements_and_withdrawn():
    assert ControlFamily.objects.count() == 20
    assert ControlFamily.objects.get(pk="ac").title == "Access Control"
    assert Control.objects.count() == 1196
    assert Control.objects.filter(parent=None).count() == 324
    assert Control.objects.filter(parent__isnull=False).count() == 872

    withdrawn = Control.objects.filter(withdrawn=True)
    assert withdrawn.count() == 182
    # Two were "addressed through tailoring" and went nowhere; every other one names a target.
    assert set(withdrawn.filter(withdrawn_to=[]).values_list("pk", flat=True)) == {
        "cp-10.3",
        "sc-19",
    }
    assert Control.objects.get(pk="at-3.4").withdrawn_to == ["at-2.4"]  # moved-to
    assert Control.objects.get(pk="ac-2.10").withdrawn_to == ["ac-2_smt.k"]  # incorporated-into

    enhancement = Control.objects.get(pk="ac-2.1")
    assert (enhancement.label, enhancement.parent_id, enhancement.sort_key) == (
        "AC-2(1)",
        "ac-2",
        "ac-02.01",
    )
    assert Control.objects.get(pk="ac-6.4").implementation_levels == ["organization", "system"]


def test_ac_2_statement_guidance_parameters_and_related():
    ac2 = Control.objects.get(pk="ac-2")
    assert (ac2.label, ac2.title, ac2.sort_key) == ("AC-2", "Account Management", "ac-02")
    assert ac2.implementation_levels == ["organization"]
    assert ac2.guidance.startswith("Examples of system account types include individual")
    assert {"ac-3", "au-2", "sc-37"} <= set(ac2.related.values_list("pk", flat=True))
    assert ac2.related.count() == 28

    statement = ControlPart.objects.get(pk="ac-2_smt")
    assert (statement.name, statement.depth, statement.parent_id) == ("statement", 0, None)
    items = list(statement.children.values_list("label", flat=True))
    assert items == [f"{letter}." for letter in "abcdefghijkl"]
    item_d = ControlPart.objects.get(pk="ac-2_smt.d")
    assert (item_d.name, item_d.label, item_d.prose, item_d.depth) == ("item", "d.", "Specify:", 1)
    assert list(item_d.children.values_list("label", flat=True)) == ["1.", "2.", "3."]
    assert ControlPart.objects.get(pk="ac-2_smt.d.1").depth == 2
    # Placeholders stay as NIST wrote them, for the narrative editor to fill.
    assert "{{ insert: param, ac-02_odp.01 }}" in ControlPart.objects.get(pk="ac-2_smt.c").prose
    assert ControlPart.objects.get(pk="ac-2_gdn").name == "guidance"

    params = list(ac2.parameters.order_by("sort_order"))
    assert [p.odp_label for p in params] == [f"AC-02_ODP[{n:02}]" for n in range(1, 11)]
    first = params[0]
    assert (first.id, first.alt_identifier, first.label) == (
        "ac-02_odp.01",
        "ac-2_prm_1",
        "prerequisites and criteria",
    )
    assert (
        first.guidelines == "prerequisites and criteria for group and role membership are defined;"
    )

    selection = ControlParameter.objects.get(pk="ac-01_odp.03")
    assert selection.how_many == "one-or-more"
    assert selection.choices == [
        "organization-level",
        "mission/business process-level",
        "system-level",
    ]
    aggregate = ControlParameter.objects.get(pk="ac-1_prm_1")
    assert aggregate.aggregates == ["ac-01_odp.01", "ac-01_odp.02"]
    assert ControlParameter.objects.get(pk="ac-02.02_odp.02").alt_label == (
        "time period for each type of account"
    )
    assert ControlParameter.objects.count() == 1600


def test_sp800_53a_objectives_and_methods():
    objectives = ControlPart.objects.filter(name="assessment-objective")
    assert objectives.count() == 3715
    objective = ControlPart.objects.get(pk="ac-2_obj.a-1")
    assert (objective.label, objective.assessment_for, objective.parent_id, objective.depth) == (
        "AC-02a.[01]",
        "ac-2_smt.a",
        "ac-2_obj.a",
        2,
    )
    assert (
        objective.prose
        == "account types allowed for use within the system are defined and documented;"
    )

    methods = ControlPart.objects.filter(name="assessment-method")
    assert methods.count() == 2931
    assert set(methods.values_list("method", flat=True)) == {"EXAMINE", "INTERVIEW", "TEST"}
    assert not methods.filter(assessment_objects="").exists()
    assert not ControlPart.objects.filter(name="assessment-objects").exists()
    examine = ControlPart.objects.get(pk="ac-2_asm-examine")
    assert (examine.method, examine.label) == ("EXAMINE", "AC-02-Examine")
    assert examine.assessment_objects.startswith("Access control policy\n\npersonnel termination")

    # One document order: AC-1 before AC-2; within AC-2 statement, guidance, objectives, methods.
    order = dict(ControlPart.objects.values_list("pk", "sort_order"))
    sequence = ["ac-1_smt", "ac-2_smt", "ac-2_smt.a", "ac-2_gdn", "ac-2_obj", "ac-2_obj.a-1"]
    assert [order[pk] for pk in sequence] == sorted(order[pk] for pk in sequence)
    assert order["ac-2_obj.a-1"] < order["ac-2_asm-examine"] < order["ac-2.1_smt"]


def test_sp800_53b_baselines():
    counts = {b.id: b.controls.count() for b in Baseline.objects.all()}
    assert counts == {"LOW": 149, "MODERATE": 287, "HIGH": 370, "PRIVACY": 96}
    assert set(Control.objects.get(pk="ac-2.1").baselines.values_list("pk", flat=True)) == {
        "MODERATE",
        "HIGH",
    }
    assert "LOW IMPACT BASELINE" in Baseline.objects.get(pk="LOW").title
    assert not BaselineControl.objects.filter(control__withdrawn=True).exists()


def test_sp800_60_information_types():
    assert InformationType.objects.count() == 169
    first = InformationType.objects.order_by("sort_order").first()
    assert (first.id, first.title, first.category) == (
        "C.2.1.1",
        "Corrective Action Information Type",
        "Controls and Oversight",
    )
    assert (first.confidentiality, first.integrity, first.availability) == ("LOW", "LOW", "LOW")
    # The file's hard line wrapping is undone; explanation and recommendation both kept.
    assert first.description.startswith("Corrective Action involves the enforcement functions")
    assert "\n" not in first.description
    assert "Special Factors Affecting Confidentiality" in first.confidentiality_note
    assert first.confidentiality_note.endswith("corrective action information is low.")

    # A `p` that is a list: two paragraphs.
    evaluation = InformationType.objects.get(pk="C.2.1.2")
    assert evaluation.confidentiality_note.count("\n\n") == 2  # two paragraphs + recommendation
    assert InformationType.objects.get(pk="D.2.2").confidentiality == "HIGH"
    # SP 800-60 rates three types "N/A": their impact is that of the information they carry.
    not_applicable = InformationType.objects.filter(confidentiality="NA")
    assert set(not_applicable.values_list("pk", flat=True)) == {"C.3.5.9", "D.26.1", "D.26.2"}


def test_sp800_60_parser_takes_lists_collapsed_to_objects():
    """FedRAMP's rendering collapses single-element lists; a type's provisional level is its
    `base`, whatever level a system `selected`."""
    single = {
        "id": "X.1",
        "title": "Example",
        "category": "Examples",
        "description": {"p": ["First  paragraph,\n   wrapped.", "Second."]},
        "confidentiality-impact": {
            "base": "fips-199-moderate",
            "selected": "fips-199-high",
            "adjustment-justification": {"p": "Raised for this system."},
        },
        "integrity-impact": "fips-199-low",
        "availability-impact": {"base": "fips-199-high"},
        "confidentiality-explanation": {"p": "Why moderate."},
    }
    document = {"information-types": {"metadata": {"version": "v1"}, "information-type": single}}
    version, rows = InformationTypeParser("types.json").parse(document)
    assert version == "v1"
    [row] = rows
    assert row.description == "First paragraph, wrapped.\n\nSecond."
    assert (row.confidentiality, row.integrity, row.availability) == ("MODERATE", "LOW", "HIGH")
    assert row.confidentiality_note == "Why moderate.\n\nRaised for this system."
    assert row.integrity_note == ""


def test_catalog_releases_record_versions_and_counts():
    rows = {row.key: row for row in CatalogRelease.objects.filter(key__in=MY_KEYS)}
    assert set(rows) == set(MY_KEYS)
    assert rows["sp800-53-catalog"].version == "5.2.0"
    assert rows["sp800-53-catalog"].row_counts == {
        "families": 20,
        "controls": 324,
        "enhancements": 872,
        "withdrawn": 182,
        "parameters": 1600,
        "statement_parts": 2138,
        "objectives": 3715,
        "methods": 2931,
        "related": 3512,
    }
    assert rows["sp800-53b-moderate"].version == "5.1.1+u4"
    assert rows["sp800-53b-moderate"].row_counts == {"controls": 287}
    assert rows["sp800-60-information-types"].row_counts["information_types"] == 169
    assert not any(row.hash_override for row in rows.values())
    for key, row in rows.items():
        assert row.sha256 == MANIFEST_BY_KEY[key].sha256


# ----------------------------------------------------------------------------- reloading


def test_changed_hash_is_refused_then_accepted_and_the_reload_is_idempotent(nist_copy):
    entry = MANIFEST_BY_KEY["sp800-60-information-types"]
    path = nist_copy / entry.path
    data = bytearray(path.read_bytes())
    assert data[:3] == b"{\n "
    data[2:3] = b"\t"  # still the same JSON: a republished file whose content did not change
    path.write_bytes(bytes(data))
    actual = file_sha256(path)
    before, before_releases = snapshot(), releases()

    with pytest.raises(CommandError) as refused:
        call_command("load_catalogs", dir=str(nist_copy), stdout=quiet())
    message = str(refused.value)
    for expected in (entry.path, entry.sha256, actual, f"--accept-hash {entry.key}"):
        assert expected in message
    assert releases() == before_releases

    call_command("load_catalogs", dir=str(nist_copy), accept_hash=[entry.key], stdout=quiet())
    assert snapshot() == before  # same rows, same primary keys, nothing duplicated
    overridden = CatalogRelease.objects.get(key=entry.key)
    assert (overridden.hash_override, overridden.sha256) == (True, actual)
    assert not CatalogRelease.objects.exclude(key=entry.key).filter(hash_override=True).exists()


def test_rows_no_longer_in_the_catalog_are_removed(nist_copy):
    def drop_ac_3_13_and_a_related_link(document: Any) -> None:
        family = {
            control["id"]: control for control in document["catalog"]["groups"][0]["controls"]
        }
        ac3, ac2 = family["ac-3"], family["ac-2"]
        ac3["controls"] = [item for item in ac3["controls"] if item["id"] != "ac-3.13"]
        ac2["links"] = [link for link in ac2["links"] if link["href"] != "#ac-24"]

    edit_json(nist_copy / CATALOG, drop_ac_3_13_and_a_related_link)
    before = snapshot()
    gone = Control.objects.get(pk="ac-3.13")
    gone_parts = set(gone.parts.values_list("pk", flat=True))
    gone_parameters = set(gone.parameters.values_list("pk", flat=True))
    gone_related = gone.related.count() + 1
    assert gone_parts and gone_parameters

    call_command(
        "load_catalogs", dir=str(nist_copy), accept_hash=["sp800-53-catalog"], stdout=quiet()
    )
    after = snapshot()
    assert after["controls"] == [pk for pk in before["controls"] if pk != "ac-3.13"]
    assert after["parts"] == [pk for pk in before["parts"] if pk not in gone_parts]
    assert after["parameters"] == [pk for pk in before["parameters"] if pk not in gone_parameters]
    assert len(after["related"]) == len(before["related"]) - gone_related
    assert not Control.objects.get(pk="ac-2").related.filter(pk="ac-24").exists()
    assert after["baseline_controls"] == before["baseline_controls"]
    counts = CatalogRelease.objects.get(key="sp800-53-catalog").row_counts
    assert counts["enhancements"] == 871


def _truncate(path: Path) -> None:
    path.write_bytes(path.read_bytes()[:5000])


def _without_catalog_key(path: Path) -> None:
    path.write_text(json.dumps({"profile": {}}))


def _control_without_id(path: Path) -> None:
    edit_json(path, lambda doc: doc["catalog"]["groups"][0]["controls"][4].pop("id"))


def _unknown_baseline_control(path: Path) -> None:
    def change(doc: Any) -> None:
        doc["profile"]["imports"][0]["include-controls"][0]["with-ids"].append("zz-99")

    edit_json(path, change)


def _unknown_impact_level(path: Path) -> None:
    def change(doc: Any) -> None:
        doc["information-types"]["information-type"][3]["integrity-impact"] = {"base": "severe"}

    edit_json(path, change)


@pytest.mark.parametrize(
    ("file_name", "break_file", "problem"),
    [
        pytest.param(CATALOG, _truncate, "is not valid JSON", id="invalid-json"),
        pytest.param(CATALOG, _without_catalog_key, "'catalog'", id="not-a-catalog"),
        pytest.param(
            CATALOG, _control_without_id, "family ac: a control has no id", id="control-no-id"
        ),
        pytest.param(
            LOW,
            _unknown_baseline_control,
            "not in the SP 800-53 catalog: zz-99",
            id="baseline-unknown-control",
        ),
        pytest.param(
            SP800_60,
            _unknown_impact_level,
            "information type C.2.2.1: integrity impact 'severe'",
            id="unknown-impact-level",
        ),
    ],
)
def test_a_broken_file_names_itself_and_changes_nothing(nist_copy, file_name, break_file, problem):
    # The SP 800-60 loader runs first and writes this change before the others fail.
    edit_json(
        nist_copy / SP800_60,
        lambda doc: doc["information-types"]["information-type"][0].update(title="Changed"),
    )
    break_file(nist_copy / file_name)
    before, before_releases = snapshot(), releases()

    with pytest.raises(CommandError) as refused:
        call_command("load_catalogs", dir=str(nist_copy), accept_any_hash=True, stdout=quiet())
    message = str(refused.value)
    assert file_name in message
    assert problem in message
    assert snapshot() == before
    assert releases() == before_releases
    assert InformationType.objects.get(pk="C.2.1.1").title == "Corrective Action Information Type"


def test_a_missing_file_is_named(nist_copy):
    (nist_copy / LOW).unlink()
    before = releases()
    with pytest.raises(CommandError, match=f"{LOW}: missing from"):
        call_command("load_catalogs", dir=str(nist_copy), stdout=quiet())
    assert releases() == before
