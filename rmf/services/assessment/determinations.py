"""A-3, control assessments: the assigned assessor's determination on each SP 800-53A objective
(leaf objectives of the controls in scope), once the plan is approved.

A control with an objective determined other than satisfied has a finding: created (or reopened)
with that objective, which leaves it when its determination changes; a finding left with no
objective, no remediation and no POA&M item is deleted. Saves are compared by version: a
determination saved by someone else meanwhile raises `DeterminationConflict` and nothing of the
save is written.
"""

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from assets.audit import audit_records_bulk
from rmf.models import (
    Assessment,
    AssessmentMethod,
    Authorization,
    ControlPart,
    Determination,
    DeterminationResult,
    Finding,
    PoamItem,
    SelectedControl,
    Step,
)
from rmf.selectors.assessment import (
    controls_in_scope,
    determination_evidence_choices,
    leaf_objectives,
)
from rmf.selectors.assessment_facts import OBJECTIVE, is_leaf_objective
from rmf.services.assessment._common import (
    audit,
    open_cycle,
    require_assigned_assessor,
    signed_in,
)
from rmf.services.assessment.errors import DeterminationConflict, DeterminationConflictItem

OTS = DeterminationResult.OTHER_THAN_SATISFIED
# Results that come from applying assessment methods (not applicable may need none).
NEEDS_METHOD = (DeterminationResult.SATISFIED, DeterminationResult.OTHER_THAN_SATISFIED)
FIELDS = ("result", "methods", "evidence_examined", "note")


@dataclass
class _Entry:
    objective: ControlPart
    result: str
    methods: list[str]
    evidence_examined: str
    note: str
    evidence_ids: list[int] | None  # None: keep the evidence already cited
    expected_version: int

    def values(self) -> dict[str, Any]:
        return {
            "result": self.result,
            "methods": self.methods,
            "evidence_examined": self.evidence_examined,
            "note": self.note,
        }


def _values(determination: Determination | None, evidence_ids: list[int]) -> dict[str, Any]:
    if determination is None:
        return {}
    return {
        "result": determination.result,
        "methods": list(determination.methods),
        "evidence_examined": determination.evidence_examined,
        "note": determination.note,
        "evidence": evidence_ids,
    }


def _assessable(assessment: Assessment, actor) -> tuple[Assessment, Authorization]:
    authorization = open_cycle(assessment.authorization, from_step=Step.ASSESS)
    require_assigned_assessor(actor, authorization, "records determinations")
    assessment = Assessment.objects.select_for_update(of=("self",)).get(pk=assessment.pk)
    assessment.authorization = authorization
    if not assessment.plan_approved:
        raise ValidationError(
            "The assessment plan must be approved by the authorizing official before "
            "determinations are recorded (A-2)."
        )
    return assessment, authorization


def _entry(objective: ControlPart, raw: dict[str, Any]) -> tuple[_Entry | None, dict[str, str]]:
    """An entry checked and normalized, or what is wrong with it, by field."""
    problems: dict[str, str] = {}
    result = raw.get("result") or ""
    if result not in DeterminationResult.values:
        problems["result"] = "Choose satisfied, other than satisfied or not applicable."
    methods = raw.get("methods") or []
    if isinstance(methods, str):
        methods = [methods]
    if set(methods) - set(AssessmentMethod.values):
        problems["methods"] = "The methods used are among examine, interview and test."
    elif result in NEEDS_METHOD and not methods:
        problems["methods"] = "Name the method(s) used: examine, interview or test."
    evidence_ids = raw.get("evidence_ids")
    try:
        expected = int(raw.get("expected_version") or 0)
        evidence = None if evidence_ids is None else sorted({int(pk) for pk in evidence_ids})
    except (TypeError, ValueError):
        problems["expected_version"] = "The form was incomplete: open the control again."
    if problems:
        return None, problems
    return (
        _Entry(
            objective=objective,
            result=result,
            methods=[method for method in AssessmentMethod.values if method in set(methods)],
            evidence_examined=(raw.get("evidence_examined") or "").strip(),
            note=(raw.get("note") or "").strip(),
            evidence_ids=evidence,
            expected_version=expected,
        ),
        {},
    )


def _write(
    *,
    actor,
    assessment: Assessment,
    authorization: Authorization,
    selected_control: SelectedControl,
    entries: list[_Entry],
    reason: str = "",
) -> list[Determination]:
    """Compare versions, then write every change in bulk, its audit records, and the
    control's finding. A fixed number of queries whatever the number of entries."""
    ids = [entry.objective.pk for entry in entries]
    existing = {
        determination.objective_id: determination
        for determination in Determination.objects.select_for_update(of=("self",))
        .filter(assessment=assessment, objective__in=ids)
        .select_related("updated_by")
        .prefetch_related("evidence")
    }
    cited = {
        objective_id: sorted(evidence.pk for evidence in determination.evidence.all())
        for objective_id, determination in existing.items()
    }
    conflicts = []
    for entry in entries:
        current = existing.get(entry.objective.pk)
        version = current.version if current is not None else 0
        if entry.expected_version != version:
            conflicts.append(
                DeterminationConflictItem(
                    objective_id=entry.objective.pk,
                    objective_label=entry.objective.label or entry.objective.pk,
                    current_result=current.result if current else "",
                    current_note=current.note if current else "",
                    current_version=version,
                    current_author=current.updated_by if current else None,
                    current_updated_at=current.updated_at if current else None,
                    your_values={**entry.values(), "evidence_ids": entry.evidence_ids},
                )
            )
    if conflicts:
        raise DeterminationConflict(conflicts)
    author = signed_in(actor)
    now = timezone.now()
    created, updated, records, results, saved = [], [], [], [], []
    evidence_changes: dict[int, list[int]] = {}  # objective -> the evidence now cited
    for entry in entries:
        current = existing.get(entry.objective.pk)
        before = _values(current, cited.get(entry.objective.pk, []))
        evidence = (
            entry.evidence_ids if entry.evidence_ids is not None else before.get("evidence", [])
        )
        after = {**entry.values(), "evidence": evidence}
        if before == after:
            saved.append(current)
            continue
        if current is None:
            current = Determination(
                assessment=assessment,
                selected_control=selected_control,
                objective=entry.objective,
                updated_by=author,
                **entry.values(),
            )
            created.append(current)
        else:
            for name, value in entry.values().items():
                setattr(current, name, value)
            current.version += 1
            current.updated_by = author
            current.updated_at = now
            updated.append(current)
        if evidence != before.get("evidence", []):
            evidence_changes[entry.objective.pk] = evidence
        saved.append(current)
        label = {"objective": entry.objective.label or entry.objective.pk}
        records.append((current, {**label, **before} if before else {}, {**label, **after}))
        results.append((entry.objective.pk, before.get("result", ""), entry.result))
    if not records:
        return saved
    Determination.objects.bulk_create(created)
    Determination.objects.bulk_update(updated, [*FIELDS, "version", "updated_by", "updated_at"])
    if evidence_changes:
        through = Determination.evidence.through
        changed = [d for d in saved if d is not None and d.objective_id in evidence_changes]
        through.objects.filter(determination__in=[d.pk for d in changed]).delete()
        through.objects.bulk_create(
            [
                through(determination_id=determination.pk, evidence_id=evidence_id)
                for determination in changed
                for evidence_id in evidence_changes[determination.objective_id]
            ]
        )
        for determination in changed:  # the evidence read before the change is stale
            getattr(determination, "_prefetched_objects_cache", {}).pop("evidence", None)
    organization = authorization.system.organization
    audit_records_bulk(
        actor=actor,
        action="determination_save",
        records=[(obj, organization, before, after) for obj, before, after in records],
        reason=reason,
    )
    if any(OTS in (old, new) for _, old, new in results):
        _sync_finding(
            actor=actor,
            assessment=assessment,
            authorization=authorization,
            selected_control=selected_control,
            newly_ots={objective for objective, old, new in results if new == OTS and old != OTS},
        )
    return saved


def _labels(objectives) -> list[str]:
    return [part.label or part.pk for part in sorted(objectives, key=lambda p: p.sort_order)]


def _sync_finding(
    *,
    actor,
    assessment: Assessment,
    authorization: Authorization,
    selected_control: SelectedControl,
    newly_ots: set[str],
) -> None:
    """Keep the control's finding in step with its objectives determined other than
    satisfied. A closed finding is the record of a fixed weakness: it is reopened only by a
    new other-than-satisfied determination, with the objectives now failing."""
    failing = list(
        ControlPart.objects.filter(
            pk__in=Determination.objects.filter(
                assessment=assessment, selected_control=selected_control, result=OTS
            ).values("objective")
        )
    )
    finding = (
        Finding.objects.select_for_update(of=("self",))
        .filter(assessment=assessment, selected_control=selected_control)
        .prefetch_related("objectives")
        .first()
    )
    author = signed_in(actor)
    control = selected_control.control.label
    if finding is None:
        if not failing:
            return
        number = (
            Finding.objects.filter(assessment=assessment).aggregate(n=Max("number"))["n"] or 0
        ) + 1
        finding = Finding.objects.create(
            assessment=assessment,
            selected_control=selected_control,
            number=number,
            created_by=author,
            updated_by=author,
        )
        finding.objectives.set(failing)
        audit(
            actor,
            "finding_create",
            finding,
            authorization,
            after={"control": control, "objectives": _labels(failing), "status": finding.status},
        )
        return
    before_objectives = list(finding.objectives.all())
    before = {"objectives": _labels(before_objectives), "status": finding.status}
    if finding.status == Finding.Status.CLOSED:
        if not newly_ots:
            return
        finding.status = Finding.Status.OPEN
    elif {part.pk for part in failing} == {part.pk for part in before_objectives}:
        return
    elif (
        not failing
        and not PoamItem.objects.filter(finding=finding).exists()
        and not finding.remediations.exists()
    ):
        audit(
            actor, "finding_delete", finding, authorization, before={"control": control, **before}
        )
        finding.delete()
        return
    finding.objectives.set(failing)
    # No new version: the version guards what the assessor writes on the finding (weakness,
    # likelihood, impact, recommendation), which this does not touch; bumping it would turn
    # the next save of an open finding form into a conflict with nothing to compare.
    finding.updated_by = author
    finding.save()
    audit(
        actor,
        "finding_update",
        finding,
        authorization,
        before=before,
        after={"objectives": _labels(failing), "status": finding.status},
    )


@transaction.atomic
def determination_save(
    *,
    actor,
    assessment: Assessment,
    objective_id: str,
    result: str,
    methods: list[str],
    evidence_examined: str = "",
    note: str = "",
    evidence_ids: list[int] | None = None,
    expected_version: int | None = None,
) -> Determination:
    """Record the determination of one objective: a leaf SP 800-53A objective of a control in
    the assessment's scope. `expected_version` is the version the user opened, None (or 0)
    when there was none; `evidence_ids` are the evidence cited (the whole set), None keeps the
    evidence already cited, as in `control_determinations_save`."""
    assessment, authorization = _assessable(assessment, actor)
    objective = (
        ControlPart.objects.filter(pk=objective_id, name=OBJECTIVE)
        .filter(is_leaf_objective())
        .select_related("control")
        .first()
    )
    if objective is None:
        raise ValidationError(
            {
                "objective_id": "Choose an assessment objective that takes a determination "
                "(one without objectives below it)."
            }
        )
    selected_control = (
        controls_in_scope(assessment)
        .filter(control=objective.control_id)
        .select_related("control", "authorization__system__organization")
        .first()
    )
    if selected_control is None:
        raise ValidationError(
            {"objective_id": f"{objective.control.label} is not in the scope of this assessment."}
        )
    entry, problems = _entry(
        objective,
        {
            "result": result,
            "methods": methods,
            "evidence_examined": evidence_examined,
            "note": note,
            "evidence_ids": None if evidence_ids is None else list(evidence_ids),
            "expected_version": expected_version,
        },
    )
    if problems:
        raise ValidationError(problems)
    _check_evidence(authorization, [entry])
    return _write(
        actor=actor,
        assessment=assessment,
        authorization=authorization,
        selected_control=selected_control,
        entries=[entry],
    )[0]


def _check_evidence(authorization: Authorization, entries: list[_Entry]) -> None:
    wanted = {pk for entry in entries for pk in entry.evidence_ids or []}
    if not wanted:
        return
    allowed = set(
        determination_evidence_choices(authorization)
        .filter(pk__in=wanted)
        .values_list("pk", flat=True)
    )
    if wanted - allowed:
        raise ValidationError(
            {
                "evidence_ids": "Cite evidence of the system's organization (or one above it) "
                "or evidence attached to the system's controls."
            }
        )


@transaction.atomic
def control_determinations_save(
    *,
    actor,
    assessment: Assessment,
    selected_control: SelectedControl,
    entries: list[dict[str, Any]],
) -> list[Determination]:
    """Record the determinations of several objectives of one control at once: entries hold
    objective_id, result, methods, evidence_examined, note, expected_version and, optionally,
    evidence_ids (absent: the evidence cited stays). All or nothing: every invalid entry is
    reported (keyed by objective), any conflict raises `DeterminationConflict` listing them
    all, and nothing is written. A fixed number of queries whatever the number of entries."""
    assessment, authorization = _assessable(assessment, actor)
    selected_control = (
        controls_in_scope(assessment)
        .filter(pk=selected_control.pk)
        .select_related("control", "authorization__system__organization")
        .first()
    )
    if selected_control is None:
        raise ValidationError("This control is not in the scope of the assessment.")
    label = selected_control.control.label
    objectives = {
        part.pk: part
        for part in leaf_objectives([selected_control.control_id]).get(
            selected_control.control_id, []
        )
    }
    errors: dict[str, list[str]] = {}
    parsed: list[_Entry] = []
    seen: set[str] = set()
    for raw in entries:
        objective_id = str(raw.get("objective_id") or "")
        objective = objectives.get(objective_id)
        if objective is None:
            errors.setdefault(objective_id or "objective_id", []).append(
                f"{objective_id or 'An entry'} is not an assessment objective of {label} that "
                "takes a determination."
            )
            continue
        if objective_id in seen:
            errors.setdefault(objective_id, []).append(
                f"{objective.label}: determined twice in the same save."
            )
            continue
        seen.add(objective_id)
        entry, problems = _entry(objective, raw)
        if problems:
            errors.setdefault(objective_id, []).extend(
                f"{objective.label}: {problem}" for problem in problems.values()
            )
        else:
            parsed.append(entry)
    if errors:
        raise ValidationError(errors)
    if not parsed:
        return []
    _check_evidence(authorization, parsed)
    return _write(
        actor=actor,
        assessment=assessment,
        authorization=authorization,
        selected_control=selected_control,
        entries=parsed,
    )
