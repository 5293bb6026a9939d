"""Factories and the persona set that every permission test reuses."""

from dataclasses import dataclass

import factory
from django.contrib.auth import get_user_model

from assets.models import Organization, Role, System
from assets.services import (
    membership_grant,
    organization_create,
    system_assessor_grant,
    system_create,
)

PASSWORD = "correct-horse-battery-staple"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    email = factory.LazyAttribute(lambda user: f"{user.username}@example.gov")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()


def make_organization(name: str, kind: str, parent: Organization | None = None) -> Organization:
    return organization_create(actor=None, name=name, kind=kind, parent=parent)


@dataclass
class Personas:
    state: Organization
    city: Organization
    agency: Organization  # Transportation: the member's agency
    sibling_agency: Organization  # Motor Vehicles
    admin: object  # organization administrator of the agency
    member: object  # planner in the agency
    sibling: object  # planner in the sibling agency
    assessor: object  # outside consultant granted one system only: `system`
    authorizing_official: object  # AO of the city: reaches its agencies
    viewer: object  # state-level viewer: reads every agency
    outsider: object  # signed in, no role anywhere
    system: System  # the agency's traffic signal system, granted to the assessor
    sibling_system: System  # a system of the sibling agency

    def all_signed_in(self) -> dict[str, object]:
        return {
            "admin": self.admin,
            "member": self.member,
            "sibling": self.sibling,
            "assessor": self.assessor,
            "authorizing_official": self.authorizing_official,
            "viewer": self.viewer,
            "outsider": self.outsider,
        }


def build_personas() -> Personas:
    state = make_organization("State of Example", Organization.Kind.STATE)
    city = make_organization("Example City", Organization.Kind.CITY, state)
    agency = make_organization("Department of Transportation", Organization.Kind.AGENCY, city)
    sibling_agency = make_organization("Motor Vehicles", Organization.Kind.AGENCY, city)
    users = {
        name: UserFactory(username=name)
        for name in (
            "admin",
            "member",
            "sibling",
            "assessor",
            "authorizing_official",
            "viewer",
            "outsider",
        )
    }
    for user, organization, role in (
        (users["admin"], agency, Role.ORG_ADMIN),
        (users["member"], agency, Role.PLANNER),
        (users["sibling"], sibling_agency, Role.PLANNER),
        (users["authorizing_official"], city, Role.AUTHORIZING_OFFICIAL),
        (users["viewer"], state, Role.VIEWER),
    ):
        membership_grant(actor=None, organization=organization, user=user, role=role)
    system = make_system(agency, "Traffic Signal Control", "TSC", kind=System.Kind.OT)
    sibling_system = make_system(sibling_agency, "Vehicle Registration", "VRS")
    system_assessor_grant(actor=None, system=system, user=users["assessor"])
    return Personas(
        state=state,
        city=city,
        agency=agency,
        sibling_agency=sibling_agency,
        system=system,
        sibling_system=sibling_system,
        **users,
    )


def make_system(organization: Organization, name: str, acronym: str, **fields) -> System:
    values = {
        "kind": System.Kind.IT,
        "system_type": System.SystemType.MAJOR_APPLICATION,
        "description": f"{name} of {organization}.",
        **fields,
    }
    return system_create(
        actor=None, organization=organization, name=name, acronym=acronym, **values
    )
