"""One save of a control's implementation page, and evidence added from it.

The page edits a control's status, its responsible roles and a narrative for each part of its
statement in one form: `control_implementation_save` applies them with the services of
`rmf.services.implementation`, all or nothing. Every conflict (someone saved the control or a
narrative after the user opened it) and every refusal tied to a field is collected, so that the
page shows them all at once, and nothing is written while any remains. A refusal of the whole
control (closed cycle, removed or common control) is raised as it comes.
"""

from collections.abc import Sequence
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction

from rmf.models import Evidence, SelectedControl
from rmf.services.implementation import (
    ImplementationConflict,
    NarrativeConflict,
    evidence_attach,
    evidence_dir,
    evidence_link_create,
    evidence_upload,
    implementation_update,
    narrative_save,
)

IMPLEMENTATION = "implementation"  # the key of the status and roles in `errors`


@dataclass(frozen=True)
class NarrativeChange:
    part_id: str
    text: str
    expected_version: int | None  # the version the user opened; 0 or None: there was none


class ImplementationNotSaved(Exception):
    """Nothing was saved: the conflicts, by part for narratives, and the refusals, by part or
    `IMPLEMENTATION`, each a ValidationError naming its field."""

    def __init__(
        self,
        *,
        implementation_conflict: ImplementationConflict | None,
        narrative_conflicts: dict[str, NarrativeConflict],
        errors: dict[str, ValidationError],
    ):
        self.implementation_conflict = implementation_conflict
        self.narrative_conflicts = narrative_conflicts
        self.errors = errors
        conflicts = len(narrative_conflicts) + (implementation_conflict is not None)
        super().__init__(
            f"Nothing was saved: {conflicts} conflict(s) and {len(errors)} problem(s) to review."
        )


def _field_error(error: ValidationError) -> ValidationError:
    """A refusal of one field is collected; any other refusal stops the save."""
    if not hasattr(error, "error_dict"):
        raise error
    return error


@transaction.atomic
def control_implementation_save(
    *,
    actor,
    selected_control: SelectedControl,
    status: str | None = None,
    responsible_roles: str | None = None,
    expected_version: int | None = None,
    narratives: Sequence[NarrativeChange] = (),
) -> int:
    """Apply what the user changed on the control's page: the status and responsible roles
    (None: unchanged) and the changed narratives, each checked against the version the user
    opened. Returns how many of the two (implementation, narratives) were applied; raises
    `ImplementationNotSaved` with every conflict and field refusal, having written nothing."""
    implementation_conflict = None
    narrative_conflicts: dict[str, NarrativeConflict] = {}
    errors: dict[str, ValidationError] = {}
    applied = 0
    if status is not None or responsible_roles is not None:
        try:
            implementation_update(
                actor=actor,
                selected_control=selected_control,
                status=status,
                responsible_roles=responsible_roles,
                expected_version=expected_version,
            )
            applied += 1
        except ImplementationConflict as conflict:
            implementation_conflict = conflict
        except ValidationError as error:
            errors[IMPLEMENTATION] = _field_error(error)
    for change in narratives:
        try:
            narrative_save(
                actor=actor,
                selected_control=selected_control,
                part_id=change.part_id,
                text=change.text,
                expected_version=change.expected_version,
            )
            applied += 1
        except NarrativeConflict as conflict:
            narrative_conflicts[change.part_id] = conflict
        except ValidationError as error:
            errors[change.part_id] = _field_error(error)
    if implementation_conflict or narrative_conflicts or errors:
        # The atomic block rolls back what was applied before the first problem.
        raise ImplementationNotSaved(
            implementation_conflict=implementation_conflict,
            narrative_conflicts=narrative_conflicts,
            errors=errors,
        )
    return applied


@transaction.atomic
def control_evidence_add(
    *,
    actor,
    selected_control: SelectedControl,
    title: str,
    description: str = "",
    uploaded_file=None,
    url: str = "",
) -> Evidence:
    """Add evidence to the library of the control's system's organization, a file when one is
    given, a link otherwise, and attach it to the control: both or neither."""
    organization = selected_control.authorization.system.organization
    if uploaded_file is not None:
        evidence = evidence_upload(
            actor=actor,
            organization=organization,
            title=title,
            description=description,
            uploaded_file=uploaded_file,
        )
    else:
        evidence = evidence_link_create(
            actor=actor, organization=organization, title=title, url=url, description=description
        )
    try:
        evidence_attach(actor=actor, evidence=evidence, selected_control=selected_control)
    except BaseException:
        # The row is rolled back with the transaction; its file must not outlive it.
        if evidence.storage_name:
            (evidence_dir() / evidence.storage_name).unlink(missing_ok=True)
        raise
    return evidence
