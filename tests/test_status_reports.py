"""Security status reports (M-5): per system and per organization, controls by implementation
status, findings not closed by risk, POA&M aging and overdue items, assessment coverage; over
the current cycles of systems not disposed, and only the systems the reader may see. The
set-based coverage equals the control-by-control schedule of `monitor_facts`."""

from datetime import timedelta

import pytest
from django.db.models import Count
from django.urls import reverse
from django.utils import timezone

from rmf.models import (
    Assessment,
    ControlImplementation,
    ControlPart,
    Determination,
    Finding,
    MonitoringFrequency,
    PoamItem,
    SelectedControl,
)
from rmf.selectors.monitor_facts import assessment_schedule, poam_aging_counts
from rmf.selectors.reporting import (
    coverage_counts,
    organization_status_report,
    reported_cycles,
    system_status_report,
)
from rmf.services.workflow import authorization_start
from tests.reporting_steps import agency_systems, current_cycle, dispose, finding, poam_item

pytestmark = pytest.mark.django_db


def _tallies(tallies) -> dict[str, int]:
    return {tally.key: tally.count for tally in tallies}


def test_a_system_report_counts_its_current_cycle(client, personas):
    from tests.authorize_steps import cycle_in_authorize

    authorization = cycle_in_authorize(personas)  # two findings rated, POA&M items kept
    system = personas.system
    today = timezone.localdate()
    report = system_status_report(system, today)

    active = SelectedControl.objects.filter(
        authorization=authorization, tailoring__in=("baseline", "added")
    )
    assert report.controls_total == active.count() > 100
    by_status = dict(
        ControlImplementation.objects.filter(selected_control__in=active)
        .values_list("status")
        .annotate(n=Count("pk"))
    )
    for key, count in _tallies(report.controls).items():
        if key != "none":
            assert count == by_status.get(key, 0), key
    findings = Finding.objects.filter(assessment__authorization=authorization)
    assert report.findings_total == findings.count() == 2
    level = findings.first().risk_level
    assert _tallies(report.findings)[level] == 2
    assert _tallies(report.aging) == {"0-30": 2, "31-90": 0, "91-180": 0, "181+": 0}
    assert report.poam_overdue == 0 and report.overdue_items == []
    # Every control in scope was just determined: all covered.
    assert report.assessed == report.active_controls == report.controls_total
    assert report.coverage_percent == 100

    late = PoamItem.objects.filter(authorization=authorization).order_by("number").first()
    PoamItem.objects.filter(pk=late.pk).update(scheduled_completion=today - timedelta(days=3))
    stale = active.order_by("control__sort_key")[:10]
    Determination.objects.filter(selected_control__in=list(stale)).update(
        updated_at=timezone.now() - timedelta(days=400)
    )
    report = system_status_report(system, today)
    assert report.poam_overdue == 1
    assert [item.pk for item in report.overdue_items] == [late.pk]
    assert report.assessed == report.active_controls - 10

    client.force_login(personas.member)
    body = client.get(reverse("rmf:system_status_report", args=[system.pk])).content.decode()
    assert f'<strong id="coverage-assessed">{report.assessed}</strong>' in body
    assert f'id="coverage-percent">{report.coverage_percent}%' in body
    assert reverse("rmf:poam_item", args=[late.pk]) in body
    assert f"{reverse('rmf:implement', args=[authorization.pk])}?status=implemented" in body
    assert "1 overdue" in body


def test_a_system_without_cycle_or_disposed_has_nothing_to_report(client, personas):
    fresh, gone = agency_systems(personas, 2)
    cycle = current_cycle(personas, gone)
    poam_item(cycle, 1, overdue=True)
    dispose(gone)
    today = timezone.localdate()
    for system in (fresh, gone):
        report = system_status_report(system, today)
        assert report.cycles == 0 and report.poam_open == 0 and report.poam_overdue == 0
        assert report.coverage_percent is None
    client.force_login(personas.member)
    body = client.get(reverse("rmf:system_status_report", args=[gone.pk])).content.decode()
    assert "is disposed" in body and "no status report" in body
    body = client.get(reverse("rmf:system_status_report", args=[fresh.pk])).content.decode()
    assert "The RMF has not started for this system yet" in body


def _coverage_by_schedule(cycles, today) -> tuple[int, int]:
    """The rule control by control: assessed, and not yet due again."""
    rows = assessment_schedule([cycle.pk for cycle in cycles], today)
    covered = [row for row in rows if row.last_assessed is not None and not row.overdue(today)]
    return len(covered), len(rows)


def test_set_based_coverage_equals_the_schedule_rule(personas):
    frequencies = ["", *MonitoringFrequency.values]
    tailorings = ["baseline", "baseline", "added", "scoped_out"]
    controls = list(
        ControlPart.objects.filter(name=ControlPart.Name.OBJECTIVE)
        .values_list("control_id", flat=True)
        .order_by("control_id")
        .distinct()[:60]
    )
    cycles = []
    now = timezone.now()
    for system_number, system in enumerate(agency_systems(personas, 2)):
        cycle = authorization_start(actor=personas.member, system=system)
        cycles.append(cycle)
        assessment = Assessment.objects.create(authorization=cycle, title="Initial")
        ongoing = Assessment.objects.create(authorization=cycle, kind="ongoing", title="Q1")
        for index, control_id in enumerate(controls):
            selected = SelectedControl.objects.create(
                authorization=cycle,
                control_id=control_id,
                tailoring=tailorings[index % 4],
                monitoring_frequency=frequencies[(index + system_number) % len(frequencies)],
            )
            objectives = ControlPart.objects.filter(
                control_id=control_id, name=ControlPart.Name.OBJECTIVE
            ).order_by("sort_order")[:2]
            if index % 7 == 3:
                continue  # never assessed
            # Ages spread over three years at odd hours; two determinations when possible.
            ages = [(index * 53 + system_number * 17) % 1200, (index * 11) % 90]
            for which, objective in enumerate(objectives):
                determination = Determination.objects.create(
                    assessment=ongoing if which else assessment,
                    selected_control=selected,
                    objective=objective,
                    result="satisfied",
                )
                stamp = now - timedelta(days=ages[which], hours=(index * 5) % 24)
                Determination.objects.filter(pk=determination.pk).update(updated_at=stamp)
    queryset = reported_cycles(personas.agency.systems.all())
    today = timezone.localdate()
    offsets = (0, 1, 29, 30, 31, 60, 90, 91, 92, 181, 182, 183, 364, 365, 366, 1094, 1095, 1096)
    seen = set()
    for offset in offsets:
        day = today + timedelta(days=offset)
        expected = _coverage_by_schedule(cycles, day)
        assert coverage_counts(queryset, day) == expected, offset
        seen.add(expected[0])
    assert len(seen) > 5  # the cases really differ from one day to the next


def test_an_organization_report_covers_the_systems_the_reader_sees(client, personas):
    today = timezone.localdate()
    own, closed, gone = agency_systems(personas, 3)
    (other,) = agency_systems(personas, 1, organization=personas.sibling_agency, prefix="Fleet")
    own_cycle = current_cycle(personas, own)
    poam_item(own_cycle, 1, risk="high", age_days=5, overdue=True)
    poam_item(own_cycle, 2, risk="low", age_days=45)
    poam_item(own_cycle, 3, risk="low", age_days=200, status=PoamItem.Status.COMPLETED)
    finding(own_cycle, 1, "ac-2", risk="very_high")
    finding(own_cycle, 2, "ac-3", risk="high", status=Finding.Status.CLOSED)
    finding(own_cycle, 3, "ac-4")
    # Items of a closed cycle and of a disposed system are not reported.
    old_cycle = current_cycle(personas, closed)
    poam_item(old_cycle, 1, age_days=100, overdue=True)
    authorization_start(actor=personas.member, system=closed)
    gone_cycle = current_cycle(personas, gone)
    poam_item(gone_cycle, 1, age_days=100, overdue=True)
    dispose(gone)
    other_cycle = current_cycle(personas, other)
    poam_item(other_cycle, 1, age_days=95, overdue=True)
    finding(other_cycle, 1, "ac-2", risk="low")

    member = organization_status_report(personas.member, personas.agency, today)
    assert member.cycles == 2  # own and closed's new cycle
    assert _tallies(member.aging) == {"0-30": 1, "31-90": 1, "91-180": 0, "181+": 0}
    assert member.poam_overdue == 1
    assert _tallies(member.findings) == {
        "very_high": 1,
        "high": 0,
        "moderate": 0,
        "low": 0,
        "very_low": 0,
        "unrated": 1,
    }
    city = organization_status_report(personas.authorizing_official, personas.city, today)
    assert city.cycles == 3
    assert _tallies(city.aging) == {"0-30": 1, "31-90": 1, "91-180": 1, "181+": 0}
    assert city.poam_overdue == 2
    assert _tallies(city.findings)["low"] == 1
    items = PoamItem.objects.filter(authorization__in=[own_cycle, other_cycle])
    assert _tallies(city.aging) == poam_aging_counts(items, today)
    # An assessor granted one system reads no organization; the viewer of the state all.
    state = organization_status_report(personas.viewer, personas.state, today)
    assert state.poam_overdue == city.poam_overdue

    client.force_login(personas.authorizing_official)
    body = client.get(
        reverse("rmf:organization_status_report", args=[personas.city.pk])
    ).content.decode()
    assert "current RMF cycle of 3 systems you can see" in body
    poam_list = reverse("rmf:organization_poam", args=[personas.city.pk])
    assert f'href="{poam_list}?overdue=1">2 overdue</a>' in body
    assert f'href="{poam_list}?aging=91-180">1</a>' in body
