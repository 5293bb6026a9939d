"""Time the inventory pages, the API list, the export and the spreadsheet import on a throwaway
SQLite database of 50 organizations, 5,000 systems and 100,000 components.

    .venv/bin/python bench/inventory.py [--dir ../shared/nist]

The NIST folder is --dir, else WORKBENCH_NIST_DIR, else ../shared/nist beside the project.
Pages that do not exist yet are skipped and said so.
"""

import io
import random
import time
from collections.abc import Callable

from throwaway import bench_parser, throwaway_django, timed

ORGANIZATIONS = 50
SYSTEMS = 5_000
COMPONENTS_PER_SYSTEM = 20
VENDORS = 200
IMPORT_ROWS = 5_000


def main() -> None:
    args = bench_parser(__doc__).parse_args()

    with throwaway_django(nist_dir=args.dir, label_width=31):
        started = time.perf_counter()
        people = build_inventory()
        print(f"build the inventory            {time.perf_counter() - started:7.2f} s")
        print()
        run_timings(people)


def build_inventory() -> dict:
    from datetime import date

    from assets.models import Component, Organization, Role, System, Vendor
    from assets.services import membership_grant, organization_create
    from tests.factories import UserFactory

    rng = random.Random(20250630)
    state = organization_create(
        actor=None, name="State of Example", kind=Organization.Kind.STATE, parent=None
    )
    cities = [
        organization_create(
            actor=None, name=f"City {number}", kind=Organization.Kind.CITY, parent=state
        )
        for number in range(4)
    ]
    agencies = [
        organization_create(
            actor=None,
            name=f"Agency {number}",
            short_name=f"AG{number}",
            kind=Organization.Kind.AGENCY,
            parent=cities[number % len(cities)],
        )
        for number in range(ORGANIZATIONS - 1 - len(cities))
    ]
    organizations = [state, *cities, *agencies]
    viewer = UserFactory(username="state.viewer")
    planner = UserFactory(username="state.planner")
    membership_grant(actor=None, organization=state, user=viewer, role=Role.VIEWER)
    membership_grant(actor=None, organization=state, user=planner, role=Role.PLANNER)
    owners = {}
    for organization in organizations:
        owner = UserFactory(username=f"owner.{organization.pk}")
        membership_grant(actor=None, organization=organization, user=owner, role=Role.SYSTEM_OWNER)
        owners[organization.pk] = owner

    vendors = Vendor.objects.bulk_create(
        Vendor(name=f"Vendor {number:03}") for number in range(VENDORS)
    )
    systems = [
        System(
            organization=organizations[number % len(organizations)],
            name=f"System {number}",
            acronym=f"SYS{number:05}",
            description=f"System number {number}, for the benchmark.",
            kind=rng.choice(System.Kind.values),
            system_type=rng.choice(System.SystemType.values),
            status=System.Status.OPERATIONAL,
            hosting=System.Hosting.ON_PREMISES,
            processes_pii=rng.random() < 0.4,
            user_count=rng.randint(1, 100_000),
            location="Main data center",
            operational_since=date(2015 + number % 10, 1 + number % 12, 1),
            system_owner=owners[organizations[number % len(organizations)].pk],
        )
        for number in range(SYSTEMS)
    ]
    System.objects.bulk_create(systems, batch_size=1_000)
    Component.objects.bulk_create(
        (
            Component(
                system=system,
                name=f"Component {part}",
                component_type=rng.choice(Component.ComponentType.values),
                vendor=rng.choice(vendors),
                product=f"Product {part}",
                version=f"{part}.{rng.randint(0, 9)}",
                quantity=rng.randint(1, 50),
                internet_reachable=rng.random() < 0.1,
            )
            for system in systems
            for part in range(COMPONENTS_PER_SYSTEM)
        ),
        batch_size=5_000,
    )
    print(
        f"    {len(organizations)} organizations, {System.objects.count()} systems, "
        f"{Component.objects.count()} components, {Vendor.objects.count()} vendors"
    )
    return {
        "viewer": viewer,
        "planner": planner,
        "owners": owners,
        "organizations": organizations,
    }


def import_workbook(people: dict) -> bytes:
    """Half the rows update existing systems, half create new ones; every row names an owner."""
    from openpyxl import Workbook

    from assets.models import System
    from assets.spreadsheets.columns import SYSTEM_COLUMNS

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Systems")
    sheet.append([column.header for column in SYSTEM_COLUMNS])
    existing = list(
        System.objects.select_related("organization").order_by("pk")[: IMPORT_ROWS // 2]
    )
    rows = [
        (system.organization, system.acronym, system.name, "Updated by the benchmark import.")
        for system in existing
    ]
    organizations = people["organizations"]
    for number in range(IMPORT_ROWS - len(rows)):
        organization = organizations[number % len(organizations)]
        rows.append((organization, f"NEW{number:05}", f"New system {number}", "Imported."))
    for organization, acronym, name, description in rows:
        values = {
            "organization": organization.name,
            "acronym": acronym,
            "name": name,
            "description": description,
            "kind": "IT",
            "system_type": "Major application",
            "status": "Operational",
            "hosting": "On premises",
            "public_facing": "No",
            "processes_pii": "No",
            "user_count": 100,
            "system_owner": people["owners"][organization.pk].username,
        }
        sheet.append([values.get(column.key) for column in SYSTEM_COLUMNS])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def measure(label: str, action: Callable[[], object]) -> object:
    elapsed, queries, result = timed(action, 1)
    print(f"{label:34} {elapsed:7.2f} s {queries:7} queries")
    return result


def exists(path: str) -> bool:
    from django.urls import Resolver404, resolve

    try:
        resolve(path)
    except Resolver404:
        return False
    return True


def run_timings(people: dict) -> None:
    from django.test import Client
    from django.test.utils import setup_test_environment

    from assets.models import AuditEvent, System

    setup_test_environment()  # so that responses carry their template context

    def get(client: Client, path: str, **params) -> bytes:
        response = client.get(path, params)
        assert response.status_code == 200, (path, response.status_code)
        if response.streaming:
            return b"".join(response.streaming_content)
        return response.content

    viewer = Client()
    viewer.force_login(people["viewer"])
    system = System.objects.order_by("pk")[System.objects.count() // 2]
    for label, path in (
        ("system list page /systems/", "/systems/"),
        (f"system page /systems/{system.pk}/", f"/systems/{system.pk}/"),
        ("API list /api/v1/systems/", "/api/v1/systems/"),
    ):
        if exists(path):
            measure(label, lambda path=path: get(viewer, path))
        else:
            print(f"{label:34} skipped: the page does not exist yet")
    content = measure("export XLSX, everything", lambda: get(viewer, "/systems/export.xlsx"))
    print(f"    {len(content) / 1e6:.1f} MB")
    measure("export CSV, systems", lambda: get(viewer, "/systems/export.csv"))
    measure(
        "export CSV, components", lambda: get(viewer, "/systems/export.csv", sheet="components")
    )

    planner = Client()
    planner.force_login(people["planner"])
    workbook = import_workbook(people)
    print(f"    import file: {IMPORT_ROWS} system rows, {len(workbook) / 1e6:.1f} MB")

    def upload():
        response = planner.post("/systems/import/", {"file": _named(workbook, "systems.xlsx")})
        assert response.status_code == 200, response.context["report"].problems[:5]
        return response.context

    context = measure("import preview (dry run)", upload)
    print(f"    {context['report'].summary()}")

    def confirm():
        response = planner.post("/systems/import/confirm/", {"token": context["token"]})
        assert response.status_code == 302, response.status_code

    measure("import confirm (real)", confirm)
    print(
        f"    {System.objects.count()} systems now, "
        f"{AuditEvent.objects.filter(action='system_import').count()} audit records"
    )
    context = measure("re-import preview (unchanged)", upload)
    print(f"    {context['report'].summary()}")


def _named(content: bytes, name: str) -> io.BytesIO:
    stream = io.BytesIO(content)
    stream.name = name
    return stream


if __name__ == "__main__":
    main()
