"""The Implement pages and API cost a fixed number of queries, whatever the number of controls:
a LOW cycle (149 controls) and a HIGH one (370), both fully documented (every control
implemented, a narrative for each statement part), cost the same. The bounds document what
each call costs today."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from assets.models import AuditEvent, Role
from assets.services import membership_grant
from rmf.models import SelectedControl
from tests.factories import UserFactory
from tests.test_rmf_cycles import TYPE_HIGH, TYPE_LOW, complete_implementation, cycle_in_implement

pytestmark = pytest.mark.django_db

API = "/api/v1"
# Measured today: what each page or call costs, whatever the size of the cycle.
WORKLIST_PAGE = 15
CONTROL_PAGE = 19
WORKLIST_API = 7
CONTROL_API = 9
# Besides the audit rows, inserted in batches by the database's limit on query parameters
# (one batch of about a hundred rows on SQLite, one insert on PostgreSQL).
BULK_API = 9
AUDIT_INSERT = 'INSERT INTO "assets_auditevent"'


@pytest.fixture
def cycles(personas):
    """(LOW, HIGH) cycles of two agencies, documented, and a city planner who edits both."""
    low = complete_implementation(personas, cycle_in_implement(personas, types=(TYPE_LOW,)))
    high = complete_implementation(
        personas, cycle_in_implement(personas, personas.sibling_system, types=(TYPE_HIGH,))
    )
    assert SelectedControl.objects.filter(authorization=low).count() == 149
    assert SelectedControl.objects.filter(authorization=high).count() == 370
    planner = UserFactory(username="city_planner")
    membership_grant(actor=None, organization=personas.city, user=planner, role=Role.PLANNER)
    return low, high, planner


def queries(client, method: str, url: str, data=None, **kwargs) -> list[str]:
    call = getattr(client, method)
    if method == "get":
        call(url, data)  # process-wide caches (content types, permissions) warm up
    with CaptureQueriesContext(connection) as captured:
        response = call(url, data, **kwargs)
    assert response.status_code in (200, 302), (url, response.status_code)
    return [query["sql"] for query in captured.captured_queries]


def count(client, method: str, url: str, data=None, **kwargs) -> int:
    return len(queries(client, method, url, data, **kwargs))


def control(authorization, control_id: str = "ac-2") -> SelectedControl:
    return SelectedControl.objects.get(authorization=authorization, control=control_id)


def test_the_work_list_page(client, cycles):
    low, high, planner = cycles
    client.force_login(planner)
    counts = [
        count(client, "get", reverse("rmf:implement", args=[authorization.pk]), params)
        for authorization in (low, high)
        for params in ({}, {"family": "ac", "status": "implemented", "missing_narrative": "on"})
    ]
    assert counts[0] == counts[2] <= WORKLIST_PAGE, counts
    assert counts[1] == counts[3] <= WORKLIST_PAGE, counts


def test_a_controls_page_with_its_position_in_the_list(client, cycles):
    low, high, planner = cycles
    client.force_login(planner)
    counts = [
        count(
            client,
            "get",
            reverse("rmf:control_implementation", args=[control(authorization, control_id).pk]),
            {"family": "ac"},
        )
        for authorization in (low, high)
        for control_id in ("ac-2", "ac-1")
    ]
    assert counts[0] == counts[2] <= CONTROL_PAGE, counts
    assert counts[1] == counts[3] <= CONTROL_PAGE, counts


def test_the_worklist_and_control_api(api_client, cycles):
    low, high, planner = cycles
    api_client.force_authenticate(planner)
    worklist = [
        count(api_client, "get", f"{API}/authorizations/{authorization.pk}/implementation/")
        for authorization in (low, high)
    ]
    assert worklist[0] == worklist[1] <= WORKLIST_API, worklist
    detail = [
        count(
            api_client,
            "get",
            f"{API}/selected-controls/{control(authorization).pk}/implementation/",
        )
        for authorization in (low, high)
    ]
    assert detail[0] == detail[1] <= CONTROL_API, detail


def test_bulk_status_over_every_control(api_client, cycles):
    low, high, planner = cycles
    api_client.force_authenticate(planner)
    counts, audit_rows = [], []
    # Unmeasured: the first write of the process fills per-process caches (content types),
    # which earlier tests may or may not have done.
    api_client.post(
        f"{API}/authorizations/{low.pk}/implementation/bulk-status/",
        {
            "selected_ids": [SelectedControl.objects.filter(authorization=low).first().pk],
            "status": "planned",
        },
        format="json",
    )
    for authorization in (low, high):
        ids = list(
            SelectedControl.objects.filter(authorization=authorization).values_list("pk", flat=True)
        )
        url = f"{API}/authorizations/{authorization.pk}/implementation/bulk-status/"
        body = {"selected_ids": ids, "status": "partial"}
        before = AuditEvent.objects.count()
        sql = queries(api_client, "post", url, body, format="json")
        counts.append(len([query for query in sql if not query.startswith(AUDIT_INSERT)]))
        audit_rows.append(AuditEvent.objects.count() - before)
    assert counts[0] == counts[1] <= BULK_API, counts
    assert audit_rows == [149, 370]  # one audit row per control, however inserted
