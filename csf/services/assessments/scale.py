"""An organization's wording of the maturity levels."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from assets.audit import audit_record
from assets.models import Organization
from csf.maturity import DEFAULT_LEVELS, MAX_LEVEL, MIN_LEVEL, MaturityLevel, maturity_levels
from csf.models import CsfMaturityLabel
from csf.selectors.access import REVIEW
from csf.services.assessments._common import (
    DESCRIPTION_LIMIT,
    LABEL_LIMIT,
    LabelInput,
    _require,
    _text_error,
    _valid_score,
)


@transaction.atomic
def csf_maturity_labels_save(
    *, actor, organization: Organization, labels: Iterable[LabelInput | tuple]
) -> list[MaturityLevel]:
    """The organization's wording of the levels given; a level given with the default wording
    goes back to the default. The numbers never change (scores stay comparable). All or
    nothing; errors keyed `label_<level>` / `description_<level>`. Returns the whole scale."""
    _require(actor, REVIEW, organization, "adjust the maturity scale")
    rows = [LabelInput(*row) for row in labels]
    errors: dict[str, list[str]] = {}
    chosen: dict[int, tuple[str, str]] = {}
    for row in rows:
        level = row.level
        if not _valid_score(level):
            errors.setdefault("level", []).append(
                f"The levels go from {MIN_LEVEL} to {MAX_LEVEL}; there is no level {level}."
            )
            continue
        if level in chosen:
            errors.setdefault("level", []).append(f"Level {level} is given twice.")
            continue
        label, description = (row.label or "").strip(), (row.description or "").strip()
        if not label:
            errors[f"label_{level}"] = [f"Give level {level} a short name."]
        elif problem := _text_error(label, LABEL_LIMIT, "name"):
            errors[f"label_{level}"] = [problem]
        if not description:
            errors[f"description_{level}"] = [
                f"Describe level {level} in a sentence or two, so that planners can tell it "
                "from the others."
            ]
        elif problem := _text_error(description, DESCRIPTION_LIMIT, "description"):
            errors[f"description_{level}"] = [problem]
        chosen[level] = (label, description)
    if errors:
        raise ValidationError(errors)
    defaults = {level.level: (level.label, level.description) for level in DEFAULT_LEVELS}
    existing = {label.level: label for label in organization.csf_maturity_labels.all()}
    before: dict[str, Any] = {}
    after: dict[str, Any] = {}
    for level, wording in chosen.items():
        current = existing.get(level)
        old = (current.label, current.description) if current else defaults[level]
        if old == wording:
            continue
        before[str(level)] = " — ".join(old)
        after[str(level)] = " — ".join(wording)
        if wording == defaults[level]:
            current.delete()  # back to the default wording: no override to keep
        elif current is None:
            CsfMaturityLabel.objects.create(
                organization=organization,
                level=level,
                label=wording[0],
                description=wording[1],
                updated_by=actor,
            )
        else:
            current.label, current.description, current.updated_by = (*wording, actor)
            current.save()
    if after:
        audit_record(
            actor=actor,
            action="csf_maturity_labels_save",
            obj=organization,
            organization=organization,
            before=before,
            after=after,
        )
    overrides = {level: (label.label, label.description) for level, label in existing.items()}
    for level, wording in chosen.items():
        if wording == defaults[level]:
            overrides.pop(level, None)
        else:
            overrides[level] = wording
    return maturity_levels(overrides)
