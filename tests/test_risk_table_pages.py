"""An organization's risk table page: members read it (and where it comes from: SP 800-30, the
organization's own, or an organization above), administrators adjust its 25 cells or drop their
own table. A bad cell is refused with nothing saved; findings rated afterwards use the table."""

import pytest
from django.urls import reverse

from assets.models import AuditEvent
from rmf.models import RISK_ORDER, Finding, RiskMatrix
from rmf.risk import DEFAULT_RISK_MATRIX
from rmf.services.assessment import finding_update, risk_matrix_set
from tests.assessment_steps import control, determine_control, plan_approved
from tests.test_rmf_cycles import cycle_in_assess

pytestmark = pytest.mark.django_db


def cells_data(cells: dict) -> dict:
    return {
        f"{likelihood}__{impact}": cells[likelihood][impact]
        for likelihood in RISK_ORDER
        for impact in RISK_ORDER
    }


def text(response) -> str:
    return response.content.decode()


def test_members_read_the_default_table(client, personas):
    client.force_login(personas.viewer)
    page = client.get(reverse("rmf:risk_table", args=[personas.agency.pk]))
    assert page.status_code == 200
    body = text(page)
    assert "uses SP 800-30" in body
    assert "<select" not in body and "Save the risk table" not in body
    assert body.count('class="risk very_high"') == 2  # very high likelihood and impact, twice
    org_page = text(client.get(reverse("assets:organization_detail", args=[personas.agency.pk])))
    assert reverse("rmf:risk_table", args=[personas.agency.pk]) in org_page


def test_the_admin_adjusts_the_table_and_findings_use_it(client, personas):
    client.force_login(personas.admin)
    url = reverse("rmf:risk_table", args=[personas.agency.pk])
    page = text(client.get(url))
    assert "Save the risk table" in page and page.count("<select") == 25
    cells = {row: dict(values) for row, values in DEFAULT_RISK_MATRIX.items()}
    cells["low"]["very_high"] = "high"
    response = client.post(url, cells_data(cells), follow=True)
    body = text(response)
    assert "The risk table of Department of Transportation is saved." in body
    assert "sets its own table" in body
    assert "SP 800-30: moderate" in body  # the changed cell names the default
    table = RiskMatrix.objects.get(organization=personas.agency)
    assert table.cells["low"]["very_high"] == "high" and table.updated_by == personas.admin
    assert AuditEvent.objects.filter(action="risk_matrix_set").count() == 1

    cycle = cycle_in_assess(personas)
    assessment = plan_approved(personas, cycle)
    determine_control(personas, assessment, control(cycle, "ac-2"), failing=1)
    finding = finding_update(
        actor=personas.assessor,
        finding=Finding.objects.get(),
        weakness="w",
        likelihood="low",
        impact="very_high",
        recommendation="r",
    )
    assert finding.risk_level == "high"

    response = client.post(reverse("rmf:risk_table_reset", args=[personas.agency.pk]), follow=True)
    assert "no longer has a risk table of its own" in text(response)
    assert not RiskMatrix.objects.exists()
    assert "uses SP 800-30" in text(response)


def test_a_bad_cell_is_refused_and_nothing_is_saved(client, personas):
    client.force_login(personas.admin)
    url = reverse("rmf:risk_table", args=[personas.agency.pk])
    data = cells_data(DEFAULT_RISK_MATRIX)
    data["high__low"] = "extreme"
    del data["moderate__moderate"]
    response = client.post(url, data)
    assert response.status_code == 400
    body = text(response)
    assert "Choose a level." in body
    assert not RiskMatrix.objects.exists()


def test_an_agency_uses_the_table_of_its_city(client, personas):
    cells = {row: dict.fromkeys(RISK_ORDER, "moderate") for row in RISK_ORDER}
    risk_matrix_set(actor=None, organization=personas.city, cells=cells)
    client.force_login(personas.member)
    body = text(client.get(reverse("rmf:risk_table", args=[personas.agency.pk])))
    assert "uses the table of Example City" in body
    assert body.count('class="risk moderate"') == 25
    assert "Stop using a table of its own" not in body


@pytest.mark.parametrize(
    ("persona", "reads", "manages"),
    [
        ("admin", True, True),
        ("member", True, False),
        ("authorizing_official", True, False),
        ("viewer", True, False),
        ("assessor", False, False),  # granted one system, not the agency
        ("sibling", False, False),
        ("outsider", False, False),
    ],
)
def test_who_reads_and_who_changes_the_table(client, personas, persona, reads, manages):
    client.force_login(getattr(personas, persona))
    url = reverse("rmf:risk_table", args=[personas.agency.pk])
    assert client.get(url).status_code == (200 if reads else 404)
    response = client.post(url, cells_data(DEFAULT_RISK_MATRIX))
    assert response.status_code == (302 if manages else 404)
    reset = client.post(reverse("rmf:risk_table_reset", args=[personas.agency.pk]))
    assert reset.status_code == (302 if manages else 404)
    assert not RiskMatrix.objects.exists()  # set then reset, or never touched
