"""Serializers and fields shared by the inventory API views (systems and their parts)."""

from typing import Any

from django.db.models import Choices
from drf_spectacular.extensions import OpenApiSerializerFieldExtension
from drf_spectacular.plumbing import ResolvedComponent
from rest_framework import serializers
from rest_framework.fields import empty

from assets.models import (
    Component,
    Interconnection,
    OrganizationInformationType,
    ProvisionalImpact,
    System,
    SystemInformationType,
    Vendor,
)
from assets.selectors import system_list_for_user
from assets.services.inventory import SYSTEM_FIELDS, user_by_username

# ----------------------------------------------------------------------------- fields


def _enum_name(choices: type[Choices]) -> str:
    owner, _, name = choices.__qualname__.rpartition(".")
    if owner and not name.startswith(owner):
        name = owner + name
    return f"{name}Enum"


class NamedChoiceField(serializers.ChoiceField):
    """A choice field documented as an enum named after its choices class (`SystemStatusEnum`,
    `InterconnectionStatusEnum`): several models have a `kind` or a `status` with different
    values, and enums named after the field would collide in the schema."""

    def __init__(self, choices_class: type[Choices], **kwargs: Any):
        self.choices_class = choices_class
        super().__init__(choices=choices_class.choices, **kwargs)


class NamedChoiceFieldExtension(OpenApiSerializerFieldExtension):
    target_class = NamedChoiceField
    match_subclasses = True

    def map_serializer_field(self, auto_schema, direction):
        choices_class = self.target.choices_class
        name = _enum_name(choices_class)
        component = ResolvedComponent(
            name=name,
            type=ResolvedComponent.SCHEMA,
            object=name,
            schema={
                "type": "string",
                "enum": list(choices_class.values),
                "description": "\n".join(
                    f"* `{value}` - {label}" for value, label in choices_class.choices
                ),
            },
        )
        auto_schema.registry.register_on_missing(component)
        return component.ref


class UsernameField(serializers.CharField):
    """A person given by username (case-insensitive). Validates to the user; blank or null to
    None where the field allows it."""

    def __init__(self, **kwargs: Any):
        kwargs.setdefault("max_length", 150)
        super().__init__(**kwargs)

    def run_validation(self, data=empty):
        username = super().run_validation(data)
        if not username:
            return None
        user = user_by_username(username)
        if user is None:
            raise serializers.ValidationError("No account has this name.")
        return user


class VisibleSystemField(serializers.PrimaryKeyRelatedField):
    """A system by id among those the caller may see: any other id is "unknown", so the answer
    does not tell whether a system exists elsewhere."""

    default_error_messages = {
        **serializers.PrimaryKeyRelatedField.default_error_messages,
        "does_not_exist": "Unknown system.",
    }

    def __init__(self, **kwargs: Any):
        super().__init__(queryset=System.objects.all(), **kwargs)

    def get_queryset(self):
        return system_list_for_user(self.context["request"].user)


# ----------------------------------------------------------------------------- output


class ComponentSerializer(serializers.ModelSerializer):
    component_type = NamedChoiceField(Component.ComponentType, read_only=True)
    vendor = serializers.CharField(
        source="vendor.name", read_only=True, allow_null=True, help_text="The vendor's name."
    )
    vendor_id = serializers.IntegerField(read_only=True, allow_null=True)

    class Meta:
        model = Component
        fields = [
            "id",
            "system",
            "name",
            "component_type",
            "vendor",
            "vendor_id",
            "product",
            "version",
            "quantity",
            "cpe",
            "internet_reachable",
            "notes",
        ]
        read_only_fields = fields


class InterconnectionSerializer(serializers.ModelSerializer):
    direction = NamedChoiceField(Interconnection.Direction, read_only=True)
    agreement = NamedChoiceField(Interconnection.Agreement, read_only=True)
    status = NamedChoiceField(Interconnection.Status, read_only=True)
    other_side = serializers.CharField(
        read_only=True, help_text="The remote system's name, or the external party."
    )

    class Meta:
        model = Interconnection
        fields = [
            "id",
            "system",
            "remote_system",
            "external_party",
            "other_side",
            "direction",
            "information",
            "agreement",
            "agreement_reference",
            "status",
        ]
        read_only_fields = fields


class SystemInformationTypeSerializer(serializers.ModelSerializer):
    catalog_type = serializers.CharField(
        source="catalog_type_id", read_only=True, allow_null=True, help_text='e.g. "C.2.8.12".'
    )
    organization_type = serializers.IntegerField(
        source="organization_type_id", read_only=True, allow_null=True
    )
    identifier = serializers.SerializerMethodField()
    title = serializers.CharField(source="information_type.title", read_only=True)
    confidentiality = NamedChoiceField(
        ProvisionalImpact, source="information_type.confidentiality", read_only=True
    )
    integrity = NamedChoiceField(
        ProvisionalImpact, source="information_type.integrity", read_only=True
    )
    availability = NamedChoiceField(
        ProvisionalImpact, source="information_type.availability", read_only=True
    )

    class Meta:
        model = SystemInformationType
        fields = [
            "id",
            "system",
            "catalog_type",
            "organization_type",
            "identifier",
            "title",
            "confidentiality",
            "integrity",
            "availability",
            "note",
        ]
        read_only_fields = fields

    def get_identifier(self, link: SystemInformationType) -> str:
        if link.catalog_type_id:
            return link.catalog_type_id
        return link.organization_type.identifier


class OrganizationInformationTypeSerializer(serializers.ModelSerializer):
    confidentiality = NamedChoiceField(ProvisionalImpact, read_only=True)
    integrity = NamedChoiceField(ProvisionalImpact, read_only=True)
    availability = NamedChoiceField(ProvisionalImpact, read_only=True)

    class Meta:
        model = OrganizationInformationType
        fields = [
            "id",
            "organization",
            "identifier",
            "title",
            "description",
            "confidentiality",
            "integrity",
            "availability",
        ]
        read_only_fields = fields


class VendorSerializer(serializers.ModelSerializer):
    component_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = Vendor
        fields = ["id", "name", "website", "notes", "component_count"]
        read_only_fields = fields


def _person() -> serializers.SlugRelatedField:
    return serializers.SlugRelatedField(
        slug_field="username", read_only=True, allow_null=True, help_text="Username."
    )


class SystemSerializer(serializers.ModelSerializer):
    organization_name = serializers.CharField(source="organization.name", read_only=True)
    kind = NamedChoiceField(System.Kind, read_only=True)
    system_type = NamedChoiceField(System.SystemType, read_only=True)
    status = NamedChoiceField(System.Status, read_only=True)
    system_owner = _person()
    isso = _person()
    authorizing_official = _person()
    hosting = NamedChoiceField(System.Hosting, read_only=True)
    channels = serializers.ListField(child=NamedChoiceField(System.Channel), read_only=True)

    class Meta:
        model = System
        fields = [
            "id",
            "organization",
            "organization_name",
            *SYSTEM_FIELDS,
            "version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class SystemListItemSerializer(SystemSerializer):
    component_count = serializers.IntegerField(read_only=True)

    class Meta(SystemSerializer.Meta):
        fields = [*SystemSerializer.Meta.fields, "component_count"]
        read_only_fields = fields


class SystemDetailSerializer(SystemSerializer):
    components = ComponentSerializer(many=True, read_only=True)
    interconnections = InterconnectionSerializer(many=True, read_only=True)
    information_types = SystemInformationTypeSerializer(many=True, read_only=True)

    class Meta(SystemSerializer.Meta):
        fields = [
            *SystemSerializer.Meta.fields,
            "components",
            "interconnections",
            "information_types",
        ]
        read_only_fields = fields


class SystemConflictSerializer(serializers.Serializer):
    """409: someone saved the system since `version`; nothing of this request was saved."""

    detail = serializers.CharField()
    current = serializers.DictField(help_text="The saved values, people and dates as text.")
    current_version = serializers.IntegerField(
        help_text="Send it as `version` to replace the saved values with yours."
    )


# ----------------------------------------------------------------------------- input


class SystemFieldsInput(serializers.Serializer):
    """The system's fields as a client sends them; the services apply the rules between them."""

    name = serializers.CharField(max_length=200)
    acronym = serializers.CharField(max_length=32)
    description = serializers.CharField(required=False, allow_blank=True)
    kind = NamedChoiceField(System.Kind)
    system_type = NamedChoiceField(System.SystemType)
    status = NamedChoiceField(System.Status, required=False)
    system_owner = UsernameField(required=False, allow_blank=True, allow_null=True)
    isso = UsernameField(required=False, allow_blank=True, allow_null=True)
    authorizing_official = UsernameField(required=False, allow_blank=True, allow_null=True)
    hosting = NamedChoiceField(System.Hosting, required=False)
    hosting_provider = serializers.CharField(max_length=200, required=False, allow_blank=True)
    public_facing = serializers.BooleanField(required=False)
    channels = serializers.ListField(child=NamedChoiceField(System.Channel), required=False)
    processes_pii = serializers.BooleanField(required=False)
    user_count = serializers.IntegerField(min_value=0, required=False, allow_null=True)
    location = serializers.CharField(max_length=200, required=False, allow_blank=True)
    boundary_description = serializers.CharField(required=False, allow_blank=True)
    laws_regulations = serializers.CharField(
        required=False,
        allow_blank=True,
        help_text="The laws, regulations and policies the system must follow, one per line.",
    )
    operational_since = serializers.DateField(required=False, allow_null=True)
    next_review = serializers.DateField(required=False, allow_null=True)
    retirement_date = serializers.DateField(required=False, allow_null=True)


class ComponentFieldsInput(serializers.Serializer):
    name = serializers.CharField(max_length=200)
    component_type = NamedChoiceField(Component.ComponentType)
    vendor = serializers.CharField(
        max_length=200,
        required=False,
        allow_blank=True,
        allow_null=True,
        help_text="The vendor's name, added to the vendor list on first mention; blank for none.",
    )
    product = serializers.CharField(max_length=200, required=False, allow_blank=True)
    version = serializers.CharField(max_length=64, required=False, allow_blank=True)
    quantity = serializers.IntegerField(min_value=1, required=False)
    cpe = serializers.CharField(max_length=255, required=False, allow_blank=True)
    internet_reachable = serializers.BooleanField(required=False)
    notes = serializers.CharField(required=False, allow_blank=True)


class InterconnectionFieldsInput(serializers.Serializer):
    remote_system = VisibleSystemField(
        required=False,
        allow_null=True,
        help_text="The other system, by id, if it is in the inventory (else `external_party`).",
    )
    external_party = serializers.CharField(max_length=200, required=False, allow_blank=True)
    direction = NamedChoiceField(Interconnection.Direction)
    information = serializers.CharField(max_length=300)
    agreement = NamedChoiceField(Interconnection.Agreement, required=False)
    agreement_reference = serializers.CharField(max_length=200, required=False, allow_blank=True)
    status = NamedChoiceField(Interconnection.Status, required=False)
