"""The RMF pages in the test client: a full walk through Categorize and Select, the messages and
field errors of refused input, and a fixed number of queries per page."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from assets.models import AuditEvent, InformationType, Role, System
from assets.services import (
    component_create,
    membership_grant,
    system_information_type_add,
    system_update,
)
from rmf.models import (
    Authorization,
    ImpactAdjustment,
    OrganizationParameterDefault,
    ParameterValue,
    SelectedControl,
    Step,
)
from rmf.services.categorization import impact_adjust
from rmf.services.selection import control_set_select
from rmf.services.workflow import authorization_advance, authorization_start, task_signoff
from tests.factories import UserFactory, make_organization, make_system

pytestmark = pytest.mark.django_db

# SP 800-60 D.14.2: confidentiality LOW, integrity MODERATE, availability LOW.
INFORMATION_TYPE = "D.14.2"
JUSTIFICATION = "Signal outages at rush hour endanger lives: special factor of SP 800-60."


# --- shared set-ups (the other RMF test modules import them) -----------------------------------


def prepare_inventory(personas, system: System | None = None, *, information_types=1):
    """Everything C-1 and C-2 ask for: description, boundary, owner, AO, a component, a type."""
    system = system or personas.system
    system_update(
        actor=None,
        system=system,
        boundary_description="The signal controllers and the central management server.",
        system_owner=personas.member,
        authorizing_official=personas.authorizing_official,
    )
    component_create(actor=None, system=system, name="Controllers", component_type="ot_device")
    types = [InformationType.objects.get(pk=INFORMATION_TYPE)]
    types += list(InformationType.objects.exclude(pk=INFORMATION_TYPE)[: information_types - 1])
    links = [
        system_information_type_add(actor=None, system=system, catalog_type=item) for item in types
    ]
    return links[0]


def cycle_in_select(personas, system: System | None = None, *, level="HIGH", **kwargs):
    """A cycle moved on to Select through the services, availability raised to `level`."""
    system = system or personas.system
    link = prepare_inventory(personas, system, **kwargs)
    authorization = authorization_start(actor=personas.member, system=system)
    if level:
        impact_adjust(
            actor=personas.member,
            authorization=authorization,
            system_information_type=link,
            objective="availability",
            level=level,
            justification=JUSTIFICATION,
        )
    task_signoff(actor=personas.authorizing_official, authorization=authorization, task="C-3")
    authorization_advance(actor=personas.member, authorization=authorization)
    return Authorization.objects.get(pk=authorization.pk)


def make_isso(personas):
    user = UserFactory(username="isso")
    membership_grant(actor=None, organization=personas.agency, user=user, role=Role.ISSO)
    return user


def _messages(response) -> str:
    """The page's messages, joined: the tests match the part of a service's message that
    matters, not its whole wording."""
    return " ".join(str(message) for message in response.context["messages"])


# --- the walk ----------------------------------------------------------------------------------


def test_a_planner_starts_the_rmf_and_categorizes_the_system(client, personas):
    system = personas.system
    client.force_login(personas.member)
    rmf_page = client.get(reverse("rmf:system_rmf", args=[system.pk]))
    assert "Start the RMF" in rmf_page.content.decode()

    response = client.post(reverse("rmf:authorization_start", args=[system.pk]), follow=True)
    authorization = Authorization.objects.get(system=system, is_current=True)
    assert response.redirect_chain[-1][0] == reverse(
        "rmf:authorization_detail", args=[authorization.pk]
    )
    body = response.content.decode()
    assert "Cycle 1 of the RMF has started." in body
    assert 'aria-current="step"' in body
    assert "To move on to Select, still needed:" in body
    assert "the authorization boundary" in body  # C-1, in plain words
    assert "Move on to Select" in body

    link = prepare_inventory(personas)
    body = client.get(reverse("rmf:authorization_detail", args=[authorization.pk])).content
    assert "the authorization boundary" not in body.decode()

    url = reverse("rmf:categorize", args=[authorization.pk])
    page = client.get(url).content.decode()
    assert "If this information were disclosed to the wrong people" in page
    assert "SC system = {(confidentiality, LOW), (integrity, MODERATE), (availability, LOW)}" in (
        page
    )
    prefix = f"t{link.pk}-availability"
    refused = client.post(
        url,
        {
            "information_type": link.pk,
            "objective": "availability",
            f"{prefix}-level": "HIGH",
            f"{prefix}-justification": "  ",
        },
    )
    assert refused.status_code == 400
    body = refused.content.decode()
    assert f'id="id_{prefix}-justification_error"' in body
    assert "Explain why this information" in body
    assert '<option value="HIGH" selected>' in body  # what was chosen is kept
    assert not ImpactAdjustment.objects.exists()

    out_of_range = client.post(
        url,
        {"information_type": link.pk, "objective": "availability", f"{prefix}-level": "EXTREME"},
    )
    assert out_of_range.status_code == 400
    assert "is not an impact level: choose LOW, MODERATE or HIGH" in out_of_range.content.decode()
    assert not ImpactAdjustment.objects.exists()

    saved = client.post(
        url,
        {
            "information_type": link.pk,
            "objective": "availability",
            f"{prefix}-level": "HIGH",
            f"{prefix}-justification": JUSTIFICATION,
        },
        follow=True,
    )
    body = saved.content.decode()
    assert "Availability of D.14.2" in body
    assert "SC system = {(confidentiality, LOW), (integrity, MODERATE), (availability, HIGH)}" in (
        body
    )
    assert ImpactAdjustment.objects.get().level == "HIGH"

    # The gate holds without the AO's approval.
    advance = reverse("rmf:authorization_advance", args=[authorization.pk])
    blocked = client.post(advance, follow=True)
    assert "Still needed: C-3" in _messages(blocked)
    assert Authorization.objects.get(pk=authorization.pk).step == Step.CATEGORIZE


def test_the_ao_approves_and_the_planner_selects_and_tailors(client, personas):
    link = prepare_inventory(personas)
    authorization = authorization_start(actor=personas.member, system=personas.system)
    impact_adjust(
        actor=personas.member,
        authorization=authorization,
        system_information_type=link,
        objective="availability",
        level="HIGH",
        justification=JUSTIFICATION,
    )
    detail = reverse("rmf:authorization_detail", args=[authorization.pk])
    signoff = reverse("rmf:task_signoff", args=[authorization.pk])

    client.force_login(personas.authorizing_official)
    page = client.get(detail).content.decode()
    assert "Approve C-3" in page
    assert "Move on to Select" not in page  # the AO does not edit the cycle
    approved = client.post(
        signoff, {"task": "C-3", "note": "Reviewed with the owner."}, follow=True
    )
    assert "C-3 is signed off." in _messages(approved)
    body = approved.content.decode()
    assert "Signed by" in body and "Reviewed with the owner." in body
    twice = client.post(signoff, {"task": "C-3"}, follow=True)
    assert "C-3 is already signed off" in _messages(twice)
    categorize = client.get(reverse("rmf:categorize", args=[authorization.pk])).content.decode()
    assert "frozen for this cycle" in categorize
    # The AO may not change the categorization.
    refused = client.post(
        reverse("rmf:categorize", args=[authorization.pk]),
        {"information_type": link.pk, "objective": "integrity"},
    )
    assert refused.status_code == 404

    client.force_login(personas.member)
    moved = client.post(reverse("rmf:authorization_advance", args=[authorization.pk]), follow=True)
    assert "The cycle moved on to Select." in _messages(moved)
    assert 'class="rmf-step current" aria-current="step"><a href="#step-select">' in (
        moved.content.decode()
    )

    select = reverse("rmf:select", args=[authorization.pk])
    page = client.get(select).content.decode()
    assert "<strong>HIGH</strong> baseline: 370 controls" in page
    created = client.post(reverse("rmf:control_set_select", args=[authorization.pk]), follow=True)
    assert "The control set was created from HIGH." in _messages(created)
    body = created.content.decode()
    assert '<dd id="count-baseline">370</dd>' in body
    assert '<dd id="count-added">0</dd>' in body
    assert '<dd id="count-active"><strong>370</strong></dd>' in body
    again = client.post(reverse("rmf:control_set_select", args=[authorization.pk]), follow=True)
    assert "already selected" in _messages(again)
    assert SelectedControl.objects.filter(authorization=authorization).count() == 370

    # Tailoring is the ISSO's.
    add = reverse("rmf:control_add", args=[authorization.pk])
    assert client.post(add, {"control": "AC-2(6)", "rationale": "x"}).status_code == 404
    client.force_login(make_isso(personas))
    missing = client.post(add, {"control": "AC-2(6)", "rationale": ""})
    assert missing.status_code == 400
    assert "Every tailoring decision needs a rationale" in missing.content.decode()
    unknown = client.post(add, {"control": "ZZ-99", "rationale": "Needed."})
    assert unknown.status_code == 400
    assert "There is no control “zz-99”" in unknown.content.decode()
    added = client.post(add, {"control": "AC-2(6)", "rationale": "Dynamic roles."}, follow=True)
    assert "AC-2(6) is in the control set." in _messages(added)
    remove = reverse("rmf:control_remove", args=[authorization.pk])
    removed = client.post(
        remove,
        {"control": "pe-18", "kind": "scoped_out", "rationale": "No facility of our own."},
        follow=True,
    )
    assert "PE-18 left the control set." in _messages(removed)
    body = removed.content.decode()
    assert '<dd id="count-added">1</dd>' in body
    assert '<dd id="count-removed">1</dd>' in body
    assert '<dd id="count-active"><strong>370</strong></dd>' in body
    assert "No facility of our own." in body and "Dynamic roles." in body

    # Allocation: common controls need a provider of the same government.
    provider = make_system(personas.agency, "City Data Center", "CDC")
    picked = list(
        SelectedControl.objects.filter(
            authorization=authorization, control__in=["ac-1", "at-1"]
        ).values_list("pk", flat=True)
    )
    allocate = reverse("rmf:control_allocate", args=[authorization.pk])
    no_provider = client.post(allocate, {"controls": picked, "designation": "common"})
    assert no_provider.status_code == 400
    body = no_provider.content.decode()
    assert "Common and hybrid controls need the system that provides them." in body
    assert f'value="{picked[0]}" id="pick-{picked[0]}" aria-label="Tick AC-1" checked' in body
    client.post(allocate, {"controls": picked, "designation": "common", "provider": provider.pk})
    assert set(
        SelectedControl.objects.filter(pk__in=picked).values_list("designation", "provider")
    ) == {("common", provider.pk)}
    # Providers are offered across the city, also systems of agencies the ISSO cannot open
    # (the city's data center serves everyone); another government's are no choice.
    sibling = client.post(
        allocate,
        {"controls": picked, "designation": "hybrid", "provider": personas.sibling_system.pk},
    )
    assert sibling.status_code == 302
    other_city = make_organization("Other City", "city", personas.state)
    foreign = client.post(
        allocate,
        {
            "controls": picked,
            "designation": "common",
            "provider": make_system(other_city, "Their Data Center", "TDC").pk,
        },
    )
    assert foreign.status_code == 400
    client.post(allocate, {"controls": picked, "designation": "common", "provider": provider.pk})

    frequency = reverse("rmf:monitoring_frequency", args=[authorization.pk])
    client.post(frequency, {"frequency": "annual", "scope": "all"})
    client.post(frequency, {"frequency": "quarterly", "scope": "family", "family": "ac"})
    active = SelectedControl.objects.filter(
        authorization=authorization, tailoring__in=["baseline", "added"]
    )
    assert not active.filter(monitoring_frequency="").exists()
    assert set(
        active.filter(control__family="ac").values_list("monitoring_frequency", flat=True)
    ) == {"quarterly"}
    client.post(frequency, {"frequency": "monthly", "scope": "selected", "controls": picked})
    assert set(
        SelectedControl.objects.filter(pk__in=picked).values_list("monitoring_frequency", flat=True)
    ) == {"monthly"}
    no_family = client.post(frequency, {"frequency": "monthly", "scope": "family"})
    assert no_family.status_code == 400
    assert "Choose the family." in no_family.content.decode()

    filtered = client.get(select, {"tailoring": "added"}).content.decode()
    assert "AC-2(6)" in filtered and "AC-1</a>" not in filtered


def test_parameter_values_and_organization_defaults(client, personas):
    authorization = cycle_in_select(personas)
    control_set_select(actor=personas.member, authorization=authorization)
    ac1 = SelectedControl.objects.get(authorization=authorization, control="ac-1")

    client.force_login(personas.admin)
    defaults = reverse("rmf:organization_parameters", args=[personas.agency.pk])
    found = client.get(defaults, {"control": "AC-1"}).content.decode()
    assert "AC-01_ODP[02]" in found
    saved = client.post(
        defaults,
        {"control": "ac-1", "parameter": "ac-01_odp.02", "ac-01_odp.02-value": "The CISO"},
        follow=True,
    )
    assert saved.redirect_chain[-1][0].endswith("?control=ac-1")
    assert OrganizationParameterDefault.objects.get().value == "The CISO"
    unknown = client.get(defaults, {"control": "XX-1"}).content.decode()
    assert "There is no control “XX-1” in SP 800-53." in unknown

    url = reverse("rmf:selected_control", args=[ac1.pk])
    client.force_login(personas.viewer)
    page = client.get(url).content.decode()
    assert "The CISO" in page and "organization default" in page
    assert "Save AC-01_ODP[01]" not in page  # readers read
    assert client.post(url, {"parameter": "ac-01_odp.01"}).status_code == 404

    client.force_login(personas.member)
    page = client.get(url).content.decode()
    assert reverse("rmf:control_detail", args=["ac-1"]) in page
    client.post(url, {"parameter": "ac-01_odp.01", "ac-01_odp.01-value": "All staff"})
    assert ParameterValue.objects.get(selected_control=ac1).value == "All staff"
    page = client.get(url).content.decode()
    assert "All staff" in page and "set for this system" in page
    wrong = client.post(url, {"parameter": "nope", "nope-value": "x"}, follow=True)
    assert "AC-1 has no such parameter." in _messages(wrong)


def test_going_back_needs_a_reason_and_withdrawing_needs_one_too(client, personas):
    authorization = cycle_in_select(personas)
    detail = reverse("rmf:authorization_detail", args=[authorization.pk])
    client.force_login(personas.member)
    back = reverse("rmf:authorization_step_back", args=[authorization.pk])
    refused = client.post(back, {"to_step": "categorize", "reason": ""})
    assert refused.status_code == 400
    assert "Going back needs a reason" in refused.content.decode()
    assert Authorization.objects.get(pk=authorization.pk).step == Step.SELECT
    client.post(back, {"to_step": "categorize", "reason": "A new data feed was added."})
    assert Authorization.objects.get(pk=authorization.pk).step == Step.CATEGORIZE

    client.force_login(personas.authorizing_official)
    withdraw = reverse("rmf:task_signoff_withdraw", args=[authorization.pk])
    no_reason = client.post(withdraw, {"task": "C-3", "reason": ""})
    assert no_reason.status_code == 400
    assert "Say why the sign-off is withdrawn." in no_reason.content.decode()
    client.post(withdraw, {"task": "C-3", "reason": "The data feed changes the impact."})
    history = client.get(detail).content.decode()
    assert "A new data feed was added." in history
    assert "Signed C-3" in history
    assert "Withdrew the sign-off of C-3" in history
    assert "The data feed changes the impact." in history
    not_signed = client.post(withdraw, {"task": "C-3", "reason": "Again."}, follow=True)
    assert "C-3 is not signed off." in _messages(not_signed)


def test_the_system_page_links_to_the_current_cycle(client, personas):
    client.force_login(personas.member)
    url = reverse("assets:system_detail", args=[personas.system.pk])
    before = client.get(url).content.decode()
    assert reverse("rmf:system_rmf", args=[personas.system.pk]) in before
    authorization = authorization_start(actor=personas.member, system=personas.system)
    after = client.get(url).content.decode()
    assert "Cycle 1 is in the <strong>Categorize</strong> step." in after
    assert reverse("rmf:authorization_detail", args=[authorization.pk]) in after


def test_the_navigation_marks_the_portfolio_not_organizations_on_systems(client, personas):
    client.force_login(personas.member)
    portfolio = client.get(reverse("rmf:portfolio")).content.decode()
    assert f'<a href="{reverse("rmf:portfolio")}" aria-current="page">RMF portfolio</a>' in (
        portfolio
    )
    system_page = client.get(reverse("assets:system_detail", args=[personas.system.pk]))
    organizations = reverse("assets:organization_list")
    assert f'<a href="{organizations}">Organizations</a>' in system_page.content.decode()
    org_page = client.get(reverse("assets:organization_detail", args=[personas.agency.pk]))
    assert f'<a href="{organizations}" aria-current="page">' in org_page.content.decode()


def test_a_closed_cycle_is_read_only(client, personas):
    first = cycle_in_select(personas)
    client.force_login(personas.member)
    rmf_page = client.get(reverse("rmf:system_rmf", args=[personas.system.pk])).content.decode()
    assert "Start cycle 2" in rmf_page
    client.post(
        reverse("rmf:authorization_start", args=[personas.system.pk]),
        {"reason": "The signal controllers are being replaced."},
    )
    second = Authorization.objects.get(system=personas.system, is_current=True)
    assert second.cycle == 2
    assert AuditEvent.objects.get(action="authorization_start", object_id=str(second.pk)).reason
    page = client.get(reverse("rmf:authorization_detail", args=[first.pk])).content.decode()
    assert "This is an earlier cycle" in page
    assert "Move on to" not in page
    refused = client.post(reverse("rmf:authorization_advance", args=[first.pk]), follow=True)
    assert "is closed" in _messages(refused)


# --- a fixed number of queries -----------------------------------------------------------------


def _count(client, url, params=None) -> int:
    client.get(url, params or {})  # warm the process-wide caches (content types) first
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, params or {})
    assert response.status_code == 200
    return len(captured.captured_queries)


def test_the_cycle_and_categorize_pages_run_a_fixed_number_of_queries(client, personas):
    small = cycle_in_select(personas, information_types=1)
    other = make_system(personas.agency, "Parking Meters", "PKM")
    large = cycle_in_select(personas, other, information_types=12)
    client.force_login(personas.member)
    for name in ("rmf:authorization_detail", "rmf:categorize"):
        few = _count(client, reverse(name, args=[small.pk]))
        many = _count(client, reverse(name, args=[large.pk]))
        assert few == many, name
        assert many <= 30, (name, many)


def test_the_select_page_runs_a_fixed_number_of_queries(client, personas):
    low = cycle_in_select(personas, level=None)  # a LOW system: 149 controls
    other = make_system(personas.agency, "Parking Meters", "PKM")
    high = cycle_in_select(personas, other)  # a HIGH system: 370 controls
    for authorization in (low, high):
        control_set_select(actor=personas.member, authorization=authorization)
    assert SelectedControl.objects.filter(authorization=high).count() == 370
    client.force_login(make_isso(personas))
    url_low = reverse("rmf:select", args=[low.pk])
    url_high = reverse("rmf:select", args=[high.pk])
    assert _count(client, url_low) == _count(client, url_high) <= 40
    filters = {"parameters_missing": "on", "family": "ac"}
    assert _count(client, url_low, filters) == _count(client, url_high, filters)


def test_the_isso_rewords_a_rationale_and_puts_a_control_back(client, personas):
    authorization = cycle_in_select(personas)
    control_set_select(actor=personas.member, authorization=authorization)
    client.force_login(make_isso(personas))
    remove = reverse("rmf:control_remove", args=[authorization.pk])
    client.post(remove, {"control": "PE-18", "kind": "compensating", "rationale": "Cameras."})
    removed = SelectedControl.objects.get(authorization=authorization, control="pe-18")
    page = client.get(reverse("rmf:selected_control", args=[removed.pk])).content.decode()
    assert "Cameras." in page
    assert "Save PE-18" not in page  # no parameter values for a removed control
    url = reverse("rmf:tailoring_rationale", args=[removed.pk])
    empty = client.post(url, {"rationale": " "})
    assert empty.status_code == 400
    assert "Every tailoring decision needs a rationale" in empty.content.decode()
    client.post(url, {"rationale": "Cameras and guards at every door."})
    removed.refresh_from_db()
    assert removed.tailoring_rationale == "Cameras and guards at every door."
    back = client.post(
        reverse("rmf:control_add", args=[authorization.pk]),
        {"control": "pe-18", "rationale": "The cameras were removed."},
        follow=True,
    )
    assert "PE-18 is in the control set." in _messages(back)
    removed.refresh_from_db()
    assert removed.tailoring == SelectedControl.Tailoring.BASELINE


def test_privacy_and_a_change_after_approval_are_said_plainly(client, personas):
    system_update(actor=None, system=personas.system, processes_pii=True)
    authorization = cycle_in_select(personas, level=None)
    client.force_login(personas.member)
    categorize = reverse("rmf:categorize", args=[authorization.pk])
    page = client.get(categorize).content.decode()
    assert "this system processes PII, so the PRIVACY baseline will be added" in page
    assert "frozen for this cycle" in page
    select = client.get(reverse("rmf:select", args=[authorization.pk])).content.decode()
    assert "<strong>MODERATE</strong> baseline" in select
    assert "<strong>PRIVACY</strong> baseline" in select

    system_information_type_add(
        actor=None, system=personas.system, catalog_type=InformationType.objects.get(pk="D.14.1")
    )
    page = client.get(categorize).content.decode()
    assert "The data changed since the approval." in page
    client.force_login(personas.authorizing_official)
    cycle = client.get(reverse("rmf:authorization_detail", args=[authorization.pk]))
    body = cycle.content.decode()
    assert "a new approval: the categorization changed after it was approved" in body
    assert "Approve C-3" in body and "Withdraw C-3" in body  # approve anew, or reopen it


def test_bad_input_never_breaks_a_page(client, personas):
    authorization = cycle_in_select(personas)
    control_set_select(actor=personas.member, authorization=authorization)
    isso = make_isso(personas)
    pk = authorization.pk
    posts = [
        (personas.member, reverse("rmf:categorize", args=[pk]), {"information_type": "abc"}),
        (personas.member, reverse("rmf:authorization_step_back", args=[pk]), {"to_step": "x"}),
        (personas.member, reverse("rmf:control_set_select", args=[pk]), {}),
        (personas.authorizing_official, reverse("rmf:task_signoff", args=[pk]), {"task": "I-1"}),
        (personas.authorizing_official, reverse("rmf:task_signoff", args=[pk]), {}),
        (personas.authorizing_official, reverse("rmf:task_signoff_withdraw", args=[pk]), {}),
        (isso, reverse("rmf:control_allocate", args=[pk]), {"controls": ["abc"]}),
        (isso, reverse("rmf:control_allocate", args=[pk]), {"designation": "common"}),
        (isso, reverse("rmf:monitoring_frequency", args=[pk]), {"frequency": "weekly"}),
        (isso, reverse("rmf:monitoring_frequency", args=[pk]), {"scope": "all"}),
        (isso, reverse("rmf:control_remove", args=[pk]), {"control": "ac-2.6"}),
        (isso, reverse("rmf:control_add", args=[pk]), {"control": "ac-2", "rationale": "x"}),
        (isso, reverse("rmf:control_add", args=[pk]), {"control": "ac-1.1", "rationale": "x"}),
    ]
    before = SelectedControl.objects.filter(authorization=authorization).count()
    for user, url, data in posts:
        client.force_login(user)
        response = client.post(url, data)
        assert response.status_code in (302, 400), (url, data, response.status_code)
    assert SelectedControl.objects.filter(authorization=authorization).count() == before
    assert Authorization.objects.get(pk=pk).step == Step.SELECT
    client.force_login(isso)
    select = reverse("rmf:select", args=[pk])
    for params in ({"page": "abc"}, {"family": "zz", "tailoring": "x"}, {"page": "999"}):
        assert client.get(select, params).status_code == 200
