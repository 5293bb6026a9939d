"""The Monitor page of a cycle and the change record page: what they show to each persona, the
due list and its filter, recording a change and its analysis from the pages (messages next to
the fields, nothing half-written), and a constant number of queries whatever the cycle's
size."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from rmf.models import (
    Assessment,
    Authorization,
    ChangeRecord,
    Control,
    Determination,
    SelectedControl,
    Step,
)
from rmf.services.monitor import change_record_analyse, change_record_create
from tests.authorize_steps import cycle_in_monitor
from tests.test_rmf_cycles import cycle_in_select

TODAY = timezone.localdate()
READERS = ("member", "assessor", "authorizing_official", "viewer", "admin")
STRANGERS = ("sibling", "outsider")


@pytest.fixture
def monitored(personas):
    return cycle_in_monitor(personas)


def change(personas, authorization, number: int = 1) -> ChangeRecord:
    return change_record_create(
        actor=personas.member,
        authorization=authorization,
        title=f"Change {number}",
        kind="software",
        description="Controller firmware updated.",
        changed_on=TODAY,
    )


def test_the_monitor_page_by_persona(client, personas, monitored):
    record = change(personas, monitored)
    url = reverse("rmf:monitor", args=[monitored.pk])
    for name in READERS:
        client.force_login(getattr(personas, name))
        response = client.get(url)
        assert response.status_code == 200, name
        body = response.content.decode()
        assert "Step 6, Monitor" in body and "M-7 System disposal" in body
        assert record.code in body and reverse("rmf:poam", args=[monitored.pk]) in body
        assert reverse("rmf:system_dispose", args=[personas.system.pk]) in body
        # Only the system team gets the form that records a change.
        assert ('id="record-change"' in body) == (name == "member"), name
        # Only an assigned assessor plans an ongoing assessment.
        planning = reverse("rmf:ongoing_assessment_start", args=[monitored.pk])
        assert (planning in body) == (name == "assessor"), name
    for name in STRANGERS:
        client.force_login(getattr(personas, name))
        assert client.get(url).status_code == 404, name
    client.logout()
    assert client.get(url).status_code == 302


def test_the_cycle_nav_links_the_monitor_page(client, personas, monitored):
    client.force_login(personas.member)
    body = client.get(reverse("rmf:authorization_detail", args=[monitored.pk])).content.decode()
    assert reverse("rmf:monitor", args=[monitored.pk]) in body and "6. Monitor" in body


def test_the_due_list_groups_and_filters(client, personas, monitored):
    Determination.objects.filter(
        assessment__authorization=monitored, selected_control__control="ac-2"
    ).update(updated_at=timezone.now() - timedelta(days=400))
    client.force_login(personas.viewer)
    url = reverse("rmf:monitor", args=[monitored.pk])
    response = client.get(url)
    body = response.content.decode()
    # The initial assessment determined every control today, AC-2 400 days ago: by default
    # the page lists the controls due now.
    assert "1 overdue" in body and "0 due within 30 days" in body
    due = response.context["page"].due
    assert due.group == "due" and [row.label for row in due.rows] == ["AC-2"]
    assert due.rows[0].next_due == TODAY - timedelta(days=35)
    later = client.get(url, {"due": "later"}).context["page"].due
    assert later.rows and all(row.group == "later" for row in later.rows)
    assert len(later.rows) == later.counts["later"] == due.total - 1
    everything = client.get(url, {"due": "all"}).context["page"].due
    assert len(everything.rows) == everything.total
    # An unknown filter shows the controls due now.
    assert client.get(url, {"due": "someday"}).context["page"].due.group == "due"


def test_recording_a_change_from_the_page(client, personas, monitored):
    client.force_login(personas.member)
    url = reverse("rmf:change_record_create", args=[monitored.pk])
    response = client.post(url, {"title": "", "kind": "", "description": "", "changed_on": ""})
    assert response.status_code == 400
    form = response.context["change_form"]
    assert form.errors["title"] == ["Name the change in a few words."]
    assert "changed_on" in form.errors
    assert not ChangeRecord.objects.exists()
    response = client.post(
        url,
        {
            "title": "New firewall",
            "kind": "hardware",
            "description": "Replaced the perimeter firewall.",
            "changed_on": TODAY.isoformat(),
        },
    )
    created = ChangeRecord.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("rmf:change_record", args=[created.pk])
    page = client.get(response.url).content.decode()
    assert "CHG-001: New firewall" in page and 'id="analysis-form"' in page


def test_strangers_and_readers_cannot_record_changes(client, personas, monitored):
    url = reverse("rmf:change_record_create", args=[monitored.pk])
    data = {"title": "x", "kind": "hardware", "description": "y", "changed_on": TODAY}
    for name, status in (("assessor", 404), ("viewer", 404), ("sibling", 404)):
        client.force_login(getattr(personas, name))
        assert client.post(url, data).status_code == status, name
    assert not ChangeRecord.objects.exists()


def test_the_analysis_form_shows_messages_next_to_the_fields(client, personas, monitored):
    record = change(personas, monitored)
    client.force_login(personas.member)
    url = reverse("rmf:change_record", args=[record.pk])
    response = client.post(
        url, {"impact": "significant", "analysis": "Remote access added.", "expected_version": 1}
    )
    assert response.status_code == 400
    assert "choose Categorize" in response.context["analysis_form"].errors["return_to"][0]
    response = client.post(
        url,
        {
            "impact": "minor",
            "analysis": "Touches the remote access rules.",
            "control_ids": "AC-17, XX-99",
            "expected_version": 1,
        },
    )
    assert response.status_code == 400
    assert "XX-99" in response.context["analysis_form"].errors["control_ids"][0]
    record.refresh_from_db()
    assert not record.analysed
    response = client.post(
        url,
        {
            "impact": "minor",
            "analysis": "Touches the remote access rules.",
            "control_ids": "AC-17",
            "expected_version": 1,
        },
    )
    assert response.status_code == 302
    body = client.get(url).content.decode()
    assert 'id="analysis-result"' in body and "AC-17" in body
    assert 'id="analysis-form"' not in body


def test_a_significant_change_from_the_page_opens_the_new_cycle(client, personas, monitored):
    record = change(personas, monitored)
    client.force_login(personas.member)
    response = client.post(
        reverse("rmf:change_record", args=[record.pk]),
        {
            "impact": "significant",
            "analysis": "Video of residents now flows through the system.",
            "return_to": "categorize",
            "expected_version": 1,
        },
    )
    new = Authorization.objects.get(system=personas.system, is_current=True)
    assert new.cycle == 2 and new.step == Step.CATEGORIZE
    assert response.url == reverse("rmf:authorization_detail", args=[new.pk])
    # The closed cycle's Monitor page says where the work went; nothing there is editable.
    body = client.get(reverse("rmf:monitor", args=[monitored.pk])).content.decode()
    assert "earlier cycle" in body and 'id="record-change"' not in body
    assert "cycle 2" in body
    # The new cycle's page names the change that started it.
    body = client.get(reverse("rmf:monitor", args=[new.pk])).content.decode()
    assert "significant change" in body and record.code in body


def test_a_stale_edit_of_a_change_is_a_conflict(client, personas, monitored):
    record = change(personas, monitored)
    client.force_login(personas.member)
    url = reverse("rmf:change_record_edit", args=[record.pk])
    values = {
        "title": "Firewall",
        "kind": "hardware",
        "description": "Replaced.",
        "changed_on": TODAY.isoformat(),
        "expected_version": 1,
    }
    assert client.post(url, values).status_code == 302
    response = client.post(url, {**values, "title": "Other title"})
    assert response.status_code == 409
    assert "Someone else saved this change record" in response.content.decode()
    record.refresh_from_db()
    assert record.title == "Firewall" and record.version == 2


def test_the_page_of_a_cycle_not_yet_in_monitor(client, personas):
    authorization = cycle_in_select(personas)
    client.force_login(personas.member)
    body = client.get(reverse("rmf:monitor", args=[authorization.pk])).content.decode()
    assert "Monitoring starts once the authorizing official has signed" in body
    assert 'id="record-change"' not in body


def _grow(personas, authorization: Authorization) -> None:
    """A larger cycle: 150 more active controls (rows created directly, a shortcut for the
    count), 15 more change records with affected controls, 4 ongoing assessments."""
    taken = SelectedControl.objects.filter(authorization=authorization).values("control")
    extra = Control.objects.exclude(pk__in=taken).order_by("sort_key")[:150]
    added = SelectedControl.objects.bulk_create(
        [
            SelectedControl(
                authorization=authorization,
                control=control,
                in_baseline=False,
                tailoring=SelectedControl.Tailoring.ADDED,
                tailoring_rationale="Added for the query count.",
                monitoring_frequency="quarterly",
            )
            for control in extra
        ]
    )
    for number in range(15):
        record = change(personas, authorization, number + 2)
        change_record_analyse(
            actor=personas.member,
            change=record,
            impact="minor",
            analysis="Minor.",
            affected_control_ids=[selected.pk for selected in added[number * 3 : number * 3 + 3]],
        )
    for number in range(4):
        _ongoing(authorization, f"Ongoing {number}", added[number * 10 : number * 10 + 10])


def _ongoing(authorization, title: str, controls) -> Assessment:
    assessment = Assessment.objects.create(
        authorization=authorization,
        kind=Assessment.Kind.ONGOING,
        title=title,
        scope_all=False,
        starts_on=TODAY,
        ends_on=TODAY + timedelta(days=7),
        methods=["examine"],
    )
    assessment.scoped_controls.set(controls)
    return assessment


def test_the_monitor_page_takes_a_constant_number_of_queries(client, personas, monitored):
    # The small case has one of each thing the page lists (a list left empty skips a read).
    change(personas, monitored)
    _ongoing(monitored, "First", SelectedControl.objects.filter(authorization=monitored)[:2])
    client.force_login(personas.member)
    url = reverse("rmf:monitor", args=[monitored.pk])
    client.get(url)  # warm the content type and session caches
    with CaptureQueriesContext(connection) as small:
        assert client.get(url).status_code == 200
    _grow(personas, monitored)
    with CaptureQueriesContext(connection) as large:
        response = client.get(url)
    assert response.context["page"].due.total > 290
    assert len(response.context["page"].changes) == 16
    assert len(large.captured_queries) == len(small.captured_queries)


def test_the_change_page_takes_a_constant_number_of_queries(client, personas, monitored):
    record = change(personas, monitored)
    client.force_login(personas.member)
    url = reverse("rmf:change_record", args=[record.pk])
    client.get(url)
    with CaptureQueriesContext(connection) as small:
        client.get(url)
    _grow(personas, monitored)
    with CaptureQueriesContext(connection) as large:
        client.get(url)
    assert len(large.captured_queries) == len(small.captured_queries)
