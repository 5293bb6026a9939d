"""Export of the filtered inventory to XLSX and CSV: what each persona sees, the list page's
filters, a round trip through the import, and a query count that does not grow with the rows."""

import csv
import io
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from assets.models import AuditEvent, Component, Role, System
from assets.services import component_create, membership_grant, vendor_get_or_create
from assets.spreadsheets.columns import COMPONENT_COLUMNS, SYSTEM_COLUMNS
from tests.factories import UserFactory, make_system

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _imports_in_tmp(settings, tmp_path):
    settings.VAR_DIR = tmp_path


@pytest.fixture
def inventory(personas):
    """A varied inventory: every kind of column holds a value somewhere."""
    owner = UserFactory(username="owner.one")
    membership_grant(actor=None, organization=personas.agency, user=owner, role=Role.SYSTEM_OWNER)
    portal = make_system(
        personas.agency,
        "Resident Portal",
        "PORTAL",
        description='=HYPERLINK("http://example.com") looks like a formula, but is text',
        kind=System.Kind.IT,
        system_type=System.SystemType.CLOUD_SERVICE,
        status=System.Status.OPERATIONAL,
        hosting=System.Hosting.SAAS,
        hosting_provider="Acme Cloud, Inc.",
        public_facing=True,
        channels=["web", "mobile_app"],
        processes_pii=True,
        user_count=250000,
        location="Anywhere",
        boundary_description="Tenant only;\nline two",
        laws_regulations="PCI DSS for card payments\nState data breach notification law",
        operational_since=date(2018, 1, 15),
        next_review=date(2026, 3, 1),
        system_owner=owner,
        isso=personas.member,
        authorizing_official=personas.authorizing_official,
    )
    acme = vendor_get_or_create(name="Acme")
    component_create(
        actor=None,
        system=portal,
        name="Portal app",
        component_type="software",
        vendor=acme,
        product="Portal",
        version="1.10",
        quantity=1,
        cpe="cpe:2.3:a:acme:portal:1.10:*:*:*:*:*:*:*",
        internet_reachable=True,
        notes="-5 is the count of bugs, @ someone",
    )
    component_create(
        actor=None,
        system=personas.system,
        name="Cabinet controller",
        component_type="ot_device",
        quantity=140,
    )
    component_create(
        actor=None,
        system=personas.sibling_system,
        name="Registration DB",
        vendor=acme,
        component_type="software",
    )
    return portal


def _xlsx_rows(response, sheet_name):
    content = b"".join(response.streaming_content)
    workbook = load_workbook(io.BytesIO(content), read_only=True)
    rows = [list(row) for row in workbook[sheet_name].iter_rows(values_only=True)]
    workbook.close()
    width = len(rows[0])
    return content, [row + [None] * (width - len(row)) for row in rows]


def _csv_rows(response):
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text)))


def test_xlsx_export_has_the_template_columns(client, personas, inventory):
    client.force_login(personas.member)
    response = client.get(reverse("assets:system_export"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert ".xlsx" in response["Content-Disposition"]
    content, systems = _xlsx_rows(response, "Systems")
    assert systems[0] == [column.header for column in SYSTEM_COLUMNS]
    by_acronym = {row[1]: dict(zip(systems[0], row, strict=True)) for row in systems[1:]}
    assert set(by_acronym) == {"PORTAL", "TSC"}
    portal = by_acronym["PORTAL"]
    assert portal["Kind"] == "Information technology (IT)"
    assert portal["Hosting"] == "Software as a service (SaaS)"
    assert portal["Channels"] == "Web site, Mobile app"
    assert portal["Public facing"] == "Yes"
    assert portal["System owner"] == "owner.one"
    assert portal["Operational since"].date() == date(2018, 1, 15)
    assert portal["Description"].startswith("=HYPERLINK")  # text, not a formula
    assert portal["Laws, regulations and policies"] == (
        "PCI DSS for card payments\nState data breach notification law"
    )
    _, components = _xlsx_rows(client.get(reverse("assets:system_export")), "Components")
    assert components[0] == [column.header for column in COMPONENT_COLUMNS]
    assert {(row[1], row[2]) for row in components[1:]} == {
        ("PORTAL", "Portal app"),
        ("TSC", "Cabinet controller"),
    }
    formulas = load_workbook(io.BytesIO(content))["Systems"]
    assert all(cell.data_type != "f" for row in formulas.iter_rows() for cell in row)


def test_export_round_trip_changes_nothing(client, api_client, personas, inventory):
    client.force_login(personas.member)
    content = b"".join(client.get(reverse("assets:system_export")).streaming_content)
    events = AuditEvent.objects.count()
    api_client.force_authenticate(personas.member)
    response = api_client.post(
        "/api/v1/systems/import/",
        {"file": SimpleUploadedFile("export.xlsx", content), "dry_run": "false"},
        format="multipart",
    )
    assert response.status_code == 200, response.json()
    assert response.json()["counts"] == {
        "systems_created": 0,
        "systems_updated": 0,
        "systems_unchanged": 2,
        "components_created": 0,
        "components_updated": 0,
        "components_unchanged": 2,
    }
    assert AuditEvent.objects.count() == events


@pytest.mark.parametrize("sheet", ["systems", "components"])
def test_csv_round_trip_changes_nothing(client, api_client, personas, inventory, sheet):
    client.force_login(personas.member)
    response = client.get(reverse("assets:system_export_csv"), {"sheet": sheet})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    content = b"".join(response.streaming_content)
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    assert len(rows) == 3
    if sheet == "systems":
        portal = next(row for row in rows if row[1] == "PORTAL")
        assert portal[3].startswith("'=HYPERLINK")  # a spreadsheet program will not run it
    api_client.force_authenticate(personas.member)
    response = api_client.post(
        "/api/v1/systems/import/",
        {"file": SimpleUploadedFile(f"{sheet}.csv", content)},
        format="multipart",
    )
    assert response.status_code == 200, response.json()
    counts = response.json()["counts"]
    assert counts[f"{sheet}_unchanged"] == 2
    assert sum(counts.values()) == 2
    assert System.objects.get(acronym="PORTAL").description.startswith("=HYPERLINK")
    if sheet == "systems":
        portal = dict(zip(rows[0], next(row for row in rows if row[1] == "PORTAL"), strict=True))
        assert portal["Laws, regulations and policies"].splitlines() == [
            "PCI DSS for card payments",
            "State data breach notification law",
        ]
    assert System.objects.get(acronym="PORTAL").laws_regulations_list == [
        "PCI DSS for card payments",
        "State data breach notification law",
    ]
    assert Component.objects.get(name="Portal app").notes.startswith("-5 is")


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("member", {"PORTAL", "TSC"}),
        ("sibling", {"VRS"}),
        ("assessor", {"TSC"}),
        ("viewer", {"PORTAL", "TSC", "VRS"}),
        ("outsider", set()),
    ],
)
def test_export_lists_what_the_person_may_see(client, personas, inventory, persona, expected):
    client.force_login(getattr(personas, persona))
    _, systems = _xlsx_rows(client.get(reverse("assets:system_export")), "Systems")
    assert {row[1] for row in systems[1:]} == expected
    _, components = _xlsx_rows(client.get(reverse("assets:system_export")), "Components")
    assert {row[1] for row in components[1:]} <= expected
    rows = _csv_rows(client.get(reverse("assets:system_export_csv")))
    assert {row[1] for row in rows[1:]} == expected
    rows = _csv_rows(client.get(reverse("assets:system_export_csv"), {"sheet": "components"}))
    names = {row[2] for row in rows[1:]}
    if persona == "sibling":
        assert names == {"Registration DB"}  # never the agency's components
        assert "TSC" not in str(rows) and "Cabinet controller" not in str(rows)


def test_export_applies_the_list_filters(client, personas, inventory):
    client.force_login(personas.viewer)
    cases = [
        ({"organization": personas.agency.pk}, {"PORTAL", "TSC"}),
        ({"kind": "OT"}, {"TSC"}),
        ({"public_facing": "yes"}, {"PORTAL"}),
        ({"processes_pii": "no"}, {"TSC", "VRS"}),
        ({"system_type": "cloud_service"}, {"PORTAL"}),
        ({"q": "registration"}, {"VRS"}),
        ({"vendor": inventory.components.get().vendor_id}, {"PORTAL", "VRS"}),
        ({"status": "disposed"}, set()),
    ]
    for params, expected in cases:
        rows = _csv_rows(client.get(reverse("assets:system_export_csv"), params))
        assert {row[1] for row in rows[1:]} == expected, params
        response = client.get("/api/v1/systems/export.csv", params)
        assert {row[1] for row in _csv_rows(response)[1:]} == expected, params
    rows = _csv_rows(
        client.get(
            reverse("assets:system_export_csv"),
            {"organization": personas.sibling_agency.pk, "sheet": "components"},
        )
    )
    assert [row[2] for row in rows[1:]] == ["Registration DB"]


def _export_queries(client, url, params=None) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, params or {})
        b"".join(response.streaming_content)
    return len(queries)


def test_export_query_count_does_not_grow_with_rows(client, personas, inventory):
    client.force_login(personas.viewer)
    urls = [
        (reverse("assets:system_export"), {}),
        (reverse("assets:system_export_csv"), {}),
        (reverse("assets:system_export_csv"), {"sheet": "components"}),
        ("/api/v1/systems/export.xlsx", {}),
    ]
    before = [_export_queries(client, url, params) for url, params in urls]
    for number in range(30):
        system = make_system(personas.sibling_agency, f"System {number}", f"S{number}")
        for part in range(3):
            component_create(
                actor=None,
                system=system,
                name=f"Part {part}",
                component_type="hardware",
                vendor=vendor_get_or_create(name=f"Vendor {part}"),
            )
    after = [_export_queries(client, url, params) for url, params in urls]
    assert after == before


def test_api_exports(api_client, personas, inventory):
    response = api_client.get("/api/v1/systems/export.xlsx")
    assert response.status_code == 401
    api_client.force_authenticate(personas.sibling)
    response = api_client.get(
        "/api/v1/systems/export.xlsx",
        HTTP_ACCEPT="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    assert response.status_code == 200
    _, rows = _xlsx_rows(response, "Systems")
    assert [row[1] for row in rows[1:]] == ["VRS"]
    response = api_client.get("/api/v1/systems/export.csv", {"sheet": "components"})
    assert response.status_code == 200
    assert [row[2] for row in _csv_rows(response)[1:]] == ["Registration DB"]


def test_anonymous_export_is_sent_to_sign_in(client):
    for name in ("assets:system_export", "assets:system_export_csv"):
        response = client.get(reverse(name))
        assert response.status_code == 302 and reverse("login") in response["Location"]
