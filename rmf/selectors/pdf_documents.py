"""Reads of the package's PDF documents (`rmf.documents.pdf`): the system security plan laid out
as SP 800-18 orders it, the security assessment report, the POA&M and the authorization
decision letter, as plain values ready for the templates.

They reuse the workbooks' bulk reads (`rmf.selectors.document_rows`): each document takes a
fixed number of queries whatever the number of controls, statement parts or objectives.
"""

import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime

from django.core.exceptions import ValidationError
from django.utils import timezone

from assets.models import Component, Interconnection, System
from rmf.models import (
    AssessorAssignment,
    Authorization,
    AuthorizationDecision,
    ControlFamily,
    ControlSelection,
    DeterminationResult,
    PoamItem,
    RiskDetermination,
)
from rmf.selectors.document_rows import (
    RISK_LABELS,
    TAILORING_LABELS,
    AssessmentResults,
    FamilySummary,
    MatrixRow,
    ObjectiveResultRow,
    assessment_results_rows,
    control_matrix_rows,
    family_summaries,
    inventory_interconnections,
    person,
    poam_items_for_document,
)
from rmf.selectors.package import package_content, package_hash
from rmf.selectors.workflow import ACTIVE, CategorizationResult, categorizations_bulk

# The standards every package of the workbench follows, whatever the system.
STANDARDS = [
    ("NIST SP 800-37 Rev. 2", "Risk Management Framework: the steps this package documents."),
    ("NIST SP 800-53 Rev. 5", "Security and privacy controls: the catalog of the controls below."),
    ("NIST SP 800-53B", "Control baselines: the starting control set."),
    ("NIST SP 800-60 Vol. 2 Rev. 1", "Information types and their provisional impact levels."),
    ("FIPS 199", "Security categorization of the system."),
    ("NIST SP 800-18 Rev. 1", "The structure of this system security plan."),
]

# Laws SP 800-60 names in the information types' descriptions and impact notes: (how the text
# names it, the law's name).
KNOWN_LAWS = [
    (re.compile(r"Privacy Act", re.I), "Privacy Act of 1974 (5 U.S.C. 552a)"),
    (
        re.compile(r"Health Insurance Portability", re.I),
        "Health Insurance Portability and Accountability Act of 1996 (HIPAA)",
    ),
    (re.compile(r"Freedom of Information Act", re.I), "Freedom of Information Act (5 U.S.C. 552)"),
    (
        re.compile(r"Critical Infrastructure Information|6 U\.S\.C\. 131", re.I),
        "Critical Infrastructure Information Act of 2002 (6 U.S.C. 131 et seq.)",
    ),
    (
        re.compile(r"Government Performance (and )?Results Act", re.I),
        "Government Performance and Results Act",
    ),
    (re.compile(r"Economic Espionage Act", re.I), "Economic Espionage Act of 1996"),
]
PRIVACY_ACT = KNOWN_LAWS[0][1]
E_GOVERNMENT_ACT = "E-Government Act of 2002, section 208 (privacy impact assessment)"
OBJECTIVES = ("confidentiality", "integrity", "availability")
ACTIVE_LABELS = {TAILORING_LABELS[tailoring] for tailoring in ACTIVE}
BASELINE_LABEL = TAILORING_LABELS[ACTIVE[0]]


def generated_now() -> datetime:
    return timezone.localtime().replace(microsecond=0)


@dataclass
class DocumentHeader:
    """What every document says about where it comes from: the system, the cycle, when it was
    built and from which version of the package data (its SHA-256)."""

    authorization: Authorization
    system: System  # with organization, owner, ISSO and authorizing official
    generated: datetime
    content_hash: str


def document_header(authorization: Authorization) -> DocumentHeader:
    """The package content is read whole to hash it: a document built of several (the whole
    package) reads it once and passes the header on."""
    system = System.objects.select_related(
        "organization", "system_owner", "isso", "authorizing_official"
    ).get(pk=authorization.system_id)
    return DocumentHeader(
        authorization=authorization,
        system=system,
        generated=generated_now(),
        content_hash=package_hash(package_content(authorization)),
    )


# --- the system security plan ----------------------------------------------------------------


@dataclass
class Contact:
    role: str
    name: str
    email: str = ""


@dataclass
class Law:
    name: str
    why: str


@dataclass
class PartSection:
    label: str  # "d.1."
    part_id: str
    requirement: str
    narrative: str
    provider_narrative: str


@dataclass
class ControlSection:
    control: str  # "AC-2"
    control_id: str
    title: str
    status: str
    designation: str
    provider: str
    tailoring: str
    tailoring_rationale: str
    responsible_roles: str
    parameters: list[str]
    control_result: str
    family_label: str = ""
    family_title: str = ""
    first_of_family: bool = False  # the section opens its family's heading
    parts: list[PartSection] = field(default_factory=list)

    @property
    def anchor(self) -> str:
        return f"control-{self.control_id}"


@dataclass
class FamilySection:
    label: str  # "AC"
    title: str  # "Access Control"
    controls: list[ControlSection] = field(default_factory=list)


@dataclass
class SspDocument:
    header: DocumentHeader
    categorization: CategorizationResult
    baselines: list[str]
    contacts: list[Contact]
    components: list[Component]
    interconnections: list[Interconnection]
    laws: list[Law]
    families: list[FamilySection]
    tailoring: list[MatrixRow]  # the controls added or removed, with the rationale
    status_counts: list[tuple[str, int]]

    @property
    def system(self) -> System:
        return self.header.system

    @property
    def control_count(self) -> int:
        return sum(len(family.controls) for family in self.families)

    @property
    def controls(self) -> list[ControlSection]:
        return [control for family in self.families for control in family.controls]


def laws_of(system: System, categorization: CategorizationResult) -> list[Law]:
    """The laws, regulations and policies that apply to the system: first those the
    organization names in the system's record (state statutes, city policies, contract terms
    such as PCI DSS), then those the data lets us name: the laws SP 800-60 cites for the
    system's information types, and the privacy laws when the system processes personally
    identifiable information. A derived law the organization already names (same name, in any
    case) is listed once, as the organization's."""
    named = [Law(name, "Named by the organization.") for name in system.laws_regulations_list]
    found: dict[str, list[str]] = {}
    for item in categorization.types:
        source = item.link.information_type
        text = " ".join(
            getattr(source, name, "") or ""
            for name in ("description", *(f"{objective}_note" for objective in OBJECTIVES))
        )
        for pattern, law in KNOWN_LAWS:
            if pattern.search(text):
                found.setdefault(law, []).append(item.identifier)
    derived = [
        Law(law, "Cited by SP 800-60 for information type " + ", ".join(sorted(set(types))) + ".")
        for law, types in found.items()
    ]
    if system.processes_pii:
        if PRIVACY_ACT not in found:
            derived.insert(
                0, Law(PRIVACY_ACT, "The system processes personally identifiable information.")
            )
        derived.append(
            Law(E_GOVERNMENT_ACT, "The system processes personally identifiable information.")
        )
    laws: list[Law] = []
    seen: set[str] = set()
    for law in (*named, *derived):
        key = " ".join(law.name.split()).casefold()
        if key not in seen:
            seen.add(key)
            laws.append(law)
    return laws


def _contacts(system: System, assessors: list[AssessorAssignment]) -> list[Contact]:
    contacts = []
    for role, user in (
        ("System owner", system.system_owner),
        ("Authorizing official", system.authorizing_official),
        ("Information system security officer (ISSO)", system.isso),
    ):
        if user is not None:
            contacts.append(Contact(role, person(user), user.email))
        else:
            contacts.append(Contact(role, "Not named yet"))
    for assignment in assessors:
        role = "Lead assessor" if assignment.is_lead else "Assessor"
        contacts.append(Contact(role, person(assignment.assessor), assignment.assessor.email))
    if system.hosting_provider:
        contacts.append(Contact("Hosting provider", system.hosting_provider))
    return contacts


def _assessors(authorization: Authorization) -> list[AssessorAssignment]:
    return list(
        AssessorAssignment.objects.filter(authorization=authorization).select_related("assessor")
    )


def _families(rows: list[MatrixRow]) -> list[FamilySection]:
    titles = dict(ControlFamily.objects.values_list("id", "title"))
    families: dict[str, FamilySection] = {}
    controls: dict[str, ControlSection] = {}
    for row in rows:
        if row.tailoring not in ACTIVE_LABELS:
            continue
        section = controls.get(row.control_id)
        if section is None:
            family = families.setdefault(
                row.family, FamilySection(row.family, titles.get(row.family.lower(), ""))
            )
            section = ControlSection(
                control=row.control,
                control_id=row.control_id,
                title=row.title,
                status=row.status,
                designation=row.designation,
                provider=row.provider,
                tailoring=row.tailoring,
                tailoring_rationale=row.tailoring_rationale,
                responsible_roles=row.responsible_roles,
                parameters=[line for line in row.parameters.split("\n") if line],
                control_result=row.control_result,
                family_label=family.label,
                family_title=family.title,
                first_of_family=not family.controls,
            )
            controls[row.control_id] = section
            family.controls.append(section)
        if row.part_id:
            section.parts.append(
                PartSection(
                    row.part, row.part_id, row.requirement, row.narrative, row.provider_narrative
                )
            )
    return list(families.values())


def ssp_document(authorization: Authorization, header: DocumentHeader | None = None) -> SspDocument:
    """Raises ValidationError before the control set is selected: a plan without controls is
    not a plan yet."""
    rows = control_matrix_rows(authorization)
    if not rows:
        raise ValidationError(
            "The system security plan has no controls yet: select the control set (step "
            "Select) first."
        )
    header = header or document_header(authorization)
    categorization = categorizations_bulk([authorization])[authorization.pk]
    selection = ControlSelection.objects.filter(authorization=authorization).first()
    families = _families(rows)
    active = [control for family in families for control in family.controls]
    statuses = Counter(control.status or "No status yet" for control in active)
    tailored = {}
    for row in rows:
        if row.tailoring != BASELINE_LABEL:
            tailored.setdefault(row.control_id, row)
    return SspDocument(
        header=header,
        categorization=categorization,
        baselines=list(selection.baselines) if selection else [],
        contacts=_contacts(header.system, _assessors(authorization)),
        components=list(
            Component.objects.filter(system=authorization.system_id)
            .select_related("vendor")
            .order_by("name", "pk")
        ),
        interconnections=inventory_interconnections(authorization),
        laws=laws_of(header.system, categorization),
        families=families,
        tailoring=list(tailored.values()),
        status_counts=sorted(statuses.items(), key=lambda item: -item[1]),
    )


# --- the security assessment report ---------------------------------------------------------


@dataclass
class ControlResult:
    control: str
    control_id: str
    title: str
    objectives: list[ObjectiveResultRow] = field(default_factory=list)

    def _count(self, result: str) -> int:
        return sum(1 for row in self.objectives if row.result_value == result)

    @property
    def satisfied(self) -> int:
        return self._count(DeterminationResult.SATISFIED)

    @property
    def other_than_satisfied(self) -> int:
        return self._count(DeterminationResult.OTHER_THAN_SATISFIED)

    @property
    def not_applicable(self) -> int:
        return self._count(DeterminationResult.NOT_APPLICABLE)

    @property
    def not_determined(self) -> int:
        return sum(1 for row in self.objectives if not row.result_value)

    @property
    def result(self) -> str:
        if self.other_than_satisfied:
            return "Other than satisfied"
        if self.not_determined:
            return "Not determined yet"
        if self.objectives and self.not_applicable == len(self.objectives):
            return "Not applicable"
        return "Satisfied"

    @property
    def anchor(self) -> str:
        return f"result-{self.control_id}"


@dataclass
class SarDocument:
    header: DocumentHeader
    results: AssessmentResults
    assessors: list[AssessorAssignment]
    summaries: list[FamilySummary]
    controls: list[ControlResult]
    findings_by_risk: list[tuple[str, int]]

    @property
    def assessment(self):
        return self.results.assessment

    @property
    def total(self) -> FamilySummary:
        return self.summaries[-1]

    @property
    def methods(self) -> list[str]:
        labels = {"examine": "Examine", "interview": "Interview", "test": "Test"}
        return [labels.get(method, method) for method in self.assessment.methods]


def sar_document(authorization: Authorization, header: DocumentHeader | None = None) -> SarDocument:
    """Raises ValidationError before the initial assessment exists."""
    results = assessment_results_rows(authorization)
    if results.assessment is None:
        raise ValidationError(
            "The security assessment report has nothing to report yet: the assessment plan "
            "(step Assess) has not been started."
        )
    controls: dict[str, ControlResult] = {}
    for row in results.objectives:
        controls.setdefault(
            row.control_id, ControlResult(row.control, row.control_id, row.title)
        ).objectives.append(row)
    risks = Counter(finding.risk_level or "Not rated yet" for finding in results.findings)
    order = [*reversed(list(RISK_LABELS.values())), "Not rated yet"]
    return SarDocument(
        header=header or document_header(authorization),
        results=results,
        assessors=_assessors(authorization),
        summaries=family_summaries(results.objectives),
        controls=list(controls.values()),
        findings_by_risk=[(label, risks[label]) for label in order if risks[label]],
    )


# --- the POA&M ------------------------------------------------------------------------------


@dataclass
class PoamDocument:
    header: DocumentHeader
    items: list[PoamItem]
    by_status: list[tuple[str, int]]
    overdue: int


def poam_document(
    authorization: Authorization, header: DocumentHeader | None = None
) -> PoamDocument:
    items = poam_items_for_document(authorization)
    today = timezone.localdate()
    counts = Counter(item.status for item in items)
    return PoamDocument(
        header=header or document_header(authorization),
        items=items,
        by_status=[
            (label, counts[status]) for status, label in PoamItem.Status.choices if counts[status]
        ],
        overdue=sum(
            1
            for item in items
            if item.scheduled_completion
            and item.scheduled_completion < today
            and item.status in (PoamItem.Status.OPEN, PoamItem.Status.ONGOING)
        ),
    )


# --- the authorization decision letter --------------------------------------------------------


@dataclass
class DecisionDocument:
    header: DocumentHeader
    decision: AuthorizationDecision
    risk_determination: RiskDetermination | None
    open_poam_items: int

    @property
    def package_unchanged(self) -> bool:
        return self.header.content_hash == self.decision.content_hash


def decision_of(authorization: Authorization) -> AuthorizationDecision | None:
    return (
        AuthorizationDecision.objects.filter(authorization=authorization)
        .select_related("signed_by")
        .first()
    )


def decision_document(
    authorization: Authorization, header: DocumentHeader | None = None
) -> DecisionDocument:
    """Raises ValidationError while no decision is signed."""
    decision = decision_of(authorization)
    if decision is None:
        raise ValidationError(
            "There is no decision letter: no decision signed yet. The authorizing official "
            "signs the decision in step Authorize (R-4)."
        )
    return DecisionDocument(
        header=header or document_header(authorization),
        decision=decision,
        risk_determination=RiskDetermination.objects.filter(authorization=authorization)
        .select_related("determined_by")
        .first(),
        open_poam_items=PoamItem.objects.filter(
            authorization=authorization,
            status__in=(PoamItem.Status.OPEN, PoamItem.Status.ONGOING),
        ).count(),
    )
