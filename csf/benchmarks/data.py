"""The database reads of the benchmark reports: the frames csf.benchmarks.frames works on, each
in one set-based query whatever the number of organizations and years, and who may see what.

Who sees what:
- A user reads the benchmark of an organization they may see (`organization_list_for_user`:
  the organizations they hold a role in, and for a role at a city or state the organizations
  below it, assets.roles.CASCADING_ROLES). Its answers are read through
  `csf_assessment_list_for_user`, and only approved assessments count: drafts and assessments
  under review are never in a report, whoever reads it.
- Peers are compared in aggregate only. `peer_comparison` reads the approved answers of the
  organization's peer group without the user's permission on the peers, and returns nothing
  but csf.benchmarks.frames.peer_stats' figures. This is safe because:
  * no peer's identity leaves this module: the peers' rows carry a random code, not their id,
    and peer_stats' result has no organization column at all;
  * a figure is shown only where at least `minimum` peers (PEER_MINIMUM, 5; never fewer) have
    a score, otherwise it is suppressed and only the count is given, so no single peer's score
    can be read or worked out from a mean or a quartile;
  * the peer group is fixed by the organization's place in the tree (`peer_group`), never
    chosen by the reader: comparing two chosen groups that differ by one member would give
    that member's score away;
  * the own scores compared are read here, never taken from the caller, and the reader must
    be allowed to see the organization compared;
  * only approved assessments are read: results the organizations have published.
- A user allowed to see every organization of the peer group one by one (a state-level viewer
  for the agencies and cities of the state, a city's authorizing official for its agencies)
  also gets the peers' scores by name (`named_peer_scores`), read through their own
  permissions: nothing they could not open report by report.

Peer groups (`peer_scopes`): an agency's peers are the other agencies of its parent (sibling
agencies), or, when asked, every other agency of its state at any level; a city or county's, the
other cities and counties of its state. A state has none. The groups are fixed by the tree, and
the reader only chooses among them. Since the wider group contains the narrower one, comparing
the two would give away the peers that differ: a figure of the wider group is suppressed unless
it counts no other peer than the narrow group or at least `minimum` more
(frames.without_small_differences).

Framework version (FRAMEWORKS): every year in CSF 2.0 terms (CSF 1.1 years carried through
NIST's crosswalk, the default), the CSF 2.0 assessments alone, or the CSF 1.1 assessments alone
in CSF 1.1 terms. Targets are set in CSF 2.0 terms, so the CSF 1.1 view has none.
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date

import pandas as pd
from django.db.models import Exists, F, OuterRef, QuerySet
from django.utils import timezone

from assets.models import Organization
from assets.roles import VIEW
from assets.selectors import organization_get_for_user, organization_list_for_user
from csf.benchmarks.data_rmf import rmf_metrics_for_user
from csf.benchmarks.frames import (
    ANSWER_COLUMNS,
    CHANGE_COLUMNS,
    CROSSWALK_COLUMNS,
    LEVELS,
    PEER_COLUMNS,
    PEER_LEVELS,
    PEER_MINIMUM,
    TARGET_COLUMNS,
    V11,
    V20,
    against_target,
    in_csf20_terms,
    most_declined,
    most_improved,
    peer_stats,
    scores_by_level,
    tree_frame,
    without_small_differences,
    year_over_year,
)
from csf.benchmarks.summary import summary_sentences
from csf.models import CrosswalkLink, CsfAnswer, CsfAssessment, CsfElement, CsfTarget
from csf.selectors.access import csf_assessment_list_for_user
from csf.selectors.reference import core_tree

APPROVED = CsfAssessment.Status.APPROVED
SUBCATEGORY = CsfElement.Kind.SUBCATEGORY
LOCAL_GOVERNMENTS = (Organization.Kind.CITY, Organization.Kind.COUNTY)
RMF_YEARS = 5  # the RMF figures' default span, up to this year

ALL = "all"
FRAMEWORKS = {
    ALL: "Every year in CSF 2.0 terms (CSF 1.1 years carried through NIST's crosswalk)",
    V20: "CSF 2.0 assessments only",
    V11: "CSF 1.1 assessments only, in CSF 1.1 terms",
}
SIBLINGS, STATE = "siblings", "state"


# ----------------------------------------------------------------------------- reference frames


@dataclass(frozen=True)
class Reference:
    """The core a report is scored in as a TREE frame with its titles, NIST's 1.1 -> 2.0
    CROSSWALK, and which assessments the report reads (a key of FRAMEWORKS)."""

    tree: pd.DataFrame
    crosswalk: pd.DataFrame
    titles: dict[str, str]
    framework: str = ALL

    @property
    def versions(self) -> list[str] | None:
        """The CSF versions of the assessments read; None for both."""
        return None if self.framework == ALL else [self.framework]


def crosswalk_frame() -> pd.DataFrame:
    """CROSSWALK: the links from CSF 1.1 subcategories to CSF 2.0 subcategories, in the 1.1
    core's order, as the assessment carry reads them (one query)."""
    rows = (
        CrosswalkLink.objects.filter(
            source__version="1.1",
            source__kind=SUBCATEGORY,
            target__version=V20,
            target__kind=SUBCATEGORY,
        )
        .order_by("source__sort_order", "target__sort_order")
        .values_list("source__identifier", "target__identifier")
    )
    return pd.DataFrame(list(rows), columns=CROSSWALK_COLUMNS)


def reference_frames(framework: str = ALL) -> Reference:
    """The TREE a report of `framework` (FRAMEWORKS) is scored in, its titles and the
    CROSSWALK: CSF 2.0 and the crosswalk (two queries), or CSF 1.1 alone (one query)."""
    if framework not in FRAMEWORKS:
        raise ValueError(f"framework: one of {', '.join(FRAMEWORKS)}")
    if framework == V11:
        core = core_tree(V11)
        crosswalk = pd.DataFrame(columns=CROSSWALK_COLUMNS)
        return Reference(tree_frame(core), crosswalk, core.titles, framework)
    core = core_tree(V20)
    return Reference(tree_frame(core), crosswalk_frame(), core.titles, framework)


# ----------------------------------------------------------------------------- answers, targets


def _ids(organizations) -> QuerySet | list:
    if isinstance(organizations, QuerySet):
        return organizations.values("pk")
    return [getattr(item, "pk", item) for item in organizations]


def answers_frame(
    assessments: QuerySet[CsfAssessment],
    *,
    organizations=None,
    years: Iterable[int] | None = None,
    versions: Iterable[str] | None = None,
) -> pd.DataFrame:
    """ANSWERS of the approved assessments among `assessments`, of `organizations` (a queryset,
    or organizations or ids; all when None), `years` and CSF `versions` (all when None), in one
    query.

    This grants nothing: pass an access-filtered queryset (csf_assessment_list_for_user), as
    `organization_answers_frame` does. Answers of another version's subcategories than their
    assessment's are not read."""
    approved = assessments.filter(status=APPROVED)
    if organizations is not None:
        approved = approved.filter(organization__in=_ids(organizations))
    if years is not None:
        approved = approved.filter(year__in=[int(year) for year in years])
    if versions is not None:
        approved = approved.filter(framework__in=list(versions))
    rows = (
        CsfAnswer.objects.filter(
            assessment__in=approved.values("pk"),
            subcategory__version=F("assessment__framework"),
        )
        .order_by()
        .values_list(
            "assessment__organization_id",
            "assessment__year",
            "assessment__framework",
            "subcategory__identifier",
            "score",
        )
    )
    frame = pd.DataFrame.from_records(list(rows), columns=ANSWER_COLUMNS)
    frame["score"] = pd.to_numeric(frame["score"]).astype("float64")
    frame["year"] = frame["year"].astype("int64")
    return frame


def organization_answers_frame(
    user,
    organizations,
    *,
    years: Iterable[int] | None = None,
    versions: Iterable[str] | None = None,
) -> pd.DataFrame:
    """ANSWERS of the organizations' approved assessments that `user` may see (one query)."""
    return answers_frame(
        csf_assessment_list_for_user(user),
        organizations=organizations,
        years=years,
        versions=versions,
    )


def targets_frame(organizations) -> pd.DataFrame:
    """TARGETS: the organizations' own CSF 2.0 targets (one query); a subcategory without one
    aims at the recommended minimum (frames.against_target)."""
    rows = (
        CsfTarget.objects.filter(organization__in=_ids(organizations), subcategory__version=V20)
        .order_by()
        .values_list("organization_id", "subcategory__identifier", "score")
    )
    frame = pd.DataFrame.from_records(list(rows), columns=TARGET_COLUMNS)
    frame["target"] = pd.to_numeric(frame["target"]).astype("float64")
    return frame


def series_scores(answers: pd.DataFrame, reference: Reference) -> pd.DataFrame:
    """SCORES of the answers of the reference's versions, as one series in its tree's terms:
    CSF 1.1 years carried into CSF 2.0 (and marked) unless the report is in CSF 1.1 terms."""
    if reference.versions is not None:
        answers = answers.loc[answers["framework"].isin(reference.versions)]
    if reference.framework == V11:
        return scores_by_level(answers, reference.tree)
    return scores_by_level(in_csf20_terms(answers, reference.crosswalk), reference.tree)


# ----------------------------------------------------------------------------- who sees what


def benchmark_organization_list_for_user(user) -> QuerySet[Organization]:
    """The organizations whose benchmark reports `user` may read."""
    return organization_list_for_user(user, perm=VIEW)


def benchmark_organization_get_for_user(user, pk, *, perm: str = VIEW) -> Organization:
    """The access function of a benchmark report: its organization, or the same 404 for
    missing and not permitted. Reading a report needs VIEW, whatever `perm` asks beyond it."""
    return organization_get_for_user(user, pk, perm=perm)


def peer_scopes(organization: Organization) -> dict[str, str]:
    """The peer groups `organization` may be compared with, key -> description, the default
    first; none for a state (one query for an agency under a state, to name the state)."""
    parent = organization.parent
    if parent is None:
        return {}
    if organization.kind in LOCAL_GOVERNMENTS:
        return {SIBLINGS: f"The other cities and counties of {parent.name}"}
    scopes = {SIBLINGS: f"The other agencies of {parent.name}"}
    if organization.kind == Organization.Kind.AGENCY:
        state = _state_of(organization)
        if state is not None:
            scopes[STATE] = f"Every other agency of {state.name}, at any level"
    return scopes


def _state_of(organization: Organization) -> Organization | None:
    ancestors = organization.ancestor_ids
    if not ancestors:
        return None
    return Organization.objects.filter(pk=ancestors[0], kind=Organization.Kind.STATE).first()


def peer_group(organization: Organization, scope: str = SIBLINGS) -> QuerySet[Organization]:
    """The organizations `organization` is compared with, itself left out: the other agencies
    of its parent, or the other cities and counties of its state; none for a state. With
    `scope` STATE, an agency's group is every other agency under its state."""
    if scope not in (SIBLINGS, STATE):
        raise ValueError(f"scope: {SIBLINGS} or {STATE}")
    if organization.parent_id is None:
        return Organization.objects.none()
    if scope == STATE:
        state = _state_of(organization)
        if state is None or organization.kind != Organization.Kind.AGENCY:
            raise ValueError("scope: only an agency under a state has a state-wide peer group")
        return (
            Organization.objects.filter(path__startswith=state.path, kind=organization.kind)
            .exclude(pk=organization.pk)
            .order_by("path")
        )
    local = organization.kind in LOCAL_GOVERNMENTS
    kinds = LOCAL_GOVERNMENTS if local else (organization.kind,)
    return (
        Organization.objects.filter(parent_id=organization.parent_id, kind__in=kinds)
        .exclude(pk=organization.pk)
        .order_by("path")
    )


@dataclass(frozen=True)
class PeerGroup:
    size: int  # peers in the group, whether assessed or not
    named: bool  # whether `user` may see each of them, so see them by name
    names: dict[int, str]  # the peers' names by id: empty unless `named`
    scope: str = SIBLINGS
    description: str = ""


def peer_group_for_user(
    user, organization: Organization, scope: str = SIBLINGS, *, description: str = ""
) -> PeerGroup:
    """The size of the organization's peer group, and its members' names when `user` may see
    every one of them (one query, two for the state-wide group)."""
    visible = benchmark_organization_list_for_user(user).filter(pk=OuterRef("pk"))
    rows = list(
        peer_group(organization, scope)
        .annotate(visible=Exists(visible))
        .values_list("pk", "name", "visible")
    )
    named = bool(rows) and all(row[2] for row in rows)
    return PeerGroup(
        size=len(rows),
        named=named,
        names={pk: name for pk, name, _ in rows} if named else {},
        scope=scope,
        description=description,
    )


def _anonymous_peer_answers(
    organization: Organization,
    *,
    scope: str,
    years: Iterable[int] | None,
    versions: Iterable[str] | None,
) -> tuple[pd.DataFrame, set[str]]:
    """ANSWERS of the approved assessments of the peer group, each peer under a random code
    ("peer-3") instead of its id, and the codes of the sibling peers (one query, two for a
    wider group than the siblings). Read without the reader's permissions: nothing of it may
    leave this module but peer_stats' aggregates (see the module's docstring)."""
    answers = answers_frame(
        CsfAssessment.objects.all(),
        organizations=peer_group(organization, scope),
        years=years,
        versions=versions,
    )
    peers = answers["organization"].unique().tolist()
    random.SystemRandom().shuffle(peers)
    codes = {peer: f"peer-{index}" for index, peer in enumerate(peers, start=1)}
    if scope == SIBLINGS:
        siblings = set(codes.values())
    else:
        ids = set(peer_group(organization, SIBLINGS).values_list("pk", flat=True))
        siblings = {code for peer, code in codes.items() if peer in ids}
    return answers.assign(organization=answers["organization"].map(codes)), siblings


def _peer_figures(
    organization: Organization,
    scores: pd.DataFrame,
    reference: Reference,
    *,
    years: Iterable[int] | None,
    minimum: int,
    levels: Sequence[str],
    scope: str = SIBLINGS,
) -> pd.DataFrame:
    if minimum < PEER_MINIMUM:
        raise ValueError(f"minimum: at least {PEER_MINIMUM} peers, so that none is identified")
    # Down to categories only: a subcategory's few whole levels would come close to showing
    # the peers' own answers.
    if set(levels) - set(PEER_LEVELS):
        raise ValueError(f"levels: peers are compared at the {', '.join(PEER_LEVELS)} levels")
    if scores.empty:  # nothing to compare: the peers are not read
        return pd.DataFrame(columns=PEER_COLUMNS)
    answers, siblings = _anonymous_peer_answers(
        organization, scope=scope, years=years, versions=reference.versions
    )
    peers = series_scores(answers, reference)
    figures = peer_stats(scores, peers, minimum=minimum, levels=levels)
    if scope == SIBLINGS:
        return figures
    narrow = peer_stats(
        scores, peers.loc[peers["organization"].isin(siblings)], minimum=minimum, levels=levels
    )
    return without_small_differences(figures, narrow, minimum=minimum)


def peer_comparison(
    user,
    organization: Organization,
    *,
    years: Iterable[int] | None = None,
    minimum: int = PEER_MINIMUM,
    levels: Sequence[str] = PEER_LEVELS,
    reference: Reference | None = None,
    scope: str = SIBLINGS,
) -> pd.DataFrame:
    """frames.peer_stats of the organization against its anonymous peer group (`scope`), for
    the years it has an approved assessment (among `years`); 404 when `user` may not see it.
    Three queries (five for the state-wide group), and two more without `reference`."""
    organization = benchmark_organization_get_for_user(user, organization.pk)
    reference = reference or reference_frames()
    answers = organization_answers_frame(
        user, [organization.pk], years=years, versions=reference.versions
    )
    return _peer_figures(
        organization,
        series_scores(answers, reference),
        reference,
        years=years,
        minimum=minimum,
        levels=levels,
        scope=scope,
    )


def named_peer_scores(
    user,
    organization: Organization,
    *,
    years: Iterable[int] | None = None,
    reference: Reference | None = None,
    scope: str = SIBLINGS,
) -> pd.DataFrame | None:
    """SCORES of the organization's peers with a `name` column, for a user who may see every
    one of them (a state-level viewer); None for anyone else. Read through the user's own
    permissions. Two queries, and two more without `reference`."""
    group = peer_group_for_user(user, organization, scope)
    if not group.named:
        return None
    return _named_scores(user, group, years=years, reference=reference or reference_frames())


def _named_scores(user, group: PeerGroup, *, years, reference: Reference) -> pd.DataFrame:
    answers = organization_answers_frame(
        user, list(group.names), years=years, versions=reference.versions
    )
    scores = series_scores(answers, reference)
    return scores.assign(name=scores["organization"].map(group.names))


# ----------------------------------------------------------------------------- one report


@dataclass
class OrganizationBenchmark:
    """Everything one organization's benchmark report shows (frames as csf.benchmarks.frames
    and csf.benchmarks.rmf_metrics describe them)."""

    organization: Organization
    reference: Reference
    scores: pd.DataFrame  # SCORES, CSF 2.0 terms
    changes: pd.DataFrame  # CHANGES
    improved: pd.DataFrame  # most_improved categories of the latest year
    declined: pd.DataFrame
    targets: pd.DataFrame  # against_target
    peers: pd.DataFrame  # peer_stats: aggregates only
    peer_group: PeerGroup
    named_peers: pd.DataFrame | None  # SCORES by name, for a reader who may see each peer
    summary: list[str]
    rmf_years: list[int]
    rmf: pd.DataFrame  # METRICS rolled up over the subtree the reader sees
    rmf_own: pd.DataFrame  # METRICS of each organization's own systems
    requested_years: list[int] | None = None  # None: every year assessed
    peer_scopes: dict[str, str] = field(default_factory=dict)  # the groups offered

    @property
    def framework(self) -> str:
        return self.reference.framework

    @property
    def targets_available(self) -> bool:
        """Targets are set in CSF 2.0 terms: a report in CSF 1.1 terms has none."""
        return self.reference.framework != V11

    @property
    def years(self) -> list[int]:
        return sorted(int(year) for year in self.scores["year"].unique())


def organization_benchmark_get(
    user,
    organization: Organization,
    *,
    years: Iterable[int] | None = None,
    today: date | None = None,
    minimum: int = PEER_MINIMUM,
    levels: Sequence[str] = LEVELS,
    framework: str = ALL,
    peer_scope: str = SIBLINGS,
    reference: Reference | None = None,
) -> OrganizationBenchmark:
    """One organization's benchmark report data for `user` (404 when they may not see it):
    its scores in every year asked, the changes, the categories most improved and declined,
    its gaps to target, the peer comparison, the named peers for a reader who may see them,
    the summary, and the RMF programme metrics; `framework` a key of FRAMEWORKS, `peer_scope`
    one of peer_scopes(organization) (ValueError otherwise). Eleven queries: one more to name
    the state of an agency under one, one more with named peers, two more without `reference`,
    two more for a state-wide peer group; whatever the number of years, peers and
    descendants."""
    today = today or timezone.localdate()
    years = None if years is None else sorted({int(year) for year in years})
    organization = benchmark_organization_get_for_user(user, organization.pk)
    reference = reference or reference_frames(framework)
    if reference.framework != framework:
        raise ValueError("reference: built for another framework than the report's")
    scopes = peer_scopes(organization)
    if (peer_scope not in scopes) if scopes else (peer_scope != SIBLINGS):
        raise ValueError(f"peer_scope: one of {', '.join(scopes) or SIBLINGS}")
    scores = series_scores(
        organization_answers_frame(
            user, [organization.pk], years=years, versions=reference.versions
        ),
        reference,
    )
    if scores.empty:
        changes = pd.DataFrame(columns=CHANGE_COLUMNS)
    else:
        changes = year_over_year(scores, levels=levels)
    group = peer_group_for_user(
        user, organization, peer_scope, description=scopes.get(peer_scope, "")
    )
    named = _named_scores(user, group, years=years, reference=reference) if group.named else None
    # Own targets are CSF 2.0 subcategories: a CSF 1.1 report is not measured against them.
    targets = (
        against_target(scores, targets_frame([organization.pk]))
        if framework != V11
        else against_target(scores.iloc[0:0], pd.DataFrame(columns=TARGET_COLUMNS))
    )
    peer_levels = [level for level in levels if level in PEER_LEVELS] or list(PEER_LEVELS)
    if years is not None:
        rmf_years = years
    else:
        recent = range(today.year - RMF_YEARS + 1, today.year + 1)
        rmf_years = sorted(set(recent) | {int(year) for year in scores["year"].unique()})
    rmf_own, rmf = rmf_metrics_for_user(user, organization, rmf_years, today=today)
    return OrganizationBenchmark(
        organization=organization,
        reference=reference,
        scores=scores,
        changes=changes,
        improved=most_improved(changes),
        declined=most_declined(changes),
        targets=targets,
        peers=_peer_figures(
            organization,
            scores,
            reference,
            years=years,
            minimum=minimum,
            levels=peer_levels,
            scope=peer_scope,
        ),
        peer_group=group,
        named_peers=named,
        summary=summary_sentences(changes, titles=reference.titles),
        rmf_years=[year for year in rmf_years if year <= today.year],
        rmf=rmf,
        rmf_own=rmf_own,
        requested_years=years,
        peer_scopes=scopes,
    )
