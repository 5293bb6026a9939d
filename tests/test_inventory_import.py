"""Spreadsheet import of systems and components: preview, all-or-nothing, idempotent re-import,
refusal of unsafe or malformed files, and who may import where."""

import csv
import io
import uuid
import zipfile
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import Workbook

from assets.models import AuditEvent, Component, Role, System, Vendor
from assets.services import membership_grant
from assets.spreadsheets.columns import COMPONENT_COLUMNS, SYSTEM_COLUMNS
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

SYSTEM_HEADERS = [column.header for column in SYSTEM_COLUMNS]
COMPONENT_HEADERS = [column.header for column in COMPONENT_COLUMNS]
AGENCY = "Department of Transportation"
API_URL = "/api/v1/systems/import/"


@pytest.fixture(autouse=True)
def _imports_in_tmp(settings, tmp_path):
    settings.VAR_DIR = tmp_path


def system_row(acronym="PRK", name="Parking Permits", **values):
    row = {
        "Organization": AGENCY,
        "Acronym": acronym,
        "Name": name,
        "Description": f"{name}, issued online.",
        "Kind": "Information technology (IT)",
        "System type": "Major application",
        "Status": "Operational",
        "Hosting": "On premises",
        "Public facing": "No",
        "Processes PII": "Yes",
        "Number of users": 1200,
        "Operational since": date(2019, 4, 1),
    }
    row.update(values)
    return row


def component_row(system="PRK", name="Web server", **values):
    row = {
        "Organization": AGENCY,
        "System acronym": system,
        "Component name": name,
        "Type": "Software",
        "Vendor": "Apache Software Foundation",
        "Product": "httpd",
        "Version": "2.4.62",
        "Quantity": 2,
        "Internet reachable": "Yes",
    }
    row.update(values)
    return row


def xlsx(systems=(), components=(), *, system_headers=None, component_headers=None) -> bytes:
    workbook = Workbook()
    workbook.active.title = "Instructions"
    for title, headers, rows in (
        ("Systems", system_headers or SYSTEM_HEADERS, systems),
        ("Components", component_headers or COMPONENT_HEADERS, components),
    ):
        sheet = workbook.create_sheet(title)
        sheet.append(headers)
        for row in rows:
            sheet.append([row.get(header) for header in headers])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def csv_bytes(headers, rows) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(headers)
    for row in rows:
        writer.writerow([row.get(header, "") for header in headers])
    return buffer.getvalue().encode("utf-8")


def api_import(api_client, user, content: bytes, name="inventory.xlsx", *, dry_run=False):
    api_client.force_authenticate(user)
    return api_client.post(
        API_URL,
        {"file": SimpleUploadedFile(name, content), "dry_run": "true" if dry_run else "false"},
        format="multipart",
    )


def problems(response) -> set[tuple]:
    return {(error["sheet"], error["row"], error["column"]) for error in response.json()["errors"]}


def messages_of(response) -> str:
    return " ".join(error["message"] for error in response.json()["errors"])


def test_web_preview_then_confirm(client, personas, settings):
    client.force_login(personas.member)
    content = xlsx(
        [
            system_row(),
            system_row(
                "SIG",
                "Signal Timing",
                Kind="OT",
                Hosting="cloud",
                **{"Hosting provider": "Microsoft Azure"},
            ),
        ],
        [component_row(), component_row("TSC", "Controller", Type="OT device class")],
    )
    preview = client.post(
        reverse("assets:system_import"), {"file": SimpleUploadedFile("inv.xlsx", content)}
    )
    assert preview.status_code == 200
    counts = preview.context["report"].counts
    assert (counts["systems_created"], counts["components_created"]) == (2, 2)
    assert not System.objects.filter(acronym__in=["PRK", "SIG"]).exists()  # a preview only
    token = preview.context["token"]
    assert token and token in preview.content.decode()

    done = client.post(reverse("assets:system_import_confirm"), {"token": token})
    assert done.status_code == 302
    signal = System.objects.get(organization=personas.agency, acronym="SIG")
    assert (signal.kind, signal.hosting) == (System.Kind.OT, System.Hosting.CLOUD)
    parking = System.objects.get(acronym="PRK")
    assert parking.user_count == 1200 and parking.operational_since == date(2019, 4, 1)
    server = Component.objects.get(system=parking, name="Web server")
    assert server.vendor.name == "Apache Software Foundation" and server.internet_reachable
    assert Component.objects.get(system=personas.system, name="Controller").component_type == (
        Component.ComponentType.OT_DEVICE
    )
    events = AuditEvent.objects.filter(action__in=["system_import", "component_import"])
    assert events.count() == 4
    assert {event.organization for event in events} == {personas.agency}
    assert {event.actor for event in events} == {personas.member}
    created = events.get(action="system_import", object_id=str(parking.pk))
    assert created.changes["acronym"] == [None, "PRK"]

    assert not [path for path in (settings.VAR_DIR / "imports").rglob("*") if path.is_file()]
    again = client.post(reverse("assets:system_import_confirm"), {"token": token})
    assert again.status_code == 302  # the file is gone: the same import cannot run twice
    assert System.objects.filter(acronym="PRK").count() == 1


def test_confirm_reads_only_the_users_own_file(client, personas):
    membership_grant(
        actor=None, organization=personas.agency, user=personas.outsider, role=Role.PLANNER
    )
    client.force_login(personas.member)
    preview = client.post(
        reverse("assets:system_import"),
        {"file": SimpleUploadedFile("i.xlsx", xlsx([system_row()]))},
    )
    token = preview.context["token"]
    client.force_login(personas.outsider)
    response = client.post(reverse("assets:system_import_confirm"), {"token": token})
    assert response.status_code == 302
    assert not System.objects.filter(acronym="PRK").exists()
    response = client.post(reverse("assets:system_import_confirm"), {"token": "../../etc/passwd"})
    assert response.status_code == 302


def test_confirm_checks_the_file_again(client, personas):
    client.force_login(personas.member)
    preview = client.post(
        reverse("assets:system_import"),
        {"file": SimpleUploadedFile("i.xlsx", xlsx([system_row()]))},
    )
    # Between preview and confirm, the planner loses the right to edit the agency.
    personas.member.groups.clear()
    membership_grant(
        actor=None, organization=personas.sibling_agency, user=personas.member, role=Role.PLANNER
    )
    response = client.post(
        reverse("assets:system_import_confirm"), {"token": preview.context["token"]}
    )
    assert response.status_code == 400
    assert "Unknown organization" in response.content.decode()
    assert not System.objects.filter(acronym="PRK").exists()


def test_dry_run_lists_every_problem_by_sheet_row_and_column(api_client, personas):
    content = xlsx(
        [
            system_row(),
            system_row("BAD", Kind="Mainframe", Status=""),  # row 3: two problems
            system_row("PUB", **{"Public facing": "Yes"}),  # row 4: no channel
            system_row("CLD", Hosting="SaaS", **{"Operational since": "last spring"}),  # row 5
            system_row("PRK", name="Twice"),  # row 6: same key as row 2
            system_row("OWN", **{"System owner": "nobody-by-that-name"}),  # row 7
        ],
        [
            component_row(Quantity="several"),  # row 2
            component_row("NOPE", "Thing"),  # row 3: no such system
            component_row(name="Web server"),  # row 4: same component as row 2
            component_row(name="Gizmo", Type="Gizmo", **{"Internet reachable": "perhaps"}),  # row 5
        ],
    )
    response = api_import(api_client, personas.member, content, dry_run=True)
    assert response.status_code == 400
    assert problems(response) == {
        ("Systems", 3, "Kind"),
        ("Systems", 3, "Status"),
        ("Systems", 4, "Channels"),
        ("Systems", 5, "Hosting provider"),
        ("Systems", 5, "Operational since"),
        ("Systems", 6, "Acronym"),
        ("Systems", 7, "System owner"),
        ("Components", 2, "Quantity"),
        ("Components", 3, "System acronym"),
        ("Components", 4, "Component name"),
        ("Components", 5, "Type"),
        ("Components", 5, "Internet reachable"),
    }
    assert response.json()["dry_run"] is True
    text = messages_of(response)
    assert "“Mainframe” is not one of the allowed values" in text
    assert "pick at least one channel" in text  # the form's own rule, reused
    assert "Name the cloud or SaaS provider" in text
    assert not System.objects.filter(acronym__in=["PRK", "PUB", "CLD", "OWN"]).exists()


def test_a_valid_dry_run_counts_and_writes_nothing(api_client, personas):
    response = api_import(
        api_client, personas.member, xlsx([system_row()], [component_row()]), dry_run=True
    )
    assert response.status_code == 200, response.json()
    assert response.json()["errors"] == []
    assert response.json()["counts"] == {
        "systems_created": 1,
        "systems_updated": 0,
        "systems_unchanged": 0,
        "components_created": 1,
        "components_updated": 0,
        "components_unchanged": 0,
    }
    assert not System.objects.filter(acronym="PRK").exists()
    assert not Vendor.objects.exists()
    assert not AuditEvent.objects.filter(action="system_import").exists()


def test_one_bad_row_imports_nothing(api_client, personas):
    rows = [system_row(f"S{number}", f"System {number}") for number in range(5)]
    rows.append(system_row("BAD", Status="Retired soon"))
    response = api_import(api_client, personas.member, xlsx(rows, [component_row("S1")]))
    assert response.status_code == 400
    assert problems(response) == {("Systems", 7, "Status")}
    assert System.objects.filter(organization=personas.agency).count() == 1  # the persona's own
    assert not Component.objects.exists() and not Vendor.objects.exists()
    assert not AuditEvent.objects.filter(action__endswith="_import").exists()


def test_reimport_updates_without_duplicating(api_client, personas):
    systems = [system_row(), system_row("LIB", "Library Catalog")]
    components = [component_row(), component_row(name="Database", Vendor="PostgreSQL")]
    first = api_import(api_client, personas.member, xlsx(systems, components))
    assert first.status_code == 200, first.json()
    parking = System.objects.get(acronym="PRK")
    version = parking.version

    systems[0] = system_row(**{"Number of users": 1500, "Acronym": "prk"})
    components[1] = component_row(name="Database", Vendor="postgresql", Version="17")
    second = api_import(api_client, personas.member, xlsx(systems, components))
    assert second.json()["counts"] == {
        "systems_created": 0,
        "systems_updated": 1,
        "systems_unchanged": 1,
        "components_created": 0,
        "components_updated": 1,
        "components_unchanged": 1,
    }
    assert System.objects.filter(organization=personas.agency).count() == 3
    assert Component.objects.count() == 2 and Vendor.objects.count() == 2
    parking.refresh_from_db()
    assert (parking.user_count, parking.acronym, parking.version) == (1500, "prk", version + 1)
    update = AuditEvent.objects.filter(action="system_import", object_id=str(parking.pk)).first()
    assert update.changes == {"acronym": ["PRK", "prk"], "user_count": [1200, 1500]}
    database = AuditEvent.objects.filter(action="component_import").first()
    assert database.changes == {"version": ["2.4.62", "17"]}  # same vendor, other spelling

    audit_count = AuditEvent.objects.count()
    third = api_import(api_client, personas.member, xlsx(systems, components))
    assert third.status_code == 200
    assert third.json()["counts"]["systems_unchanged"] == 2
    assert third.json()["counts"]["components_unchanged"] == 2
    assert AuditEvent.objects.count() == audit_count  # unchanged rows write no audit record


def test_laws_regulations_and_policies_are_imported_one_per_line(api_client, personas):
    laws = "PCI DSS for card payments\nState data breach notification law"
    row = system_row(**{"Laws, regulations and policies": laws})
    response = api_import(api_client, personas.member, xlsx([row]))
    assert response.status_code == 200, response.json()
    assert System.objects.get(acronym="PRK").laws_regulations_list == [
        "PCI DSS for card payments",
        "State data breach notification law",
    ]
    library = system_row(
        "LIB", "Library Catalog", **{"Laws, regulations and policies": "State library records law"}
    )
    response = api_import(
        api_client, personas.member, csv_bytes(SYSTEM_HEADERS, [row, library]), "systems.csv"
    )
    assert response.status_code == 200, response.json()
    assert response.json()["counts"]["systems_unchanged"] == 1
    assert response.json()["counts"]["systems_created"] == 1
    library = System.objects.get(acronym="LIB")
    assert library.laws_regulations == "State library records law"


def test_values_and_labels_are_accepted_in_any_case(api_client, personas):
    rows = [
        system_row("A1", Kind="ot", Status="OPERATIONAL", **{"System type": "industrial_control"}),
        system_row(
            "A2",
            Kind="Operational Technology (OT)",
            Hosting="saas",
            **{
                "Hosting provider": "Acme",
                "Public facing": "y",
                "Channels": "Web site; mobile_app",
            },
        ),
    ]
    response = api_import(api_client, personas.member, xlsx(rows))
    assert response.status_code == 200, response.json()
    first, second = System.objects.filter(acronym__in=["A1", "A2"]).order_by("acronym")
    assert (first.kind, first.system_type) == ("OT", "industrial_control")
    assert (second.kind, second.hosting, second.public_facing) == ("OT", "saas", True)
    assert second.channels == ["web", "mobile_app"]


def test_csv_files_are_told_apart_by_their_header(api_client, personas):
    systems = csv_bytes(SYSTEM_HEADERS, [system_row(**{"Operational since": "2019-04-01"})])
    response = api_import(api_client, personas.member, systems, "systems.csv")
    assert response.status_code == 200, response.json()
    components = csv_bytes(COMPONENT_HEADERS, [component_row()])
    response = api_import(api_client, personas.member, components, "components.csv")
    assert response.status_code == 200, response.json()
    assert response.json()["counts"]["components_created"] == 1
    assert Component.objects.get().system.acronym == "PRK"


def test_a_formula_is_refused_with_its_cell(api_client, personas):
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Systems"
    sheet.append(SYSTEM_HEADERS)
    sheet.append([system_row().get(header) for header in SYSTEM_HEADERS])
    sheet["C2"] = '=CONCATENATE("Parking", " Permits")'
    sheet["M2"] = "=SUM(1,2)"
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = api_import(api_client, personas.member, buffer.getvalue())
    assert response.status_code == 400
    assert problems(response) == {("Systems", 2, "Name"), ("Systems", 2, "Number of users")}
    assert "Systems!C2 holds a formula" in messages_of(response)
    assert "Systems!M2 holds a formula" in messages_of(response)
    assert not System.objects.filter(acronym="PRK").exists()


def test_a_file_over_the_limit_is_refused_before_reading(client, api_client, personas, settings):
    settings.WORKBENCH_IMPORT_MAX_BYTES = 100_000
    big = xlsx([system_row(f"S{number}", uuid.uuid4().hex * 4) for number in range(1500)])
    assert len(big) > 100_000
    response = api_import(api_client, personas.member, big)
    assert response.status_code == 400
    assert "larger than" in messages_of(response)
    client.force_login(personas.member)
    response = client.post(
        reverse("assets:system_import"), {"file": SimpleUploadedFile("b.xlsx", big)}
    )
    assert response.status_code == 400
    assert "larger than" in response.content.decode()
    assert not System.objects.filter(acronym="S1").exists()
    assert not (settings.VAR_DIR / "imports").exists()  # never stored


def test_a_file_just_over_the_limit_is_refused_after_upload(api_client, personas, settings):
    content = xlsx([system_row()])
    # The request announces less than the limit plus its framing, the file itself is over.
    settings.WORKBENCH_IMPORT_MAX_BYTES = len(content) - 10
    response = api_import(api_client, personas.member, content)
    assert response.status_code == 400
    assert "larger than" in messages_of(response)


@pytest.mark.parametrize(
    ("content", "name", "expected"),
    [
        (b"", "inventory.xlsx", "The file is empty."),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)), "photo.csv", "binary"),
        (bytes(range(256)) * 4, "data.csv", "binary"),
        ("Organization,Acronym\nCafé".encode("latin-1"), "systems.csv", "not UTF-8"),
        (b"this is not a workbook", "inventory.xlsx", "not an Excel workbook"),
        (b"PK\x03\x04 truncated zip", "inventory.xlsx", "damaged"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(100), "old.xls", "97-2003"),
        (b"name,owner\nfoo,bar\n", "other.csv", "neither the Systems columns"),
        (b'Organization,Acronym,Name\n"unclosed', "systems.csv", "Missing column"),
    ],
)
def test_malformed_files_get_a_clear_message(api_client, personas, content, name, expected):
    response = api_import(api_client, personas.member, content, name)
    assert response.status_code == 400
    assert expected in messages_of(response)


def test_a_zip_that_is_not_a_workbook(api_client, personas):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("readme.txt", "hello")
    response = api_import(api_client, personas.member, buffer.getvalue())
    assert response.status_code == 400
    assert "not an Excel workbook" in messages_of(response)


def test_a_zip_bomb_is_not_inflated(api_client, personas, monkeypatch):
    monkeypatch.setattr("assets.spreadsheets.parse.MAX_UNCOMPRESSED_BYTES", 1_000_000)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"0" * 5_000_000)
    assert len(buffer.getvalue()) < 50_000
    response = api_import(api_client, personas.member, buffer.getvalue())
    assert response.status_code == 400
    assert "expands to far more data" in messages_of(response)


def test_wrong_and_missing_columns(api_client, personas):
    missing = ("Kind", "Status", "Laws, regulations and policies")
    headers = [header for header in SYSTEM_HEADERS if header not in missing]
    headers.append("Colour")
    response = api_import(api_client, personas.member, xlsx([system_row()], system_headers=headers))
    assert response.status_code == 400
    text = messages_of(response)
    assert "Missing column(s): Kind, Status, Laws, regulations and policies" in text
    assert "“Colour” is not a column of the Systems sheet" in text


def test_headers_only_is_nothing_to_import(api_client, personas):
    response = api_import(api_client, personas.member, xlsx())
    assert response.status_code == 400
    assert "no rows" in messages_of(response)
    response = api_import(api_client, personas.member, "\n".join(SYSTEM_HEADERS).encode(), "a.csv")
    assert response.status_code == 400


def test_sibling_cannot_import_into_another_agency(api_client, personas):
    content = xlsx(
        [system_row(), system_row("MV2", Organization="Motor Vehicles")],
        [component_row("TSC", "Backdoor")],
    )
    response = api_import(api_client, personas.sibling, content)
    assert response.status_code == 400
    assert problems(response) == {
        ("Systems", 2, "Organization"),
        ("Components", 2, "Organization"),
    }
    unknown = api_import(
        api_client, personas.sibling, xlsx([system_row(Organization="Department of Nothing")])
    )
    # An organization the person may not edit reads exactly like one that does not exist.
    assert messages_of(response).split("“")[0] == messages_of(unknown).split("“")[0]
    assert not System.objects.filter(acronym__in=["PRK", "MV2"]).exists()
    assert not Component.objects.exists()


@pytest.mark.parametrize("persona", ["viewer", "assessor", "authorizing_official", "outsider"])
def test_people_who_edit_no_inventory_cannot_import(client, api_client, personas, persona):
    user = getattr(personas, persona)
    response = api_import(api_client, user, xlsx([system_row()]))
    assert response.status_code == 403
    client.force_login(user)
    assert client.get(reverse("assets:system_import")).status_code == 403
    response = client.post(
        reverse("assets:system_import"),
        {"file": SimpleUploadedFile("i.xlsx", xlsx([system_row()]))},
    )
    assert response.status_code == 403
    assert not System.objects.filter(acronym="PRK").exists()


def test_anonymous_is_sent_to_sign_in(client, api_client):
    response = client.get(reverse("assets:system_import"))
    assert response.status_code == 302 and reverse("login") in response["Location"]
    response = client.post(reverse("assets:system_import_confirm"), {"token": "x" * 43})
    assert response.status_code == 302 and reverse("login") in response["Location"]
    response = api_client.post(
        API_URL, {"file": SimpleUploadedFile("i.xlsx", b"x")}, format="multipart"
    )
    assert response.status_code == 401


def test_people_named_must_hold_a_role_there(api_client, personas):
    stranger = UserFactory(username="stranger")
    response = api_import(
        api_client,
        personas.member,
        xlsx([system_row(**{"System owner": "stranger", "Authorizing official": "member"})]),
    )
    assert response.status_code == 400
    assert problems(response) == {
        ("Systems", 2, "System owner"),
        ("Systems", 2, "Authorizing official"),
    }
    membership_grant(
        actor=None, organization=personas.agency, user=stranger, role=Role.SYSTEM_OWNER
    )
    response = api_import(
        api_client,
        personas.member,
        xlsx(
            [
                system_row(
                    **{
                        "System owner": "STRANGER",
                        "ISSO": "member",
                        "Authorizing official": "authorizing_official",
                    }
                )
            ]
        ),
    )
    assert response.status_code == 200, response.json()
    parking = System.objects.get(acronym="PRK")
    assert (parking.system_owner, parking.isso) == (stranger, personas.member)
    assert parking.authorizing_official == personas.authorizing_official


def _queries_of_dry_run(api_client, user, content) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = api_import(api_client, user, content, dry_run=True)
    assert response.status_code == 200, response.json()
    return len(queries)


def test_import_reads_in_bulk(api_client, personas):
    def rows(count):
        systems = [system_row(f"N{number}", f"System {number}") for number in range(count)]
        parts = [component_row(f"N{number}", "Server") for number in range(count)]
        return systems, parts

    small = _queries_of_dry_run(api_client, personas.member, xlsx(*rows(20)))
    large = _queries_of_dry_run(api_client, personas.member, xlsx(*rows(120)))
    # A new or changed system runs the forms' own rules, whose duplicate-acronym check is one
    # query; everything else (organizations, systems, components, vendors, people) is read once.
    assert large - small <= 100

    api_import(api_client, personas.member, xlsx(*rows(120)))
    small = _queries_of_dry_run(api_client, personas.member, xlsx(*rows(20)))
    large = _queries_of_dry_run(api_client, personas.member, xlsx(*rows(120)))
    assert large == small  # unchanged rows are compared in memory


def test_upload_and_confirm_are_csrf_protected(personas):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(personas.member)
    upload = {"file": SimpleUploadedFile("i.xlsx", xlsx([system_row()]))}
    assert client.post(reverse("assets:system_import"), upload).status_code == 403
    page = client.get(reverse("assets:system_import"))
    token = page.cookies["csrftoken"].value
    upload = {
        "file": SimpleUploadedFile("i.xlsx", xlsx([system_row()])),
        "csrfmiddlewaretoken": token,
    }
    preview = client.post(reverse("assets:system_import"), upload)
    assert preview.status_code == 200
    confirm = {"token": preview.context["token"]}
    assert client.post(reverse("assets:system_import_confirm"), confirm).status_code == 403
    assert not System.objects.filter(acronym="PRK").exists()
