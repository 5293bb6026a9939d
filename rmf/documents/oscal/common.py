"""What the three OSCAL documents share: the OSCAL version they declare, stable UUIDs, the
metadata block (roles, parties, responsible parties) and the serialization.

UUIDs are uuid5 over one project namespace and the identity of what they name ("system", 12;
"implemented-requirement", 12, "ac-2"): the same object keeps its UUID in every export, so a
tool that loaded an earlier export recognizes it. The document's own UUID is the uuid5 of its
content, so it changes exactly when the content does.
"""

import hashlib
import json
import uuid
from datetime import UTC, date, datetime, time
from typing import Any

from rmf.models import Authorization

OSCAL_VERSION = "1.2.1"  # compliance-trestle 5 reads 1.2.x; the NIST 1.1.3 schema fits as well
NAMESPACE = uuid.UUID("6f1c0a52-63a8-4c0e-9d54-1b2f3e7a9c41")
# Our own properties (designation, tailoring, ...) live in our namespace, as OSCAL asks.
PROJECT_NS = "https://rmf-workbench.org/ns/oscal"
SP800_60 = "https://doi.org/10.6028/NIST.SP.800-60v2r1"
CATALOG_HREF = (
    "https://raw.githubusercontent.com/usnistgov/oscal-content/main/nist.gov/SP800-53/rev5/json/"
    "NIST_SP-800-53_rev5_catalog.json"
)
PROFILE_HREF = (
    "https://raw.githubusercontent.com/usnistgov/oscal-content/main/nist.gov/SP800-53/rev5/json/"
    "NIST_SP-800-53_rev5_{baseline}-baseline_profile.json"
)
JSON_TYPE = "application/json"

# Our implementation statuses and OSCAL's implementation-status states, both ways.
STATUS_TO_OSCAL = {
    "implemented": "implemented",
    "partial": "partial",
    "planned": "planned",
    "alternative": "alternative",
    "not_applicable": "not-applicable",
}
OSCAL_TO_STATUS = {value: key for key, value in STATUS_TO_OSCAL.items()}
SYSTEM_STATE = {
    "planned": "under-development",
    "under_development": "under-development",
    "operational": "operational",
    "major_modification": "under-major-modification",
    "disposed": "disposition",
}


def stable_uuid(*identity: Any) -> str:
    return str(uuid.uuid5(NAMESPACE, "/".join(str(part) for part in identity)))


def prop(name: str, value: Any, *, ns: str | None = PROJECT_NS, **extra: str) -> dict[str, Any]:
    item: dict[str, Any] = {"name": name, "value": str(value)}
    if ns:
        item["ns"] = ns
    item.update(extra)
    return item


def timestamp(value: datetime | date | None) -> str:
    """OSCAL's date-time with a time zone (UTC), to the second."""
    if value is None:
        value = datetime(1970, 1, 1, tzinfo=UTC)
    if not isinstance(value, datetime):
        value = datetime.combine(value, time(), tzinfo=UTC)
    return value.astimezone(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def latest(*values: datetime | date | None) -> datetime | date | None:
    """The most recent of some change times (dates count as their midnight)."""
    known = [
        value if isinstance(value, datetime) else datetime.combine(value, time(), tzinfo=UTC)
        for value in values
        if value is not None
    ]
    return max(known, default=None)


def compact(value: Any) -> Any:
    """OSCAL forbids empty arrays, objects and strings: drop them (recursively)."""
    if isinstance(value, dict):
        cleaned = {key: compact(item) for key, item in value.items()}
        return {key: item for key, item in cleaned.items() if item not in ([], {}, "", None)}
    if isinstance(value, list):
        cleaned = [compact(item) for item in value]
        return [item for item in cleaned if item not in ([], {}, "", None)]
    return value


def person_name(user) -> str:
    return (user.get_full_name() or user.get_username()).strip()


class Parties:
    """The metadata's roles, parties and responsible parties, gathered while a document is
    built: `assign("system-owner", user)` adds the person once and returns its party UUID."""

    ROLE_TITLES = {
        "system-owner": "System owner",
        "information-system-security-officer": "Information system security officer",
        "authorizing-official": "Authorizing official",
        "assessor": "Assessor",
        "prepared-for": "Prepared for",
    }

    def __init__(self, organization):
        self.organization = organization
        self._parties: dict[str, dict[str, Any]] = {}
        self._responsible: dict[str, list[str]] = {}
        self.organization_uuid = self._add(
            stable_uuid("party", "organization", organization.pk),
            {"type": "organization", "name": organization.name},
        )
        self.assign_party("prepared-for", self.organization_uuid)

    def _add(self, party_uuid: str, party: dict[str, Any]) -> str:
        self._parties.setdefault(party_uuid, {"uuid": party_uuid, **party})
        return party_uuid

    def person(self, user) -> str:
        party: dict[str, Any] = {
            "type": "person",
            "name": person_name(user),
            "member-of-organizations": [self.organization_uuid],
        }
        if user.email:
            party["email-addresses"] = [user.email]
        return self._add(stable_uuid("party", "user", user.pk), party)

    def assign_party(self, role_id: str, party_uuid: str) -> None:
        uuids = self._responsible.setdefault(role_id, [])
        if party_uuid not in uuids:
            uuids.append(party_uuid)

    def assign(self, role_id: str, user) -> str | None:
        if user is None:
            return None
        party_uuid = self.person(user)
        self.assign_party(role_id, party_uuid)
        return party_uuid

    def metadata(self, *, title: str, last_modified: str, version: str, **extra) -> dict:
        return {
            "title": title,
            "last-modified": last_modified,
            "version": version,
            "oscal-version": OSCAL_VERSION,
            **extra,
            "roles": [
                {"id": role_id, "title": self.ROLE_TITLES[role_id]} for role_id in self._responsible
            ],
            "parties": list(self._parties.values()),
            "responsible-parties": [
                {"role-id": role_id, "party-uuids": uuids}
                for role_id, uuids in self._responsible.items()
            ],
        }


def finish(root: str, kind: str, authorization: Authorization, body: dict[str, Any]) -> dict:
    """The document with its UUID and version derived from its content (without either)."""
    body = compact(body)
    digest = hashlib.sha256(
        json.dumps(body, sort_keys=True, separators=(",", ":")).encode()
    ).hexdigest()
    body["metadata"]["version"] = f"cycle-{authorization.cycle}-{digest[:12]}"
    return {root: {"uuid": stable_uuid(kind, authorization.pk, digest), **body}}


def dumps(document: dict[str, Any]) -> bytes:
    return json.dumps(document, indent=2, ensure_ascii=False).encode()


def filename(authorization: Authorization, kind: str) -> str:
    acronym = "".join(c if c.isalnum() or c in "-_" else "-" for c in authorization.system.acronym)
    return f"{acronym}-cycle{authorization.cycle}-{kind}.oscal.json"
