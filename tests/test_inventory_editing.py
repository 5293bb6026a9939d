"""Creating and editing systems and their parts in the browser: guided forms, errors next to the
fields with nothing lost or saved, refused stale edits, and an audit row for every change."""

import pytest
from django.urls import reverse

from assets.models import (
    AuditEvent,
    Component,
    InformationType,
    Interconnection,
    OrganizationInformationType,
    Role,
    System,
    SystemInformationType,
    Vendor,
)
from assets.services import (
    component_create,
    membership_grant,
    system_information_type_add,
)
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

VALID = {
    "name": "Permit Portal",
    "acronym": "PP",
    "description": "Residents apply for building permits.",
    "kind": "IT",
    "system_type": "major_application",
    "status": "operational",
    "hosting": "on_premises",
}


def form_values(system: System, **changes) -> dict:
    """What the edit page posts back when nothing is changed, plus `changes`."""
    values = {
        "name": system.name,
        "acronym": system.acronym,
        "description": system.description,
        "kind": system.kind,
        "system_type": system.system_type,
        "status": system.status,
        "hosting": system.hosting,
        "version": system.version,
    }
    if system.public_facing:
        values["public_facing"] = "on"
        values["channels"] = system.channels
    return {**values, **changes}


def actions(**filters) -> list[str]:
    return list(AuditEvent.objects.filter(**filters).values_list("action", flat=True))


# --- systems -------------------------------------------------------------------------------------


def test_the_create_form_guides_with_help_and_defaults(client, personas):
    client.force_login(personas.member)
    response = client.get(reverse("assets:system_create", args=[personas.agency.pk]))
    assert response.status_code == 200
    form = response.context["form"]
    for name, field in form.fields.items():
        assert field.help_text, f"{name} has no help text"
    assert form["kind"].value() == "IT"
    assert form["status"].value() == "operational"
    assert form["hosting"].value() == "on_premises"
    assert "organization" not in form.fields  # it is in the URL
    body = response.content.decode()
    assert "Department of Transportation" in body
    assert "Who answers for it" in body


def test_people_are_chosen_among_roles_of_the_organization_and_above(client, personas):
    owner = UserFactory(username="owner")
    city_owner = UserFactory(username="city-owner")  # a system-level role at the city: no reach
    membership_grant(actor=None, organization=personas.agency, user=owner, role=Role.SYSTEM_OWNER)
    membership_grant(
        actor=None, organization=personas.city, user=city_owner, role=Role.SYSTEM_OWNER
    )
    client.force_login(personas.member)
    form = client.get(reverse("assets:system_create", args=[personas.agency.pk])).context["form"]
    owners = {label.split(" (")[-1].rstrip(")") for _, label in form.fields["system_owner"].choices}
    assert {"owner", "member", "admin", "authorizing_official", "viewer"} <= owners
    assert "city-owner" not in owners
    assert "sibling" not in owners
    officials = [label for value, label in form.fields["authorizing_official"].choices if value]
    assert len(officials) == 1
    assert "authorizing_official" in officials[0]


def test_a_planner_creates_a_system_and_it_is_audited(client, personas):
    client.force_login(personas.member)
    url = reverse("assets:system_create", args=[personas.agency.pk])
    response = client.post(
        url,
        {
            **VALID,
            "public_facing": "on",
            "channels": ["web", "kiosk"],
            "processes_pii": "on",
            "system_owner": personas.member.pk,
            "authorizing_official": personas.authorizing_official.pk,
            "user_count": "1200",
            "operational_since": "2021-03-01",
        },
    )
    system = System.objects.get(acronym="PP")
    assert response.status_code == 302
    assert response.url == reverse("assets:system_detail", args=[system.pk])
    assert system.organization == personas.agency
    assert system.channels == ["web", "kiosk"]
    assert system.system_owner == personas.member
    assert system.authorizing_official == personas.authorizing_official
    assert system.user_count == 1200
    event = AuditEvent.objects.get(action="system_create", object_id=str(system.pk))
    assert event.actor == personas.member
    assert event.organization == personas.agency


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"name": ""}, "name", "This field is required."),
        ({"public_facing": "on"}, "channels", "pick at least one channel"),
        ({"channels": ["web"]}, "channels", "only for public-facing systems"),
        ({"hosting": "saas"}, "hosting_provider", "Name the cloud or SaaS provider"),
        ({"status": "disposed"}, "retirement_date", "needs the date it was retired"),
        ({"acronym": "tsc"}, "acronym", "already has a system called"),
        ({"user_count": "-3"}, "user_count", "greater than or equal to 0"),
        ({"operational_since": "not a date"}, "operational_since", "Enter a valid date."),
        ({"system_owner": "999999"}, "system_owner", "Select a valid choice"),
    ],
)
def test_invalid_input_is_shown_next_to_the_field_and_nothing_is_saved(
    client, personas, changes, field, message
):
    client.force_login(personas.member)
    count, events = System.objects.count(), AuditEvent.objects.count()
    response = client.post(
        reverse("assets:system_create", args=[personas.agency.pk]),
        {**VALID, "location": "KEEP THIS", **changes},
    )
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert field in errors, errors
    assert message in " ".join(errors[field])
    body = response.content.decode()
    assert 'value="KEEP THIS"' in body  # nothing typed is lost
    assert f'id="id_{field}_error"' in body
    assert System.objects.count() == count
    assert AuditEvent.objects.count() == events


def test_a_planner_edits_a_system(client, personas):
    system = personas.system
    client.force_login(personas.member)
    url = reverse("assets:system_update", args=[system.pk])
    page = client.get(url)
    assert page.context["form"]["version"].value() == system.version
    assert page.context["form"]["name"].value() == "Traffic Signal Control"
    response = client.post(url, form_values(system, location="Traffic management center"))
    assert response.status_code == 302
    system.refresh_from_db()
    assert system.location == "Traffic management center"
    assert system.version == 2
    event = AuditEvent.objects.get(action="system_update")
    assert event.changes == {"location": ["", "Traffic management center"]}


def test_the_laws_regulations_and_policies_are_edited_in_their_own_group(client, personas):
    system = personas.system
    client.force_login(personas.member)
    url = reverse("assets:system_update", args=[system.pk])
    page = client.get(url)
    legends = dict(page.context["form"].fieldsets())
    assert [field.name for field in legends["Laws, regulations and policies"]] == [
        "laws_regulations"
    ]
    assert "One per line" in page.context["form"]["laws_regulations"].help_text
    laws = "State data breach notification law\r\nCity IT security policy 4.2"
    response = client.post(url, form_values(system, laws_regulations=laws))
    assert response.status_code == 302
    system.refresh_from_db()
    assert system.laws_regulations_list == [
        "State data breach notification law",
        "City IT security policy 4.2",
    ]
    event = AuditEvent.objects.get(action="system_update")
    assert list(event.changes) == ["laws_regulations"]
    # The edit page shows them back, so saving it again keeps them.
    page = client.get(url)
    assert "City IT security policy 4.2" in page.content.decode()


def test_an_invalid_edit_keeps_the_input_and_saves_nothing(client, personas):
    system = personas.system
    client.force_login(personas.member)
    response = client.post(
        reverse("assets:system_update", args=[system.pk]),
        form_values(system, hosting="cloud", location="Typed but refused"),
    )
    assert response.status_code == 400
    assert "Name the cloud or SaaS provider" in response.content.decode()
    assert 'value="Typed but refused"' in response.content.decode()
    system.refresh_from_db()
    assert system.location == ""
    assert system.version == 1
    assert not actions(action="system_update")


def test_a_stale_edit_is_refused_with_both_versions_shown(client, personas):
    system = personas.system
    url = reverse("assets:system_update", args=[system.pk])
    opened = form_values(system)  # both planners open the page at version 1
    client.force_login(personas.member)
    first = client.post(url, {**opened, "location": "First planner's location"})
    assert first.status_code == 302

    client.force_login(personas.admin)
    second = client.post(url, {**opened, "location": "Second planner's location"})
    assert second.status_code == 409
    body = second.content.decode()
    assert "Someone else saved this system" in body
    assert "First planner&#x27;s location" in body  # theirs, next to…
    assert "Second planner&#x27;s location" in body  # …yours, still in the form
    rows = second.context["conflict"]["rows"]
    assert rows == [("Location", "First planner's location", "Second planner's location")]
    assert second.context["form"]["version"].value() == "2"
    system.refresh_from_db()
    assert system.location == "First planner's location"  # the first save is kept
    assert system.version == 2
    assert actions(action="system_update") == ["system_update"]

    # Saving again, deliberately, from the version now shown replaces theirs.
    third = client.post(url, {**opened, "version": 2, "location": "Second planner's location"})
    assert third.status_code == 302
    system.refresh_from_db()
    assert system.location == "Second planner's location"


# --- components and interconnections -------------------------------------------------------------


def test_components_are_added_edited_and_removed_with_audit_rows(client, personas):
    system = personas.system
    Vendor.objects.create(name="Signal Corp")
    client.force_login(personas.member)
    add_url = reverse("assets:system_component_create", args=[system.pk])
    page = client.get(add_url)
    assert '<datalist id="vendor-names">' in page.content.decode()
    assert '<option value="Signal Corp">' in page.content.decode()
    assert page.context["form"]["quantity"].value() == 1

    response = client.post(
        add_url,
        {
            "name": "Controllers",
            "component_type": "ot_device",
            "vendor": "  signal   corp ",
            "product": "ATC",
            "version": "4.2",
            "quantity": "42",
            "internet_reachable": "on",
        },
    )
    assert response.status_code == 302
    component = Component.objects.get(system=system, name="Controllers")
    assert component.vendor.name == "Signal Corp"  # the existing vendor, reused
    assert Vendor.objects.count() == 1
    assert component.internet_reachable

    edit_url = reverse("assets:system_component_update", args=[component.pk])
    assert client.get(edit_url).context["form"]["vendor"].value() == "Signal Corp"
    response = client.post(
        edit_url,
        {"name": "Controllers", "component_type": "ot_device", "vendor": "", "quantity": "40"},
    )
    assert response.status_code == 302
    component.refresh_from_db()
    assert component.quantity == 40
    assert component.vendor is None

    response = client.post(reverse("assets:system_component_delete", args=[component.pk]))
    assert response.status_code == 302
    assert not Component.objects.filter(pk=component.pk).exists()
    assert actions(actor=personas.member) == [
        "component_delete",
        "component_update",
        "component_create",
    ]


def test_component_errors_are_shown_and_a_new_vendor_is_not_left_behind(client, personas):
    system = personas.system
    component_create(actor=None, system=system, name="Controllers", component_type="ot_device")
    client.force_login(personas.member)
    url = reverse("assets:system_component_create", args=[system.pk])
    duplicate = client.post(
        url,
        {
            "name": "Controllers",
            "component_type": "hardware",
            "vendor": "Brand New Vendor",
            "quantity": "1",
        },
    )
    assert duplicate.status_code == 400
    assert "already has a component of this name" in duplicate.content.decode()
    assert 'value="Brand New Vendor"' in duplicate.content.decode()
    assert not Vendor.objects.filter(name="Brand New Vendor").exists()
    bad = client.post(
        url, {"name": "Other", "component_type": "hardware", "quantity": "0", "cpe": "ATC"}
    )
    assert bad.status_code == 400
    assert set(bad.context["form"].errors) == {"quantity", "cpe"}
    assert Component.objects.filter(system=system).count() == 1


def test_interconnections_are_added_edited_and_removed_with_audit_rows(client, personas):
    system = personas.system
    client.force_login(personas.viewer)  # reads both agencies; still cannot edit
    url = reverse("assets:system_interconnection_create", args=[system.pk])
    assert client.get(url).status_code == 404

    client.force_login(personas.member)
    choices = client.get(url).context["form"].fields["remote_system"].choices
    assert [label for value, label in choices if value] == []  # only TSC, and not itself
    neither = client.post(url, {"direction": "outgoing", "information": "Timing"})
    assert neither.status_code == 400
    assert "one of the two" in neither.content.decode()

    response = client.post(
        url,
        {
            "external_party": "State DOT",
            "direction": "bidirectional",
            "information": "Timing plans",
            "agreement": "isa",
            "agreement_reference": "ISA-12",
            "status": "active",
        },
    )
    assert response.status_code == 302
    link = Interconnection.objects.get(system=system)
    edit_url = reverse("assets:system_interconnection_update", args=[link.pk])
    assert client.get(edit_url).context["form"]["external_party"].value() == "State DOT"
    response = client.post(
        edit_url,
        {
            "external_party": "State DOT",
            "direction": "outgoing",
            "information": "Timing plans",
            "agreement": "isa",
            "status": "planned",
        },
    )
    assert response.status_code == 302
    link.refresh_from_db()
    assert (link.direction, link.status, link.agreement_reference) == ("outgoing", "planned", "")
    client.post(reverse("assets:system_interconnection_delete", args=[link.pk]))
    assert not Interconnection.objects.filter(pk=link.pk).exists()
    assert actions(actor=personas.member) == [
        "interconnection_delete",
        "interconnection_update",
        "interconnection_create",
    ]


def test_the_other_system_is_chosen_among_systems_the_user_can_see(client, personas):
    # A city planner edits the agency's system and also sees the sibling agency's.
    planner = UserFactory(username="city-planner")
    membership_grant(actor=None, organization=personas.city, user=planner, role=Role.PLANNER)
    client.force_login(planner)
    url = reverse("assets:system_interconnection_create", args=[personas.system.pk])
    choices = client.get(url).context["form"].fields["remote_system"].choices
    assert [label for value, label in choices if value] == ["Vehicle Registration (VRS)"]
    response = client.post(
        url,
        {
            "remote_system": personas.sibling_system.pk,
            "direction": "incoming",
            "information": "Registrations",
            "agreement": "none",
            "status": "active",
        },
    )
    assert response.status_code == 302
    assert Interconnection.objects.get().remote_system == personas.sibling_system

    # The agency's own planner does not see the sibling system, but can still edit the link.
    client.force_login(personas.member)
    link = Interconnection.objects.get()
    edit = client.get(reverse("assets:system_interconnection_update", args=[link.pk]))
    assert edit.context["form"]["remote_system"].value() == personas.sibling_system.pk


# --- information types ---------------------------------------------------------------------------


def test_an_sp_800_60_type_is_found_by_searching_and_added_with_a_note(client, personas):
    system = personas.system
    client.force_login(personas.member)
    url = reverse("assets:system_information_type_add", args=[system.pk])
    everything = client.get(url)
    assert everything.context["catalog_types"].count() == InformationType.objects.count()
    found = client.get(url, {"q": "ground transportation"})
    matches = list(found.context["catalog_types"])
    assert all("ground" in (t.title + t.description).lower() for t in matches)
    chosen = next(t for t in matches if t.title == "Ground Transportation")
    assert len(matches) < InformationType.objects.count()
    assert f'value="catalog:{chosen.pk}"' in found.content.decode()

    no_note = client.post(
        url, {"q": "ground transportation", "information_type": f"catalog:{chosen.pk}"}
    )
    assert no_note.status_code == 400
    assert "note" in no_note.context["form"].errors
    assert f'value="catalog:{chosen.pk}" checked' in no_note.content.decode()  # still picked

    response = client.post(
        url, {"information_type": f"catalog:{chosen.pk}", "note": "Plans road work."}
    )
    assert response.status_code == 302
    link = SystemInformationType.objects.get(system=system)
    assert (link.catalog_type, link.note) == (chosen, "Plans road work.")
    again = client.post(url, {"information_type": f"catalog:{chosen.pk}", "note": "Twice"})
    assert again.status_code == 400
    assert "already lists this information type" in again.content.decode()
    unknown = client.post(url, {"information_type": "catalog:Z.9.9", "note": "?"})
    assert unknown.status_code == 400
    assert actions(action="system_information_type_add") == ["system_information_type_add"]


def test_an_organization_defined_type_is_created_then_added_and_removed(client, personas):
    system = personas.system
    client.force_login(personas.member)
    create_url = reverse("assets:organization_information_type_create", args=[personas.agency.pk])
    invalid = client.post(f"{create_url}?system={system.pk}", {"identifier": "ORG.1"})
    assert invalid.status_code == 400
    assert OrganizationInformationType.objects.count() == 0
    response = client.post(
        f"{create_url}?system={system.pk}",
        {
            "identifier": "ORG.1",
            "title": "Signal timing plans",
            "confidentiality": "LOW",
            "integrity": "HIGH",
            "availability": "MODERATE",
        },
    )
    assert response.status_code == 302
    assert response.url == reverse("assets:system_information_type_add", args=[system.pk])
    own = OrganizationInformationType.objects.get()
    page = client.get(response.url)
    assert f'value="org:{own.pk}"' in page.content.decode()

    # Another organization's type cannot be smuggled in.
    foreign = OrganizationInformationType.objects.create(
        organization=personas.sibling_agency,
        identifier="DMV.1",
        title="Plates",
        confidentiality="LOW",
        integrity="LOW",
        availability="LOW",
    )
    refused = client.post(response.url, {"information_type": f"org:{foreign.pk}", "note": "x"})
    assert refused.status_code == 400

    client.post(response.url, {"information_type": f"org:{own.pk}", "note": "Every signal."})
    link = SystemInformationType.objects.get(system=system)
    assert link.organization_type == own
    client.post(reverse("assets:system_information_type_remove", args=[link.pk]))
    assert not SystemInformationType.objects.exists()
    assert actions(actor=personas.member) == [
        "system_information_type_remove",
        "system_information_type_add",
        "organization_information_type_create",
    ]


def test_removing_an_information_type_from_the_system_page(client, personas):
    link = system_information_type_add(
        actor=None,
        system=personas.system,
        catalog_type=InformationType.objects.first(),
        note="x",
    )
    client.force_login(personas.member)
    page = client.get(reverse("assets:system_detail", args=[personas.system.pk]))
    remove_url = reverse("assets:system_information_type_remove", args=[link.pk])
    assert remove_url in page.content.decode()
    assert client.get(remove_url).status_code == 405  # removal is a POST only
    assert client.post(remove_url).status_code == 302
    assert not SystemInformationType.objects.exists()


# --- assessors -----------------------------------------------------------------------------------


def test_an_administrator_grants_and_revokes_an_assessor(client, personas):
    system = personas.system
    consultant = UserFactory(username="consultant")
    client.force_login(personas.admin)
    url = reverse("assets:system_assessors", args=[system.pk])
    page = client.get(url)
    assert [user.username for user in page.context["assessors"]] == ["assessor"]

    unknown = client.post(url, {"username": "nobody-here"})
    assert unknown.status_code == 400
    assert "No account is named" in unknown.content.decode()

    assert client.post(url, {"username": "Consultant"}).status_code == 302
    assert consultant.has_perm("assets.view_system", system)
    page = client.get(url)
    assert [user.username for user in page.context["assessors"]] == ["assessor", "consultant"]

    revoke = reverse("assets:system_assessor_revoke", args=[system.pk, consultant.pk])
    assert client.post(revoke, {"reason": "Engagement ended"}).status_code == 302
    consultant = type(consultant).objects.get(pk=consultant.pk)
    assert not consultant.has_perm("assets.view_system", system)
    event = AuditEvent.objects.get(action="system_assessor_revoke")
    assert event.reason == "Engagement ended"
    assert actions(actor=personas.admin) == ["system_assessor_revoke", "system_assessor_grant"]

    # Only someone granted this system can be revoked here: not an organization member.
    member_revoke = reverse("assets:system_assessor_revoke", args=[system.pk, personas.member.pk])
    assert client.post(member_revoke).status_code == 404


def test_a_deactivated_account_cannot_be_granted(client, personas):
    UserFactory(username="gone", is_active=False)
    client.force_login(personas.admin)
    response = client.post(
        reverse("assets:system_assessors", args=[personas.system.pk]), {"username": "gone"}
    )
    assert response.status_code == 400
    assert "deactivated" in response.content.decode()
