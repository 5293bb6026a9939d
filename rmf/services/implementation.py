"""Step 3, Implement: the status and responsible roles of each selected control, a narrative
for each part of its statement, and evidence (files and links) attached to controls.

Writes are taken while the cycle is open and in Implement or a later step. Narratives are
compared by version: a narrative saved by someone else meanwhile raises `NarrativeConflict`
with both texts, and nothing is overwritten. Every change is audited in the same transaction,
narratives with their text before and after.
"""

import hashlib
import json
import secrets
import zipfile
from collections.abc import Iterable
from pathlib import Path
from typing import IO, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.db.models import F

from assets.audit import audit_record, audit_records_bulk
from assets.models import Organization
from rmf.models import (
    STEP_ORDER,
    AssessorAssignment,
    Authorization,
    ControlImplementation,
    ControlPart,
    Designation,
    Evidence,
    ImplementationNarrative,
    ImplementationStatus,
    SelectedControl,
    Step,
)
from rmf.services.workflow import ensure_open, lock_authorization

ACTIVE = (SelectedControl.Tailoring.BASELINE, SelectedControl.Tailoring.ADDED)
STATEMENT_PART_NAMES = (ControlPart.Name.STATEMENT, ControlPart.Name.ITEM)


class ImplementationConflict(Exception):
    """Someone saved the control's implementation after this user opened it."""

    def __init__(self, current: dict[str, Any], current_version: int):
        self.current = current
        self.current_version = current_version
        super().__init__(
            "Someone else saved this control's implementation after you opened it. Your changes "
            "were not saved; review their version and apply yours again."
        )


class NarrativeConflict(Exception):
    """Someone saved the narrative after this user opened it: theirs is kept, and both texts
    are handed back so that the user can merge them."""

    def __init__(self, *, narrative: ImplementationNarrative, your_text: str):
        self.current_text = narrative.text
        self.current_version = narrative.version
        self.current_author = narrative.updated_by
        self.current_updated_at = narrative.updated_at
        self.your_text = your_text
        author = narrative.updated_by.get_username() if narrative.updated_by else "someone else"
        super().__init__(
            f"{author} saved this narrative (version {narrative.version}) after you opened it. "
            "Your text was not saved: compare both versions below and save again."
        )


def _signed_in(actor):
    return actor if actor is not None and actor.is_authenticated else None


def _editable(authorization: Authorization) -> Authorization:
    authorization = lock_authorization(authorization)
    ensure_open(authorization)
    if STEP_ORDER.index(authorization.step) < STEP_ORDER.index(Step.IMPLEMENT):
        raise ValidationError(
            "Implementation details are recorded from the Implement step on, once the security "
            "plan is approved (S-6)."
        )
    return authorization


def _not_an_assessor(actor, authorization: Authorization) -> None:
    """Separation of duties: whoever assesses the cycle does not write what they assess."""
    if (
        actor is not None
        and actor.is_authenticated
        and AssessorAssignment.objects.filter(authorization=authorization, assessor=actor).exists()
    ):
        raise ValidationError(
            "Separation of duties: you are an assessor of this cycle, so you do not write its "
            "implementation. The system team documents it; you assess it."
        )


def _editable_control(selected_control: SelectedControl) -> SelectedControl:
    authorization = _editable(selected_control.authorization)
    selected_control = SelectedControl.objects.select_related("control").get(pk=selected_control.pk)
    selected_control.authorization = authorization
    if selected_control.tailoring not in ACTIVE:
        raise ValidationError(
            f"{selected_control.control.label} was removed by tailoring: it is not implemented."
        )
    return selected_control


def _implementation_for_update(selected_control: SelectedControl) -> ControlImplementation:
    ControlImplementation.objects.get_or_create(selected_control=selected_control)
    return (
        ControlImplementation.objects.select_for_update(of=("self",))
        .select_related("updated_by")
        .get(selected_control=selected_control)
    )


def _implementation_values(implementation: ControlImplementation) -> dict[str, Any]:
    return {
        "status": implementation.status,
        "responsible_roles": implementation.responsible_roles,
    }


# --- status and responsible roles -----------------------------------------------------------


@transaction.atomic
def implementation_update(
    *,
    actor,
    selected_control: SelectedControl,
    status: str | None = None,
    responsible_roles: str | None = None,
    expected_version: int | None = None,
) -> ControlImplementation:
    """Set a control's implementation status and/or responsible roles. With `expected_version`
    (the version the user opened), a save by someone else meanwhile raises
    `ImplementationConflict` carrying the current values."""
    selected_control = _editable_control(selected_control)
    _not_an_assessor(actor, selected_control.authorization)
    implementation = _implementation_for_update(selected_control)
    if expected_version is not None and expected_version != implementation.version:
        raise ImplementationConflict(_implementation_values(implementation), implementation.version)
    before = _implementation_values(implementation)
    if status is not None:
        if status and status not in ImplementationStatus.values:
            raise ValidationError({"status": "Choose one of the implementation statuses."})
        implementation.status = status
    if responsible_roles is not None:
        implementation.responsible_roles = responsible_roles.strip()[:300]
    after = _implementation_values(implementation)
    if after == before:
        return implementation
    implementation.version += 1
    implementation.updated_by = _signed_in(actor)
    implementation.save()
    audit_record(
        actor=actor,
        action="implementation_update",
        obj=implementation,
        organization=selected_control.authorization.system.organization,
        before=before,
        after=after,
    )
    return implementation


@transaction.atomic
def implementation_status_bulk_set(
    *, actor, authorization: Authorization, selected_ids: Iterable[int], status: str
) -> int:
    """Give many active controls of the cycle the same status; returns how many changed."""
    if status not in ImplementationStatus.values:
        raise ValidationError({"status": "Choose one of the implementation statuses."})
    authorization = _editable(authorization)
    _not_an_assessor(actor, authorization)
    controls = list(
        SelectedControl.objects.filter(
            authorization=authorization, pk__in=list(selected_ids), tailoring__in=ACTIVE
        )
    )
    if not controls:
        return 0
    existing = {
        implementation.selected_control_id: implementation
        for implementation in ControlImplementation.objects.select_for_update(of=("self",))
        .filter(selected_control__in=controls)
        .select_related("selected_control")
    }
    missing = [control for control in controls if control.pk not in existing]
    ControlImplementation.objects.bulk_create(
        [ControlImplementation(selected_control=control) for control in missing]
    )
    implementations = list(
        ControlImplementation.objects.filter(selected_control__in=controls)
        .exclude(status=status)
        .select_related("selected_control")
    )
    if not implementations:
        return 0
    ControlImplementation.objects.filter(pk__in=[i.pk for i in implementations]).update(
        status=status, version=F("version") + 1, updated_by=_signed_in(actor)
    )
    organization = authorization.system.organization
    audit_records_bulk(
        actor=actor,
        action="implementation_update",
        records=[
            (implementation, organization, {"status": implementation.status}, {"status": status})
            for implementation in implementations
        ],
    )
    return len(implementations)


# --- narratives -----------------------------------------------------------------------------


@transaction.atomic
def narrative_save(
    *,
    actor,
    selected_control: SelectedControl,
    part_id: str,
    text: str,
    expected_version: int | None = None,
) -> ImplementationNarrative:
    """Save the system's narrative for one part of the control's statement.

    `expected_version` is the version of the narrative the user opened: None (or 0) when there
    was none yet. If the narrative was saved meanwhile (a different version, or one now exists)
    `NarrativeConflict` is raised with the other person's text and the user's, and nothing is
    written. A common control's narrative is the provider's; a hybrid control adds its share."""
    selected_control = _editable_control(selected_control)
    _not_an_assessor(actor, selected_control.authorization)
    if selected_control.designation == Designation.COMMON:
        raise ValidationError(
            f"{selected_control.control.label} is a common control: its implementation is "
            "described by the providing system. Make it hybrid to add this system's share."
        )
    part = ControlPart.objects.filter(
        pk=part_id, control=selected_control.control_id, name__in=STATEMENT_PART_NAMES
    ).first()
    if part is None:
        raise ValidationError(
            {"part": f"Choose a part of the statement of {selected_control.control.label}."}
        )
    text = text.strip()
    if not text:
        raise ValidationError({"text": "Describe how the system meets this part."})
    implementation = _implementation_for_update(selected_control)
    narrative = (
        ImplementationNarrative.objects.select_for_update(of=("self",))
        .select_related("updated_by")
        .filter(implementation=implementation, part=part)
        .first()
    )
    expected = expected_version or 0
    current = narrative.version if narrative is not None else 0
    if expected != current:
        if narrative is None:
            raise ValidationError(
                "This narrative was removed after you opened it. Save your text again."
            )
        raise NarrativeConflict(narrative=narrative, your_text=text)
    before = narrative.text if narrative is not None else ""
    if narrative is not None and narrative.text == text:
        return narrative
    if narrative is None:
        narrative = ImplementationNarrative(implementation=implementation, part=part, text=text)
    else:
        narrative.text = text
        narrative.version += 1
    narrative.updated_by = _signed_in(actor)
    narrative.save()
    audit_record(
        actor=actor,
        action="narrative_save",
        obj=narrative,
        organization=selected_control.authorization.system.organization,
        before={"part": part.label or part.pk, "text": before} if before else {},
        after={"part": part.label or part.pk, "text": text},
    )
    return narrative


@transaction.atomic
def narratives_bulk_save(
    *, actor, authorization: Authorization, texts: dict[tuple[int, str], str]
) -> int:
    """Write many new narratives at once (an import, the demo): `texts` maps (selected control
    id, statement part id) to the text. All or nothing: every problem is reported, by control
    and part, and nothing is written. Parts that already have a narrative keep it (someone
    wrote it; an import does not silently replace it). Returns how many were written."""
    authorization = _editable(authorization)
    _not_an_assessor(actor, authorization)
    if not texts:
        return 0
    controls = SelectedControl.objects.select_related("control").in_bulk(
        {selected_id for selected_id, _ in texts}
    )
    parts = ControlPart.objects.in_bulk({part_id for _, part_id in texts})
    errors = []
    for (selected_id, part_id), text in texts.items():
        selected = controls.get(selected_id)
        part = parts.get(part_id)
        if selected is None or selected.authorization_id != authorization.pk:
            errors.append(f"Control #{selected_id} is not in this cycle.")
        elif selected.tailoring not in ACTIVE:
            errors.append(f"{selected.control.label} was removed by tailoring.")
        elif selected.designation == Designation.COMMON:
            errors.append(
                f"{selected.control.label} is a common control: the provider describes it."
            )
        elif (
            part is None
            or part.control_id != selected.control_id
            or part.name not in STATEMENT_PART_NAMES
        ):
            errors.append(f"{part_id} is not a part of the statement of {selected.control.label}.")
        elif not text.strip():
            errors.append(f"{selected.control.label} {part.label or part.pk}: the text is empty.")
    if errors:
        raise ValidationError(errors)
    existing = {
        implementation.selected_control_id: implementation
        for implementation in ControlImplementation.objects.filter(
            selected_control__in=controls.keys()
        )
    }
    ControlImplementation.objects.bulk_create(
        [ControlImplementation(selected_control_id=pk) for pk in controls if pk not in existing]
    )
    implementations = {
        implementation.selected_control_id: implementation
        for implementation in ControlImplementation.objects.filter(
            selected_control__in=controls.keys()
        )
    }
    written = set(
        ImplementationNarrative.objects.filter(
            implementation__in=implementations.values()
        ).values_list("implementation__selected_control", "part")
    )
    author = _signed_in(actor)
    new = [
        ImplementationNarrative(
            implementation=implementations[selected_id],
            part=parts[part_id],
            text=text.strip(),
            updated_by=author,
        )
        for (selected_id, part_id), text in texts.items()
        if (selected_id, part_id) not in written
    ]
    ImplementationNarrative.objects.bulk_create(new)
    # A part belongs to one control, and a control has one implementation per cycle: these are
    # exactly the rows just written, now with their ids for the audit trail.
    saved = ImplementationNarrative.objects.filter(
        implementation__in=implementations.values(), part__in=[n.part_id for n in new]
    ).select_related("part")
    organization = authorization.system.organization
    audit_records_bulk(
        actor=actor,
        action="narrative_save",
        records=[
            (
                narrative,
                organization,
                {},
                {"part": narrative.part.label or narrative.part_id, "text": narrative.text},
            )
            for narrative in saved
        ],
    )
    return len(new)


# --- evidence -------------------------------------------------------------------------------

# The accepted types: extension -> (content type, what the content must look like).
EVIDENCE_TYPES = {
    "pdf": "application/pdf",
    "png": "image/png",
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
    "txt": "text/plain",
    "csv": "text/csv",
    "json": "application/json",
    "xml": "application/xml",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
_ACCEPTED = "PDF, PNG, JPEG, text, CSV, JSON, XML, Word (.docx) or Excel (.xlsx)"


def evidence_dir() -> Path:
    return Path(settings.WORKBENCH_EVIDENCE_DIR)


def _is_text(path: Path) -> str | None:
    try:
        content = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError:
        return None
    return None if "\x00" in content else content


def _content_matches(extension: str, path: Path) -> bool:
    """Whether the stored bytes are what the extension says (a renamed executable is not a
    PDF). XML is only checked for its opening, never parsed (no entity expansion)."""
    with path.open("rb") as handle:
        head = handle.read(16)
    if extension == "pdf":
        return head.startswith(b"%PDF-")
    if extension == "png":
        return head.startswith(b"\x89PNG\r\n\x1a\n")
    if extension in ("jpg", "jpeg"):
        return head.startswith(b"\xff\xd8\xff")
    if extension in ("docx", "xlsx"):
        if not head.startswith(b"PK\x03\x04"):
            return False
        try:
            with zipfile.ZipFile(path) as archive:
                names = set(archive.namelist())
        except zipfile.BadZipFile:
            return False
        marker = "word/document.xml" if extension == "docx" else "xl/workbook.xml"
        return "[Content_Types].xml" in names and marker in names
    content = _is_text(path)
    if content is None:
        return False
    if extension == "json":
        try:
            json.loads(content)
        except ValueError:
            return False
        return True
    if extension == "xml":
        return content.lstrip().startswith("<")
    return True  # txt, csv: any UTF-8 text


def _audit_evidence(actor, action: str, evidence: Evidence, **kwargs) -> None:
    audit_record(
        actor=actor, action=action, obj=evidence, organization=evidence.organization, **kwargs
    )


@transaction.atomic
def evidence_upload(
    *, actor, organization: Organization, title: str, description: str = "", uploaded_file
) -> Evidence:
    """Store an uploaded file as evidence of `organization`: within the size limit, of an
    accepted type by its extension and by its content, under a random name in the evidence
    folder (outside the web root), with its SHA-256 recorded."""
    title = title.strip()
    if not title:
        raise ValidationError({"title": "Give the evidence a title."})
    file_name = Path(uploaded_file.name or "").name
    extension = file_name.rsplit(".", 1)[-1].lower() if "." in file_name else ""
    if extension not in EVIDENCE_TYPES:
        raise ValidationError({"file": f"This type of file is not accepted: use {_ACCEPTED}."})
    limit = settings.WORKBENCH_EVIDENCE_MAX_BYTES
    too_big = ValidationError(
        {"file": f"The file is larger than the limit of {limit // (1024 * 1024)} MB."}
    )
    if uploaded_file.size is not None and uploaded_file.size > limit:
        raise too_big
    folder = evidence_dir()
    folder.mkdir(parents=True, exist_ok=True)
    storage_name = secrets.token_hex(16)
    path = folder / storage_name
    digest = hashlib.sha256()
    size = 0
    try:
        with path.open("xb") as target:
            for chunk in uploaded_file.chunks():
                size += len(chunk)
                if size > limit:  # the declared size may not be the real one
                    raise too_big
                digest.update(chunk)
                target.write(chunk)
        if size == 0:
            raise ValidationError({"file": "The file is empty."})
        if not _content_matches(extension, path):
            raise ValidationError(
                {"file": f"The content of the file is not a .{extension} file: use {_ACCEPTED}."}
            )
        evidence = Evidence.objects.create(
            organization=organization,
            title=title[:200],
            description=description.strip(),
            file_name=file_name[:255],
            storage_name=storage_name,
            content_type=EVIDENCE_TYPES[extension],
            size=size,
            sha256=digest.hexdigest(),
            uploaded_by=_signed_in(actor),
        )
        _audit_evidence(
            actor,
            "evidence_upload",
            evidence,
            after={
                "title": evidence.title,
                "file_name": evidence.file_name,
                "size": size,
                "sha256": evidence.sha256,
            },
        )
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    # A transaction rolled back later (by a caller) leaves the file behind, unreferenced: no
    # row names it, so it is never served.
    return evidence


@transaction.atomic
def evidence_link_create(
    *, actor, organization: Organization, title: str, url: str, description: str = ""
) -> Evidence:
    title = title.strip()
    url = url.strip()
    if not title:
        raise ValidationError({"title": "Give the evidence a title."})
    try:
        URLValidator(schemes=["http", "https"])(url)
    except ValidationError:
        raise ValidationError(
            {"url": "Enter a web address starting with https:// or http://."}
        ) from None
    evidence = Evidence.objects.create(
        organization=organization,
        title=title[:200],
        description=description.strip(),
        url=url[:500],
        uploaded_by=_signed_in(actor),
    )
    _audit_evidence(actor, "evidence_link_create", evidence, after={"title": title, "url": url})
    return evidence


def _same_tree(evidence: Evidence, selected_control: SelectedControl) -> bool:
    """Evidence of an organization serves the systems of that organization and of its child
    organizations (a city's policy for its agencies), never another organization's."""
    owner = Organization.objects.get(pk=evidence.organization_id)
    return selected_control.authorization.system.organization.path.startswith(owner.path)


def _attachable(evidence: Evidence, selected_control: SelectedControl) -> SelectedControl:
    selected_control = _editable_control(selected_control)
    if not _same_tree(evidence, selected_control):
        raise ValidationError(
            "This evidence belongs to another organization: it can be attached to the controls "
            "of its own systems and of its child organizations' systems only."
        )
    return selected_control


@transaction.atomic
def evidence_attach(*, actor, evidence: Evidence, selected_control: SelectedControl) -> None:
    selected_control = _attachable(evidence, selected_control)
    if evidence.controls.filter(pk=selected_control.pk).exists():
        return
    evidence.controls.add(selected_control)
    _audit_evidence(
        actor,
        "evidence_attach",
        evidence,
        after={
            "control": selected_control.control.label,
            "system": str(selected_control.authorization.system),
            "cycle": selected_control.authorization.cycle,
        },
    )


@transaction.atomic
def evidence_detach(*, actor, evidence: Evidence, selected_control: SelectedControl) -> None:
    selected_control = _editable_control(selected_control)
    if not evidence.controls.filter(pk=selected_control.pk).exists():
        return
    evidence.controls.remove(selected_control)
    _audit_evidence(
        actor,
        "evidence_detach",
        evidence,
        before={
            "control": selected_control.control.label,
            "system": str(selected_control.authorization.system),
            "cycle": selected_control.authorization.cycle,
        },
    )


def evidence_file_open(evidence: Evidence) -> IO[bytes]:
    """The stored file, for a download view that has checked the user's access
    (`evidence_get_for_user`). Raises FileNotFoundError for a link or a missing file."""
    name = evidence.storage_name
    if not name or not name.isalnum():
        raise FileNotFoundError("This evidence is a link, not a file.")
    return (evidence_dir() / name).open("rb")
