"""The demo city: organizations and one user for every role, with known passwords.

Fictional: the State of Columbia, the City of Riverton and its agencies. Idempotent: running it
again changes nothing that is already there. The city's systems are in assets.demo_inventory.
"""

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db import transaction

from assets.models import Membership, Organization, Role
from assets.services import membership_grant, organization_create

STATE = "State of Columbia"
CITY = "City of Riverton"
AGENCIES = [
    ("Department of Transportation", "DOT", "Traffic signals, parking, street lighting."),
    ("Department of Motor Vehicles", "DMV", "Licences, registrations, payments."),
    ("Children and Family Services", "CFS", "Child welfare case management."),
    ("Public Works", "DPW", "Streets, fleet and facilities."),
    ("Department of Information Technology", "DoIT", "The city's network, data center, cloud."),
    ("Riverton Water Utility", "RWU", "Drinking water treatment and distribution (SCADA)."),
]


@dataclass(frozen=True)
class DemoUser:
    username: str
    first_name: str
    last_name: str
    password: str
    # Name of the organization the role is held in; None for an outside assessor, who holds no
    # role in any organization and is granted single systems instead (see `scope`).
    organization: str | None
    role: str
    scope: str = ""  # what the user reaches when `organization` is None


DEMO_USERS = [
    DemoUser("admin", "Alex", "Admin", "demo-admin-2026", CITY, Role.ORG_ADMIN),
    DemoUser("planner", "Priya", "Planner", "demo-planner-2026", AGENCIES[0][0], Role.PLANNER),
    DemoUser("owner", "Omar", "Owner", "demo-owner-2026", AGENCIES[0][0], Role.SYSTEM_OWNER),
    DemoUser("isso", "Ines", "Security", "demo-isso-2026", AGENCIES[0][0], Role.ISSO),
    DemoUser(
        "assessor",
        "Sam",
        "Assessor",
        "demo-assessor-2026",
        None,
        Role.ASSESSOR,
        scope="the Traffic Signal Control System only (single-system grant)",
    ),
    DemoUser("ao", "Avery", "Official", "demo-ao-2026", CITY, Role.AUTHORIZING_OFFICIAL),
    DemoUser("viewer", "Val", "Viewer", "demo-viewer-2026", STATE, Role.VIEWER),
    DemoUser("dmv", "Dana", "Motor", "demo-dmv-2026", AGENCIES[1][0], Role.PLANNER),
    # Owners and ISSOs of the other agencies' systems (system-level roles do not cascade, so
    # each agency has its own), and a planner for the water utility.
    DemoUser(
        "dmv-owner", "Diego", "Ramos", "demo-dmv-owner-2026", AGENCIES[1][0], Role.SYSTEM_OWNER
    ),
    DemoUser("dmv-isso", "Mei", "Chen", "demo-dmv-isso-2026", AGENCIES[1][0], Role.ISSO),
    DemoUser(
        "cfs-owner", "Grace", "Okafor", "demo-cfs-owner-2026", AGENCIES[2][0], Role.SYSTEM_OWNER
    ),
    DemoUser("cfs-isso", "Tomas", "Lindqvist", "demo-cfs-isso-2026", AGENCIES[2][0], Role.ISSO),
    DemoUser(
        "dpw-owner", "Ray", "Kowalski", "demo-dpw-owner-2026", AGENCIES[3][0], Role.SYSTEM_OWNER
    ),
    DemoUser("dpw-isso", "Nadia", "Haddad", "demo-dpw-isso-2026", AGENCIES[3][0], Role.ISSO),
    DemoUser(
        "doit-owner", "Ken", "Watanabe", "demo-doit-owner-2026", AGENCIES[4][0], Role.SYSTEM_OWNER
    ),
    DemoUser("doit-isso", "Carmen", "Vega", "demo-doit-isso-2026", AGENCIES[4][0], Role.ISSO),
    DemoUser(
        "water-planner", "Wes", "Brooks", "demo-water-planner-2026", AGENCIES[5][0], Role.PLANNER
    ),
    DemoUser(
        "water-owner", "Hana", "Novak", "demo-water-owner-2026", AGENCIES[5][0], Role.SYSTEM_OWNER
    ),
    DemoUser("water-isso", "Luis", "Ortega", "demo-water-isso-2026", AGENCIES[5][0], Role.ISSO),
]


@transaction.atomic
def seed_organizations_and_people() -> list[DemoUser]:
    state = Organization.objects.filter(name=STATE, parent=None).first() or organization_create(
        actor=None, name=STATE, short_name="CO", kind=Organization.Kind.STATE
    )
    city = Organization.objects.filter(name=CITY, parent=state).first() or organization_create(
        actor=None, name=CITY, short_name="Riverton", kind=Organization.Kind.CITY, parent=state
    )
    by_name = {STATE: state, CITY: city}
    for name, short_name, description in AGENCIES:
        by_name[name] = Organization.objects.filter(
            name=name, parent=city
        ).first() or organization_create(
            actor=None,
            name=name,
            short_name=short_name,
            kind=Organization.Kind.AGENCY,
            parent=city,
            description=description,
        )
    users = get_user_model().objects
    for demo in DEMO_USERS:
        user, created = users.get_or_create(
            username=demo.username,
            defaults={
                "first_name": demo.first_name,
                "last_name": demo.last_name,
                "email": f"{demo.username}@riverton.example.gov",
            },
        )
        if created:
            user.set_password(demo.password)
            user.save(update_fields=["password"])
        if demo.organization is None:
            continue  # an outside assessor: systems are granted by seed_inventory
        organization = by_name[demo.organization]
        if not Membership.objects.filter(
            user=user, organization=organization, role=demo.role
        ).exists():
            membership_grant(actor=None, organization=organization, user=user, role=demo.role)
    return DEMO_USERS
