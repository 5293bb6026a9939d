"""Forms of the inventory pages, written for planners who are not security specialists: every
field says in plain words what to enter. The services still validate everything."""

from collections.abc import Iterable

from django import forms

from assets.audit import snapshot
from assets.catalog_selectors import information_type_list
from assets.models import (
    Component,
    Interconnection,
    Membership,
    Organization,
    ProvisionalImpact,
    Role,
    System,
)
from assets.roles import CASCADING_ROLES
from assets.selectors import SystemFilters
from assets.services.inventory import SYSTEM_FIELDS, user_by_username

ANY = [("", "Any")]
YES_NO_ANY = [("", "Any"), ("yes", "Yes"), ("no", "No")]
DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
NOBODY = ("", "— nobody named yet —")


class SystemFilterForm(forms.Form):
    q = forms.CharField(
        required=False,
        max_length=200,
        label="Words",
        widget=forms.TextInput(attrs={"type": "search"}),
        help_text="Searches the name, acronym, description and location.",
    )
    organization = forms.TypedChoiceField(coerce=int, required=False, empty_value=None)
    kind = forms.ChoiceField(required=False, choices=ANY + System.Kind.choices)
    status = forms.ChoiceField(required=False, choices=ANY + System.Status.choices)
    system_type = forms.ChoiceField(
        required=False, label="System type", choices=ANY + System.SystemType.choices
    )
    public_facing = forms.ChoiceField(required=False, label="Public-facing", choices=YES_NO_ANY)
    processes_pii = forms.ChoiceField(
        required=False, label="Personal information", choices=YES_NO_ANY
    )
    vendor = forms.TypedChoiceField(coerce=int, required=False, empty_value=None)

    def __init__(self, *args, organizations, vendors, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].choices = ANY + [
            (org.pk, f"{'· ' * org.depth}{org.name}") for org in organizations
        ]
        self.fields["vendor"].choices = ANY + [(vendor.pk, vendor.name) for vendor in vendors]

    def filters(self) -> SystemFilters:
        """The filters as typed; a value that is not valid is ignored rather than refused."""
        self.is_valid()
        data = self.cleaned_data
        yes_no = {"yes": True, "no": False}
        return SystemFilters(
            q=data.get("q") or "",
            organization=data.get("organization"),
            kind=data.get("kind") or "",
            status=data.get("status") or "",
            system_type=data.get("system_type") or "",
            public_facing=yes_no.get(data.get("public_facing") or ""),
            processes_pii=yes_no.get(data.get("processes_pii") or ""),
            vendor=data.get("vendor"),
        )


def _person_label(user) -> str:
    name = user.get_full_name()
    return f"{name} ({user.get_username()})" if name else user.get_username()


class SystemForm(forms.Form):
    name = forms.CharField(
        max_length=200,
        help_text="The name people use for it, e.g. “Traffic Signal Control” or “Permit Portal”.",
    )
    acronym = forms.CharField(
        max_length=32,
        help_text="A short name, unique in the organization, e.g. “TSC”. Used in reports.",
    )
    description = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="What the system is for and who relies on it, in a few plain sentences.",
    )
    kind = forms.ChoiceField(
        choices=System.Kind.choices,
        initial=System.Kind.IT,
        help_text="IT: computers and software for office work or services. OT: equipment that "
        "controls physical things (traffic signals, pumps, building controls). IoT: many small "
        "connected devices (sensors, cameras, smart meters).",
    )
    system_type = forms.ChoiceField(
        label="System type",
        choices=System.SystemType.choices,
        initial=System.SystemType.MAJOR_APPLICATION,
        help_text="A major application serves one business purpose (e.g. permitting); a general "
        "support system serves many (e.g. the network or email). Pick the closest.",
    )
    status = forms.ChoiceField(
        choices=System.Status.choices,
        initial=System.Status.OPERATIONAL,
        help_text="Where the system is in its life. “Disposed” needs a retirement date.",
    )
    system_owner = forms.ChoiceField(
        label="System owner",
        required=False,
        help_text="The person who answers for the system and its budget (usually a manager of "
        "the office that uses it). Only people with a role in this organization are listed.",
    )
    isso = forms.ChoiceField(
        label="Information system security officer (ISSO)",
        required=False,
        help_text="The person who looks after the system's security day to day.",
    )
    authorizing_official = forms.ChoiceField(
        label="Authorizing official",
        required=False,
        help_text="The senior official who accepts the risk of running the system. Only people "
        "holding the authorizing official role here or above are listed.",
    )
    hosting = forms.ChoiceField(
        label="Where it runs",
        choices=System.Hosting.choices,
        initial=System.Hosting.ON_PREMISES,
        help_text="On premises: in your own buildings or data center. Cloud: on a provider's "
        "servers that you manage. SaaS: a service you only sign in to.",
    )
    hosting_provider = forms.CharField(
        max_length=200,
        required=False,
        label="Cloud or SaaS provider",
        help_text="Needed for cloud and SaaS, e.g. “Microsoft Azure” or the service's company.",
    )
    location = forms.CharField(
        max_length=200,
        required=False,
        help_text="Where the equipment is, e.g. “City Hall server room” or “42 intersections”.",
    )
    boundary_description = forms.CharField(
        required=False,
        label="What is inside the system",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Which servers, devices, networks and software belong to this system (its "
        "authorization boundary), and what is left out.",
    )
    laws_regulations = forms.CharField(
        required=False,
        label="Laws, regulations and policies",
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="One per line: the laws, regulations and policies this system must follow, "
        "beyond the federal ones its information types bring, e.g. “State data breach "
        "notification law”, “City IT security policy 4.2”, “PCI DSS for card payments”. Ask "
        "your legal or records office if unsure. They are listed in the security plan.",
    )
    public_facing = forms.BooleanField(
        required=False,
        label="The public uses it directly",
        help_text="Tick if residents or businesses reach it themselves (a web site, app, kiosk).",
    )
    channels = forms.MultipleChoiceField(
        required=False,
        label="How the public reaches it",
        choices=System.Channel.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text="Only for systems the public uses directly; pick every way they reach it.",
    )
    processes_pii = forms.BooleanField(
        required=False,
        label="It handles personal information",
        help_text="Tick if it stores or processes information about identifiable people (names "
        "with addresses, license numbers, health or payment data). It brings privacy controls.",
    )
    user_count = forms.IntegerField(
        required=False,
        min_value=0,
        label="Number of users",
        help_text="About how many people use it (staff and public). A rough figure is fine.",
    )
    operational_since = forms.DateField(
        required=False,
        label="In use since",
        widget=DATE_WIDGET,
        help_text="When it went live, if known.",
    )
    next_review = forms.DateField(
        required=False,
        label="Next review",
        widget=DATE_WIDGET,
        help_text="When the system's security should next be looked at (e.g. in a year).",
    )
    retirement_date = forms.DateField(
        required=False,
        label="Retirement date",
        widget=DATE_WIDGET,
        help_text="When it was or will be switched off. Leave empty if not planned.",
    )

    FIELDSETS = (
        ("What the system is", ("name", "acronym", "description", "kind", "system_type", "status")),
        ("Who answers for it", ("system_owner", "isso", "authorizing_official")),
        ("Where it runs", ("hosting", "hosting_provider", "location", "boundary_description")),
        ("Who uses it", ("public_facing", "channels", "processes_pii", "user_count")),
        ("Laws, regulations and policies", ("laws_regulations",)),
        ("Dates", ("operational_since", "next_review", "retirement_date")),
    )
    PEOPLE_FIELDS = ("system_owner", "isso", "authorizing_official")

    def __init__(
        self,
        *args,
        organization: Organization,
        people: Iterable[Membership],
        current: System | None = None,
        **kwargs,
    ):
        """`people`: the roles held in the organization and above it (`organization_people`)."""
        super().__init__(*args, **kwargs)
        anyone, officials = {}, {}
        for membership in people:
            # Only roles that reach down the tree give a role in this organization from above.
            here = membership.organization_id == organization.pk
            if here or membership.role in CASCADING_ROLES:
                anyone.setdefault(membership.user_id, membership.user)
            if membership.role == Role.AUTHORIZING_OFFICIAL:
                officials.setdefault(membership.user_id, membership.user)
        self._people = {}
        for field, users in (
            ("system_owner", anyone),
            ("isso", anyone),
            ("authorizing_official", officials),
        ):
            users = dict(users)
            chosen = getattr(current, field, None) if current is not None else None
            if chosen is not None:
                # Keep someone who lost their role selectable, so the service can say so.
                users.setdefault(chosen.pk, chosen)
            self._people.update(users)
            self.fields[field].choices = [NOBODY] + [
                (str(pk), _person_label(user)) for pk, user in users.items()
            ]

    def _clean_person(self, field):
        value = self.cleaned_data.get(field)
        return self._people[int(value)] if value else None

    def clean_system_owner(self):
        return self._clean_person("system_owner")

    def clean_isso(self):
        return self._clean_person("isso")

    def clean_authorizing_official(self):
        return self._clean_person("authorizing_official")

    def fieldsets(self):
        return [(legend, [self[name] for name in names]) for legend, names in self.FIELDSETS]

    def system_fields(self) -> dict:
        return {name: self.cleaned_data[name] for name in SYSTEM_FIELDS}

    @staticmethod
    def initial_for(system: System) -> dict:
        initial = {name: getattr(system, name) for name in SYSTEM_FIELDS}
        for field in SystemForm.PEOPLE_FIELDS:
            initial[field] = getattr(system, f"{field}_id") or ""
        initial["version"] = system.version
        return initial


class SystemUpdateForm(SystemForm):
    version = forms.IntegerField(widget=forms.HiddenInput)

    def conflict_rows(self, theirs: dict) -> list[tuple[str, str, str]]:
        """(field label, their saved value, your value) for each field the two differ on."""
        yours = snapshot(System(**self.system_fields()), SYSTEM_FIELDS)
        return [
            (self[name].label, self._show(name, theirs.get(name)), self._show(name, mine))
            for name, mine in yours.items()
            if theirs.get(name) != mine
        ]

    def _show(self, name: str, value) -> str:
        if value in (None, "", []):
            return "—"
        if isinstance(value, bool):
            return "Yes" if value else "No"
        labels = dict(getattr(self.fields[name], "choices", ()))
        if name in self.PEOPLE_FIELDS:
            return str(value)
        if isinstance(value, list):
            return ", ".join(str(labels.get(item, item)) for item in value)
        return str(labels.get(value, value))


class ComponentForm(forms.Form):
    name = forms.CharField(
        max_length=200,
        help_text="What you call this part, e.g. “Signal controllers” or “Database server”.",
    )
    component_type = forms.ChoiceField(
        label="Type",
        choices=Component.ComponentType.choices,
        help_text="Hardware, software, firmware, a network device, or a class of IoT or OT "
        "devices (list identical devices once, with their quantity).",
    )
    vendor = forms.CharField(
        max_length=200,
        required=False,
        widget=forms.TextInput(attrs={"list": "vendor-names", "autocomplete": "off"}),
        help_text="The company that makes or supplies it. Pick an existing name when it appears, "
        "so all systems using this vendor are found together.",
    )
    product = forms.CharField(
        max_length=200, required=False, help_text="The product name, e.g. “ATC Controller”."
    )
    version = forms.CharField(
        max_length=64,
        required=False,
        help_text="The software or firmware version, e.g. “4.2.1”. Used to match security "
        "advisories.",
    )
    quantity = forms.IntegerField(
        min_value=1, initial=1, help_text="How many identical units (1 for a single server)."
    )
    cpe = forms.CharField(
        max_length=255,
        required=False,
        label="CPE name (optional)",
        help_text="The standard product identifier from the NVD, if you know it, e.g. "
        "“cpe:2.3:a:vendor:product:4.2.1:*:*:*:*:*:*:*”. Leave empty otherwise.",
    )
    internet_reachable = forms.BooleanField(
        required=False,
        label="Reachable from the internet",
        help_text="Tick if anyone on the internet could connect to it (even behind a password).",
    )
    notes = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Anything else worth knowing (support contract, end of vendor support…).",
    )

    def clean_cpe(self):
        cpe = self.cleaned_data["cpe"].strip()
        if cpe and not cpe.startswith(("cpe:2.3:", "cpe:/")):
            raise forms.ValidationError(
                "A CPE name starts with “cpe:2.3:”. Leave the field empty if you do not have one."
            )
        return cpe

    @staticmethod
    def initial_for(component) -> dict:
        initial = {name: getattr(component, name) for name in ComponentForm.base_fields}
        initial["vendor"] = component.vendor.name if component.vendor_id else ""
        return initial


class InterconnectionForm(forms.Form):
    remote_system = forms.ChoiceField(
        label="Other system in the inventory",
        required=False,
        help_text="Pick the other system if it is in the inventory…",
    )
    external_party = forms.CharField(
        max_length=200,
        required=False,
        label="…or the outside party",
        help_text="…otherwise name who is on the other side, e.g. “State DMV” or “Bank (card "
        "payments)”. Fill in one of the two.",
    )
    direction = forms.ChoiceField(
        choices=[("", "—"), *Interconnection.Direction.choices],
        help_text="Which way the information flows.",
    )
    information = forms.CharField(
        max_length=300,
        label="Information exchanged",
        help_text="What crosses the connection, e.g. “signal timing plans” or “payment records”.",
    )
    agreement = forms.ChoiceField(
        initial=Interconnection.Agreement.NONE,
        choices=Interconnection.Agreement.choices,
        help_text="The written agreement covering the connection, if there is one.",
    )
    agreement_reference = forms.CharField(
        max_length=200,
        required=False,
        help_text="Its number or title, so an assessor can find it.",
    )
    status = forms.ChoiceField(
        initial=Interconnection.Status.ACTIVE,
        choices=Interconnection.Status.choices,
    )

    def __init__(self, *args, systems, current_remote=None, **kwargs):
        """`systems`: those the user can see, other than the system being described."""
        super().__init__(*args, **kwargs)
        self._systems = {system.pk: system for system in systems}
        if current_remote is not None:
            self._systems.setdefault(current_remote.pk, current_remote)
        self.fields["remote_system"].choices = [("", "— not in the inventory —")] + [
            (str(pk), str(system)) for pk, system in self._systems.items()
        ]

    def clean_remote_system(self):
        value = self.cleaned_data["remote_system"]
        return self._systems[int(value)] if value else None

    @staticmethod
    def initial_for(interconnection) -> dict:
        initial = {name: getattr(interconnection, name) for name in InterconnectionForm.base_fields}
        initial["remote_system"] = interconnection.remote_system_id or ""
        return initial


class InformationTypeAddForm(forms.Form):
    """One radio group for both sources: "catalog:<SP 800-60 id>" or "org:<pk>"."""

    information_type = forms.CharField(
        label="Information type",
        error_messages={"required": "Pick an information type from the list."},
    )
    note = forms.CharField(
        label="Why this system handles it",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="A sentence in your own words, e.g. “Stores the timing plans of all signals”. "
        "It explains the choice to the authorizing official and the assessor.",
    )

    def __init__(self, *args, organization_types, **kwargs):
        super().__init__(*args, **kwargs)
        self._organization_types = {str(t.pk): t for t in organization_types}

    def clean_information_type(self):
        source, _, key = self.cleaned_data["information_type"].partition(":")
        if source == "catalog":
            catalog_type = information_type_list().filter(pk=key).first()
            if catalog_type is not None:
                return {"catalog_type": catalog_type}
        elif source == "org" and key in self._organization_types:
            return {"organization_type": self._organization_types[key]}
        raise forms.ValidationError("Pick an information type from the list.")


class OrganizationInformationTypeForm(forms.Form):
    IMPACT_HELP = (
        "Low: losing it would have a limited adverse effect; moderate: a serious one; high: a "
        "severe or catastrophic one (FIPS 199)."
    )
    identifier = forms.CharField(
        max_length=32,
        help_text="A short code of your own, unique in the organization, e.g. “ORG.1”.",
    )
    title = forms.CharField(max_length=300, help_text="e.g. “Traffic signal timing plans”.")
    description = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="What this information is, and why no SP 800-60 type fits it.",
    )
    confidentiality = forms.ChoiceField(
        choices=ProvisionalImpact.choices,
        initial=ProvisionalImpact.LOW,
        help_text=f"If it were disclosed to the wrong people. {IMPACT_HELP}",
    )
    integrity = forms.ChoiceField(
        choices=ProvisionalImpact.choices,
        initial=ProvisionalImpact.LOW,
        help_text="If it were changed or destroyed without permission.",
    )
    availability = forms.ChoiceField(
        choices=ProvisionalImpact.choices,
        initial=ProvisionalImpact.LOW,
        help_text="If people could not get to it when they need it.",
    )


class AssessorGrantForm(forms.Form):
    username = forms.CharField(
        max_length=150,
        help_text="The sign-in name of the assessor. They will see this system and nothing else "
        "of the organization.",
    )

    def clean_username(self):
        username = self.cleaned_data["username"].strip()
        user = user_by_username(username)
        if user is None:
            raise forms.ValidationError(f"No account is named “{username}”.")
        self.cleaned_data["user"] = user
        return username
