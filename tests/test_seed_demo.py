"""`manage.py seed_demo`: the demo city, its people and the inventory of its systems."""

import io
from collections import Counter

import pytest
from django.contrib.auth import authenticate, get_user_model
from django.core.management import call_command
from django.test import RequestFactory
from guardian.models import UserObjectPermission

from assets.demo import DEMO_USERS
from assets.demo_inventory import ASSESSED_SYSTEMS, SYSTEMS
from assets.models import (
    AuditEvent,
    Component,
    Interconnection,
    Membership,
    System,
    SystemInformationType,
    Vendor,
)
from assets.roles import AUTHORIZE, VIEW, qualified
from assets.selectors import system_list_for_user


def seed_demo() -> str:
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


@pytest.fixture
def seeded(demo_seeded, db) -> str:
    """The demo, seeded once for this module (conftest `demo_seeded`)."""
    return demo_seeded


def counts() -> dict[str, int]:
    return {
        model.__name__: model.objects.count()
        for model in (
            System,
            Component,
            Interconnection,
            SystemInformationType,
            Vendor,
            get_user_model(),
            Membership,
            UserObjectPermission,
            AuditEvent,
        )
    }


def test_the_demo_data_hangs_together():
    acronyms = [demo.acronym for demo in SYSTEMS]
    assert 30 <= len(SYSTEMS) <= 50
    assert len({acronym.lower() for acronym in acronyms}) == len(acronyms)
    for demo in SYSTEMS:
        assert 2 <= len(demo.components) <= 8, demo.acronym
        names = [component.name for component in demo.components]
        assert len(set(names)) == len(names), demo.acronym
        assert 1 <= len(demo.information_types) <= 4, demo.acronym
        assert all(note.strip() for _, note in demo.information_types), demo.acronym
        for link in demo.links:
            assert bool(link.to) != bool(link.party), (demo.acronym, link)
            assert not link.to or link.to in acronyms, (demo.acronym, link.to)
            assert link.to != demo.acronym


def test_seed_demo_creates_a_mixed_inventory(seeded):
    systems = System.objects.all()
    assert 30 <= systems.count() <= 50
    kinds = Counter(systems.values_list("kind", flat=True))
    assert set(kinds) == set(System.Kind.values)
    assert set(systems.values_list("system_type", flat=True)) == set(System.SystemType.values)
    assert set(systems.values_list("status", flat=True)) == set(System.Status.values)
    assert systems.filter(status=System.Status.OPERATIONAL).count() > systems.count() // 2
    assert systems.filter(status=System.Status.MAJOR_MODIFICATION).count() == 1
    disposed = systems.get(status=System.Status.DISPOSED)
    assert disposed.retirement_date is not None
    # Every agency of the city has systems.
    assert systems.values("organization").distinct().count() == 6
    assert not systems.filter(components=None).exists()
    assert not systems.filter(information_types=None).exists()
    public = systems.filter(public_facing=True)
    assert public.exists() and all(system.channels for system in public)
    assert systems.filter(processes_pii=True).exists()
    assert set(systems.get(acronym="R311").channels) == {"web", "mobile_app", "phone"}
    assert Component.objects.exclude(cpe="").exists()
    assert Component.objects.filter(internet_reachable=True).exists()
    assert SystemInformationType.objects.filter(note="").count() == 0


def test_several_demo_systems_name_the_laws_that_apply(seeded):
    named = System.objects.exclude(laws_regulations="")
    assert named.count() >= 5
    laws = {system.acronym: system.laws_regulations_list for system in named}
    assert any(law.startswith("PCI DSS") for law in laws["PAY"])
    assert any("America's Water Infrastructure Act of 2018" in law for law in laws["WSCADA"])
    assert any(law.startswith("Driver's Privacy Protection Act") for law in laws["DRVS"])
    assert all(law.strip() == law and law for lines in laws.values() for law in lines)


def test_systems_connect_to_each_other_and_to_outside_parties(seeded):
    internal = Interconnection.objects.exclude(remote_system=None)
    external = Interconnection.objects.filter(remote_system=None)
    assert internal.exists() and external.exists()
    assert internal.filter(system__acronym="PAY", remote_system__acronym="ERP").exists()
    assert internal.filter(system__acronym="R311", remote_system__acronym="GIS").exists()
    assert internal.filter(system__acronym="WSCADA", remote_system__acronym="WHIST").exists()
    parking = external.get(system__acronym="PARK", external_party__icontains="card processor")
    assert parking.agreement == Interconnection.Agreement.CONTRACT
    assert parking.agreement_reference


def test_every_system_has_people_entitled_to_their_part(seeded):
    for system in System.objects.select_related(
        "organization", "system_owner", "isso", "authorizing_official"
    ):
        assert system.system_owner.has_perm(qualified(VIEW), system.organization), system
        assert system.isso.has_perm(qualified(VIEW), system.organization), system
        assert system.authorizing_official.has_perm(qualified(AUTHORIZE), system.organization), (
            system
        )
        assert system.authorizing_official.username == "ao"


def test_the_demo_assessor_sees_only_the_systems_it_is_engaged_for(seeded):
    assessor = get_user_model().objects.get(username="assessor")
    visible = list(system_list_for_user(assessor))
    assert sorted(system.acronym for system in visible) == sorted(ASSESSED_SYSTEMS)
    assert {system.organization.name for system in visible} > {"Department of Transportation"}


def test_seeding_twice_changes_nothing(seeded):
    before = counts()
    summary = (
        f"{before['System']} systems, {before['Component']} components, "
        f"{before['Interconnection']} interconnections"
    )
    assert summary in seeded
    assert "not found" not in seeded  # every SP 800-60 type named is in the catalog
    output = seed_demo()
    assert counts() == before
    assert summary in output and "nothing new to create" in output


def test_every_demo_user_signs_in_with_the_printed_password(seeded):
    assert len({demo.username for demo in DEMO_USERS}) == len(DEMO_USERS)
    for demo in DEMO_USERS:
        assert f"{demo.username}" in seeded and demo.password in seeded
        request = RequestFactory().post("/accounts/login/")
        user = authenticate(request, username=demo.username, password=demo.password)
        assert user is not None, demo.username
        assert user.username == demo.username
