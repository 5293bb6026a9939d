"""The authorization decision (R-4, R-5): only the system's authorizing official signs, with
their password, once R-1 to R-3 are done, dated today, within the termination limits; a
signature freezes the package (content and SHA-256) and is final; a later change to the data
marks the package as changed since authorization, naming the sections; the system's decision of
an earlier cycle ends. Every refusal writes nothing."""

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from assets.models import AuditEvent, Role
from assets.services import membership_grant, system_update
from rmf.models import Authorization, AuthorizationDecision, Finding, Step
from rmf.selectors.authorize_pages import decision_page
from rmf.selectors.package import package_content, package_hash
from rmf.selectors.workflow import cycle_facts, task_states
from rmf.services.authorize import decision_sign, risk_determination_record, risk_response_record
from rmf.services.implementation import narrative_save
from rmf.services.workflow import authorization_advance, task_signoff
from tests.assessment_steps import control
from tests.authorize_steps import cycle_in_authorize, ready_to_sign, sign
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

Kind = AuthorizationDecision.Kind


def today():
    return timezone.localdate()


def states(authorization: Authorization) -> dict:
    return {state.code: state for state in task_states(cycle_facts(authorization))}


@pytest.fixture
def ready(personas):
    return ready_to_sign(personas, cycle_in_authorize(personas))


def refusal(personas, authorization, *, actor=None, **values) -> ValidationError:
    with pytest.raises(ValidationError) as caught:
        sign_values = {
            "kind": Kind.ATO,
            "conditions": [],
            "terms": "",
            "decision_date": today(),
            "termination_date": today() + timedelta(days=365),
            "password": PASSWORD,
            **values,
        }
        decision_sign(
            actor=actor or personas.authorizing_official, authorization=authorization, **sign_values
        )
    return caught.value


def test_bad_signatures_are_refused_and_write_nothing(personas, ready):
    day = today()
    cases = [
        ({"password": "wrong"}, "password", "The password is not right"),
        ({"password": ""}, "password", "The password is not right"),
        ({"decision_date": day - timedelta(days=1)}, "decision_date", "cannot be backdated"),
        ({"decision_date": day + timedelta(days=1)}, "decision_date", "dated the day it is signed"),
        ({"kind": Kind.ATO_WITH_CONDITIONS}, "conditions", "List the conditions"),
        ({"kind": Kind.ATO_WITH_CONDITIONS, "conditions": ["  ", ""]}, "conditions", "List"),
        ({"conditions": ["Scan monthly."]}, "conditions", "go with an authorization"),
        ({"kind": Kind.DENIAL}, "termination_date", "A denial has no termination date"),
        ({"termination_date": None}, "termination_date", "Give the date"),
        ({"termination_date": day}, "termination_date", "ends after the decision date"),
        (
            {"termination_date": day.replace(year=day.year + 5) + timedelta(days=1)},
            "termination_date",
            "at the latest",
        ),
        (
            {"kind": Kind.IATT, "termination_date": day + timedelta(days=367)},
            "termination_date",
            "at the latest",
        ),
        ({"kind": "maybe"}, "kind", "Choose an authorization"),
    ]
    for values, field, message in cases:
        error = refusal(personas, ready, **values)
        assert message in " ".join(error.message_dict.get(field, [])), (values, error)
    # The longest terms are accepted by the rules (not signed here: the first would be final).
    assert not AuthorizationDecision.objects.exists()
    assert not AuditEvent.objects.filter(action="decision_sign").exists()


def test_only_the_systems_authorizing_official_signs(personas, ready):
    other_official = UserFactory(username="other_official")
    membership_grant(
        actor=None, organization=personas.city, user=other_official, role=Role.AUTHORIZING_OFFICIAL
    )
    for actor in (other_official, personas.member, personas.viewer, personas.assessor):
        error = refusal(personas, ready, actor=actor, password=PASSWORD)
        assert "Only the authorizing official of TSC" in " ".join(error.messages), actor
    assert not AuthorizationDecision.objects.exists()
    # The other official may still record the risk: are any AO's.
    risk_determination_record(
        actor=other_official,
        authorization=ready,
        risk_level="low",
        rationale="Reviewed again.",
    )


def test_open_required_tasks_are_refused(personas):
    authorization = cycle_in_authorize(personas)
    error = refusal(personas, authorization)
    text = " ".join(error.messages)
    assert "cannot be signed yet" in text
    assert "R-1 Authorization package" in text and "R-2 " in text and "R-3 " in text
    task_signoff(actor=personas.member, authorization=authorization, task="R-1")
    risk_determination_record(
        actor=personas.authorizing_official,
        authorization=authorization,
        risk_level="moderate",
        rationale="Account weaknesses.",
    )
    first = Finding.objects.filter(assessment__authorization=authorization).first()
    risk_response_record(
        actor=personas.authorizing_official,
        finding=first,
        response="accept",
        rationale="Compensated by the console log review.",
    )
    text = " ".join(refusal(personas, authorization).messages)
    assert "R-1" not in text and "R-2" not in text
    assert "R-3 Risk response: a risk response" in text and "for 1 finding(s)" in text
    assert not AuthorizationDecision.objects.exists()


def test_signing_freezes_the_package_and_is_final(client, personas, ready):
    before = package_content(ready)
    assert not states(ready)["R-4"].done and not states(ready)["R-5"].done
    decision = sign(personas, ready, kind=Kind.ATO, days=3 * 365)
    assert decision.signed_by == personas.authorizing_official
    assert decision.signer_name == personas.authorizing_official.get_full_name()
    assert decision.snapshot == before
    assert decision.content_hash == package_hash(before) == package_hash(decision.snapshot)
    assert len(decision.content_hash) == 64
    assert decision.snapshot["risk"]["risk_level"] == "moderate"
    assert {row["response"] for row in decision.snapshot["assessment"]["findings"]} == {"mitigate"}
    event = AuditEvent.objects.get(action="decision_sign")
    assert event.changes["content_hash"][1] == decision.content_hash
    assert event.changes["kind"][1] == "ato"
    assert states(ready)["R-4"].done and states(ready)["R-5"].done
    assert decision_page(ready).changed_sections == []

    # Signing twice is refused, whatever the values; the decision stays as signed.
    error = refusal(personas, ready, kind=Kind.DENIAL, termination_date=None)
    assert "a signed decision is final" in " ".join(error.messages)
    assert AuthorizationDecision.objects.count() == 1
    assert AuthorizationDecision.objects.get().kind == Kind.ATO

    # The cycle moves on to Monitor with its decision.
    assert authorization_advance(actor=personas.member, authorization=ready).step == Step.MONITOR
    assert "signed in the Authorize step" in " ".join(refusal(personas, ready).messages)


def test_a_denial_needs_no_termination_date_and_stops_the_cycle(personas, ready):
    decision = sign(personas, ready, kind=Kind.DENIAL, terms="Too many open weaknesses.")
    assert decision.termination_date is None and not decision.permits_operation
    with pytest.raises(ValidationError, match="denied the authorization"):
        authorization_advance(actor=personas.member, authorization=ready)


def test_conditions_are_kept_one_per_line(client, personas, ready):
    client.force_login(personas.authorizing_official)
    url = reverse("rmf:authorize_decision", args=[ready.pk])
    day = today()
    response = client.post(
        url,
        {
            "kind": Kind.ATO_WITH_CONDITIONS,
            "conditions": "Scan monthly.\n\n  Report incidents within a day.  \n",
            "terms": "Within the boundary of the plan.",
            "decision_date": day.isoformat(),
            "termination_date": (day + timedelta(days=180)).isoformat(),
            "password": PASSWORD,
        },
    )
    assert response.status_code == 302
    decision = AuthorizationDecision.objects.get(authorization=ready)
    assert decision.conditions == ["Scan monthly.", "Report incidents within a day."]
    assert decision.kind == Kind.ATO_WITH_CONDITIONS


def test_the_previous_cycles_decision_ends(personas):
    # Cycle 1 of the system was authorized (recorded directly: a documented shortcut, its
    # package is not read here); cycle 2 is walked through and signed.
    first = Authorization.objects.create(system=personas.system, cycle=1, is_current=True)
    old = AuthorizationDecision.objects.create(
        authorization=first,
        kind=Kind.ATO,
        decision_date=today() - timedelta(days=1000),
        termination_date=today() + timedelta(days=95),
        signed_by=personas.authorizing_official,
        signer_name="Earlier official",
        signed_at=timezone.now() - timedelta(days=1000),
        content_hash="0" * 64,
        snapshot={},
    )
    second = ready_to_sign(personas, cycle_in_authorize(personas))
    assert second.cycle == 2 and second.previous_id == first.pk
    new = sign(personas, second)
    old.refresh_from_db()
    assert old.ended_on == today()
    assert "Superseded by the decision of cycle 2" in old.ended_reason
    assert new.ended_on is None
    ended = AuditEvent.objects.get(action="decision_end")
    assert ended.object_id == str(old.pk)
    assert "cycle 1" in AuditEvent.objects.get(action="decision_sign").changes["ends"][1][0]


def test_a_change_after_signing_shows_as_changed_since_authorization(
    client, api_client, personas, ready
):
    sign(personas, ready)
    ac2 = control(ready, "ac-2")
    narrative_save(
        actor=personas.member,
        selected_control=ac2,
        part_id="ac-2_smt.a",
        text="Accounts are now managed in the directory.",
        expected_version=1,
    )
    page = decision_page(ready)
    assert page.changed_sections == ["controls"]
    assert page.changed_labels == ["the controls and their implementation (SSP)"]
    client.force_login(personas.viewer)
    body = client.get(reverse("rmf:authorize_decision", args=[ready.pk])).content.decode()
    assert "Changed since authorization." in body
    assert "the controls and their implementation (SSP)" in body
    assert AuthorizationDecision.objects.get().content_hash in body
    body = client.get(reverse("rmf:authorize", args=[ready.pk])).content.decode()
    assert "Changed since authorization." in body
    # A new risk response changes another section; the API names both.
    finding = Finding.objects.filter(assessment__authorization=ready).first()
    risk_response_record(
        actor=personas.authorizing_official,
        finding=finding,
        response="accept",
        rationale="Accepted after the directory change.",
    )
    api_client.force_authenticate(personas.viewer)
    data = api_client.get(f"/api/v1/authorizations/{ready.pk}/decision/").json()
    assert data["changed_since_authorization"] is True
    assert [section["key"] for section in data["changed_sections"]] == ["controls", "assessment"]
    # The signed snapshot itself never changes.
    decision = AuthorizationDecision.objects.get()
    assert decision.content_hash == package_hash(decision.snapshot)


def test_naming_a_law_after_signing_changes_the_system_description(personas, ready):
    sign(personas, ready)
    assert decision_page(ready).changed_sections == []
    system_update(
        actor=personas.member,
        system=ready.system,
        laws_regulations="State data breach notification law",
    )
    page = decision_page(ready)
    assert page.changed_sections == ["system"]
    assert page.changed_labels == ["the system description (SSP)"]
    decision = AuthorizationDecision.objects.get()
    assert "laws_regulations" not in decision.snapshot["system"]
    assert package_hash(package_content(ready)) != decision.content_hash


def test_wrong_passwords_lock_signing_for_a_while(personas, ready, settings):
    settings.AXES_FAILURE_LIMIT = 3
    for _ in range(3):
        error = refusal(personas, ready, password="guess")
        assert "The password is not right" in str(error.message_dict["password"])
    # Locked: even the right password is refused until the cool-off has passed.
    error = refusal(personas, ready, password=PASSWORD)
    assert "Too many wrong passwords" in str(error.message_dict["password"])
    assert not AuthorizationDecision.objects.exists()
    cache.clear()  # the cool-off has passed
    assert sign(personas, ready).content_hash
