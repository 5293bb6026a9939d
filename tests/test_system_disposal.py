"""M-7, disposal: recording the retirement of a system (the system team; a date neither in the
future nor before it went live; a reason), which ends its authorization, closes its current
cycle, and leaves every RMF record read-only; the pages show it."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from assets.models import AuditEvent, System
from assets.services import system_update
from rmf.models import Authorization, AuthorizationDecision, ChangeRecord
from rmf.selectors.decisions import DISPOSED, decision_status
from rmf.selectors.workflow import cycle_facts, task_states
from rmf.services.monitor import change_record_create, system_dispose
from rmf.services.workflow import authorization_start
from tests.authorize_steps import cycle_in_monitor
from tests.test_rmf_cycles import started_cycle

TODAY = timezone.localdate()
REASON = "Replaced by the regional traffic system; data archived, controllers sanitized."


def test_disposal_ends_the_authorization_and_closes_the_cycle(personas):
    authorization = cycle_in_monitor(personas)
    # In service, M-7 has nothing to do: neither open (not in the portfolio's open tasks) nor
    # shown as done.
    m7 = next(state for state in task_states(cycle_facts(authorization)) if state.code == "M-7")
    assert m7.done and "in service" in m7.idle
    system = system_dispose(
        actor=personas.member, system=personas.system, disposed_on=TODAY, reason=REASON
    )
    assert system.status == System.Status.DISPOSED and system.retirement_date == TODAY
    decision = AuthorizationDecision.objects.get(authorization=authorization)
    assert decision.ended_on == TODAY and "System disposed" in decision.ended_reason
    cycle = Authorization.objects.get(pk=authorization.pk)
    assert cycle.closed_at is not None
    m7 = next(state for state in task_states(cycle_facts(cycle)) if state.code == "M-7")
    assert m7.done and not m7.idle
    assert decision_status(system, TODAY).state == DISPOSED
    actions = set(AuditEvent.objects.filter(reason=REASON).values_list("action", flat=True))
    assert actions == {"system_dispose", "authorization_decision_end", "authorization_close"}
    # Afterwards, every RMF record is read-only and no new cycle starts.
    with pytest.raises(ValidationError, match="disposed"):
        change_record_create(
            actor=personas.member,
            authorization=cycle,
            title="Late change",
            kind="software",
            description="x",
            changed_on=TODAY,
        )
    with pytest.raises(ValidationError, match="disposed"):
        authorization_start(actor=personas.member, system=system)
    with pytest.raises(ValidationError, match="already disposed"):
        system_dispose(actor=personas.member, system=system, disposed_on=TODAY, reason=REASON)
    assert not ChangeRecord.objects.exists()


def test_disposal_validation(personas):
    system = system_update(actor=None, system=personas.system, operational_since=date(2020, 5, 1))
    with pytest.raises(ValidationError) as error:
        system_dispose(actor=personas.member, system=system, disposed_on=None, reason=" ")
    assert set(error.value.message_dict) == {"disposed_on", "reason"}
    with pytest.raises(ValidationError) as error:
        system_dispose(
            actor=personas.member,
            system=system,
            disposed_on=TODAY + timedelta(days=1),
            reason=REASON,
        )
    assert "cannot be in the future" in error.value.message_dict["disposed_on"][0]
    with pytest.raises(ValidationError) as error:
        system_dispose(
            actor=personas.member, system=system, disposed_on=date(2020, 4, 30), reason=REASON
        )
    assert "went live on 2020-05-01" in error.value.message_dict["disposed_on"][0]
    for actor in (personas.assessor, personas.authorizing_official, personas.viewer):
        with pytest.raises(PermissionDenied):
            system_dispose(actor=actor, system=system, disposed_on=TODAY, reason=REASON)
    system.refresh_from_db()
    assert system.status != System.Status.DISPOSED and system.retirement_date is None
    assert not AuditEvent.objects.filter(action="system_dispose").exists()


def test_a_system_never_authorized_can_be_disposed(personas):
    authorization = started_cycle(personas)
    system_dispose(actor=personas.member, system=personas.system, disposed_on=TODAY, reason=REASON)
    assert Authorization.objects.get(pk=authorization.pk).closed_at is not None
    assert not AuditEvent.objects.filter(action="authorization_decision_end").exists()


def test_the_pages_show_the_disposal_and_offer_no_change(client, personas):
    authorization = cycle_in_monitor(personas)
    url = reverse("rmf:system_dispose", args=[personas.system.pk])
    client.force_login(personas.viewer)
    body = client.get(url).content.decode()
    assert 'id="dispose-form"' not in body and "records the disposal" in body
    assert client.post(url, {"disposed_on": TODAY, "reason": REASON}).status_code == 404
    client.force_login(personas.sibling)
    assert client.get(url).status_code == 404
    client.force_login(personas.member)
    assert 'id="dispose-form"' in client.get(url).content.decode()
    response = client.post(url, {"disposed_on": TODAY.isoformat(), "reason": ""})
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert "reason" in errors and "confirm" in errors
    response = client.post(
        url,
        {"disposed_on": (TODAY + timedelta(days=3)).isoformat(), "reason": REASON, "confirm": "on"},
    )
    assert response.status_code == 400
    assert "future" in response.context["form"].errors["disposed_on"][0]
    response = client.post(
        url, {"disposed_on": TODAY.isoformat(), "reason": REASON, "confirm": "on"}
    )
    assert response.status_code == 302
    body = client.get(url).content.decode()
    assert 'id="disposal-record"' in body and REASON in body and 'id="dispose-form"' not in body
    monitor = client.get(reverse("rmf:monitor", args=[authorization.pk])).content.decode()
    assert 'id="disposed"' in monitor and 'id="record-change"' not in monitor
    assert "read-only" in monitor
