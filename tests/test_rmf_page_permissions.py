"""Who reaches which RMF page and action: every view, every persona. Not allowed looks like
missing (404), and a refused action changes nothing."""

import pytest
from django.urls import reverse

from assets.models import AuditEvent
from rmf.models import Authorization, SelectedControl
from rmf.services.selection import control_set_select
from rmf.services.workflow import authorization_start
from tests.test_rmf_pages import cycle_in_select, make_isso

pytestmark = pytest.mark.django_db

PERSONAS = ("admin", "member", "sibling", "assessor", "authorizing_official", "viewer", "outsider")
READERS = {"admin", "member", "assessor", "authorizing_official", "viewer"}
RMF_EDITORS = {"member"}  # planners; org admins do not hold EDIT_RMF
SIGNERS = {"authorizing_official"}
MANAGERS = {"admin"}


@pytest.fixture
def cycle(personas):
    authorization = cycle_in_select(personas)
    control_set_select(actor=personas.member, authorization=authorization)
    return authorization


def _read_pages(personas, cycle):
    selected = SelectedControl.objects.get(authorization=cycle, control="ac-1")
    return [
        reverse("rmf:system_rmf", args=[personas.system.pk]),
        reverse("rmf:authorization_detail", args=[cycle.pk]),
        reverse("rmf:categorize", args=[cycle.pk]),
        reverse("rmf:select", args=[cycle.pk]),
        reverse("rmf:select", args=[cycle.pk]) + "?parameters_missing=on&family=ac",
        reverse("rmf:selected_control", args=[selected.pk]),
    ]


def _actions(personas, cycle):
    """(url, data, who may) for every POST; the data would change something if allowed."""
    selected = SelectedControl.objects.get(authorization=cycle, control="ac-1")
    return [
        (reverse("rmf:authorization_start", args=[personas.system.pk]), {}, RMF_EDITORS),
        (reverse("rmf:authorization_advance", args=[cycle.pk]), {}, RMF_EDITORS),
        (
            reverse("rmf:authorization_step_back", args=[cycle.pk]),
            {"to_step": "categorize", "reason": "Because."},
            RMF_EDITORS,
        ),
        (
            reverse("rmf:categorize", args=[cycle.pk]),
            {"information_type": "1", "objective": "integrity"},
            RMF_EDITORS,
        ),
        (reverse("rmf:control_set_select", args=[cycle.pk]), {}, RMF_EDITORS),
        (
            reverse("rmf:control_add", args=[cycle.pk]),
            {"control": "ac-2.6", "rationale": "Because."},
            set(),
        ),
        (
            reverse("rmf:control_remove", args=[cycle.pk]),
            {"control": "ac-1", "kind": "scoped_out", "rationale": "Because."},
            set(),
        ),
        (
            reverse("rmf:control_allocate", args=[cycle.pk]),
            {"controls": [selected.pk], "designation": "hybrid"},
            set(),
        ),
        (
            reverse("rmf:monitoring_frequency", args=[cycle.pk]),
            {"frequency": "annual", "scope": "all"},
            set(),
        ),
        (
            reverse("rmf:selected_control", args=[selected.pk]),
            {"parameter": "ac-01_odp.01", "ac-01_odp.01-value": "Everyone"},
            RMF_EDITORS,
        ),
        (reverse("rmf:task_signoff", args=[cycle.pk]), {"task": "S-6"}, SIGNERS),
        (
            reverse("rmf:task_signoff_withdraw", args=[cycle.pk]),
            {"task": "C-3", "reason": "Because."},
            SIGNERS,
        ),
        (
            reverse("rmf:organization_parameters", args=[personas.agency.pk]),
            {"control": "ac-1", "parameter": "ac-01_odp.01", "ac-01_odp.01-value": "Everyone"},
            MANAGERS,
        ),
    ]


@pytest.mark.parametrize("persona", PERSONAS)
def test_each_page_opens_for_exactly_the_readers(client, personas, cycle, persona):
    client.force_login(getattr(personas, persona))
    for url in _read_pages(personas, cycle):
        expected = 200 if persona in READERS else 404
        assert client.get(url).status_code == expected, url
    defaults = reverse("rmf:organization_parameters", args=[personas.agency.pk])
    assert client.get(defaults).status_code == (200 if persona in MANAGERS else 404)
    assert client.get(reverse("rmf:portfolio")).status_code == 200


@pytest.mark.parametrize("persona", PERSONAS)
def test_each_action_is_refused_to_all_but_its_role(client, personas, cycle, persona):
    client.force_login(getattr(personas, persona))
    for url, data, allowed in _actions(personas, cycle):
        if persona in allowed:
            continue  # the walk tests what they do
        before = AuditEvent.objects.count()
        assert client.post(url, data).status_code == 404, url
        assert AuditEvent.objects.count() == before, url
    assert Authorization.objects.filter(system=personas.system).count() == 1


def test_each_action_reaches_its_role(client, personas, cycle):
    users = {
        "member": personas.member,
        "authorizing_official": personas.authorizing_official,
        "admin": personas.admin,
    }
    isso = make_isso(personas)
    for url, data, allowed in _actions(personas, cycle):
        for name in allowed or {"isso"}:
            client.force_login(users.get(name, isso))
            response = client.post(url, data)
            assert response.status_code in (302, 400), (url, name, response.status_code)


def test_readers_see_no_buttons_they_cannot_use(client, personas, cycle):
    detail = reverse("rmf:authorization_detail", args=[cycle.pk])
    select = reverse("rmf:select", args=[cycle.pk])
    client.force_login(personas.viewer)
    page = client.get(detail).content.decode()
    assert "Move on to" not in page and "Approve S-6" not in page and "Withdraw" not in page
    page = client.get(select).content.decode()
    assert "Add the control" not in page and 'name="controls"' not in page
    client.force_login(personas.assessor)
    page = client.get(detail).content.decode()
    assert "Move on to" not in page and "Approve" not in page
    client.force_login(personas.authorizing_official)
    page = client.get(detail).content.decode()
    assert "Approve S-6" in page and "Withdraw C-3" in page and "Move on to" not in page
    client.force_login(personas.member)
    page = client.get(detail).content.decode()
    assert "Move on to Implement" in page and "Approve" not in page


def test_the_sibling_agency_cycle_is_reached_only_from_above_or_inside(client, personas):
    other = authorization_start(actor=personas.sibling, system=personas.sibling_system)
    url = reverse("rmf:authorization_detail", args=[other.pk])
    for persona in PERSONAS:
        client.force_login(getattr(personas, persona))
        readers = {"sibling", "authorizing_official", "viewer"}
        assert client.get(url).status_code == (200 if persona in readers else 404), persona
        advance = client.post(reverse("rmf:authorization_advance", args=[other.pk]))
        assert advance.status_code == (302 if persona == "sibling" else 404), persona


def test_missing_objects_give_the_same_404(client, personas):
    client.force_login(personas.member)
    for name in ("authorization_detail", "categorize", "select", "selected_control"):
        assert client.get(reverse(f"rmf:{name}", args=[987654])).status_code == 404
    assert client.get(reverse("rmf:system_rmf", args=[987654])).status_code == 404


def test_anonymous_visitors_are_sent_to_sign_in(client, personas, cycle):
    urls = [*_read_pages(personas, cycle), reverse("rmf:portfolio")]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"], url
    for url, data, _ in _actions(personas, cycle):
        response = client.post(url, data)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"], url
