"""The Implement pages: the work list with its filters, progress and bulk status; a control's
implementation page with its parameter values inline, one save for the status, roles and
narratives, "Save and next" through the filtered list, conflicts shown side by side and saved
again, common and hybrid controls, and evidence added, attached and detached."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from assets.models import AuditEvent
from rmf.models import (
    ControlImplementation,
    Designation,
    Evidence,
    ImplementationNarrative,
    ImplementationStatus,
    SelectedControl,
)
from rmf.services.implementation import (
    evidence_link_create,
    implementation_update,
    narrative_save,
)
from rmf.services.selection import control_allocate
from rmf.services.workflow import authorization_advance
from tests.factories import UserFactory
from tests.test_rmf_cycles import (
    TYPE_LOW,
    approve,
    complete_selection,
    cycle_in_implement,
    cycle_in_select,
)

PDF = b"%PDF-1.7\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"


@pytest.fixture(autouse=True)
def evidence_dir(settings, tmp_path):
    settings.WORKBENCH_EVIDENCE_DIR = tmp_path / "evidence"
    return settings.WORKBENCH_EVIDENCE_DIR


@pytest.fixture
def cycle(personas):
    return cycle_in_implement(personas, types=(TYPE_LOW,))


@pytest.fixture
def member(client, personas):
    client.force_login(personas.member)
    return client


def selected(authorization, control_id: str) -> SelectedControl:
    return SelectedControl.objects.select_related("authorization__system__organization").get(
        authorization=authorization, control=control_id
    )


def page_url(control: SelectedControl, query: str = "") -> str:
    url = reverse("rmf:control_implementation", args=[control.pk])
    return f"{url}?{query}" if query else url


def form_data(response) -> dict[str, str]:
    """What the browser sends back from the control page when the user changes nothing."""
    forms = response.context["forms"]
    data = {}
    for form in [forms.implementation, *forms.narratives.values()]:
        for field in form:
            value = field.value()
            data[field.html_name] = "" if value is None else str(value)
    return data


def text_of(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


# --- the work list --------------------------------------------------------------------------


def test_the_work_list_shows_every_control_with_progress(member, personas, cycle):
    control = selected(cycle, "ac-2")
    implementation_update(
        actor=personas.member,
        selected_control=control,
        status=ImplementationStatus.IMPLEMENTED,
        responsible_roles="Network team; ISSO",
    )
    narrative_save(
        actor=personas.member, selected_control=control, part_id="ac-2_smt.a", text="Directory."
    )
    response = member.get(reverse("rmf:implement", args=[cycle.pk]))
    assert response.status_code == 200
    active = SelectedControl.objects.filter(authorization=cycle).count()
    assert len(response.context["rows"]) == active == 149
    page = text_of(response)
    assert f"<strong>1</strong> of {active} (0%)" in page
    assert "<strong>0</strong> of 1 (0%)" in page  # narratives: AC-2 still misses 17 parts
    assert "1 of 18" in page and "Network team; ISSO" in page
    assert 'aria-current="page">3. Implement</a>' in page
    assert reverse("rmf:control_implementation", args=[control.pk]) in page
    families = {item.family.pk: item for item in response.context["progress"].families}
    assert families["ac"].with_status == 1 and families["ac"].implemented == 1


def test_the_work_list_filters_and_links_carry_the_filter(member, personas, cycle):
    control = selected(cycle, "ac-2")
    implementation_update(
        actor=personas.member,
        selected_control=control,
        status=ImplementationStatus.PARTIAL,
        responsible_roles="Network team",
    )
    url = reverse("rmf:implement", args=[cycle.pk])
    rows = member.get(url, {"family": "ac"}).context["rows"]
    assert rows and {row.control.family_id for row in rows} == {"ac"}
    assert [r.selected_control for r in member.get(url, {"status": "partial"}).context["rows"]] == [
        control
    ]
    undocumented = member.get(url, {"status": "none"}).context["rows"]
    assert len(undocumented) == 148
    (row,) = member.get(url, {"responsible": "network"}).context["rows"]
    assert row.selected_control == control
    missing = member.get(url, {"missing_narrative": "on", "family": "ac"})
    assert [r.selected_control for r in missing.context["rows"]] == [control]
    link = page_url(control, "family=ac&missing_narrative=on")
    assert link.replace("&", "&amp;") in missing.content.decode()
    # An unknown value counts as no filter, never as an error.
    assert len(member.get(url, {"status": "done"}).context["rows"]) == 149


def test_bulk_status_for_ticked_rows_and_for_all_shown(member, personas, cycle):
    url = reverse("rmf:implementation_bulk_status", args=[cycle.pk])
    ac = list(
        SelectedControl.objects.filter(authorization=cycle, control__family="ac").order_by("pk")
    )
    response = member.post(url, {"controls": [ac[0].pk, ac[1].pk], "status": "planned"})
    assert response.status_code == 302
    assert response["Location"] == reverse("rmf:implement", args=[cycle.pk]) + "#worklist"
    assert ControlImplementation.objects.filter(status="planned").count() == 2
    # "All shown" takes every row of the filtered list, not the ticks.
    shown = [control.pk for control in ac]
    response = member.post(
        f"{url}?family=ac",
        {"controls": [ac[0].pk], "shown": shown, "all_shown": "on", "status": "implemented"},
    )
    assert response["Location"].endswith("?family=ac#worklist")
    assert ControlImplementation.objects.filter(status="implemented").count() == len(ac)
    followed = member.get(response["Location"])
    assert f"{len(ac)} control(s) are now “Implemented”." in followed.content.decode()


def test_bulk_status_explains_what_is_missing(member, cycle):
    url = reverse("rmf:implementation_bulk_status", args=[cycle.pk])
    response = member.post(url, {"status": "planned"})
    assert response.status_code == 400
    assert "Tick the controls to change" in response.content.decode()
    control = selected(cycle, "ac-2")
    response = member.post(url, {"controls": [control.pk]})
    assert response.status_code == 400
    assert "Choose the status to give the controls." in response.content.decode()
    assert f'id="tick-{control.pk}" aria-label="Tick AC-2" checked' in response.content.decode()
    response = member.post(url, {"controls": [control.pk], "status": "done"})
    assert response.status_code == 400
    assert "Choose one of the implementation statuses." in response.content.decode()
    assert not ControlImplementation.objects.exists()


# --- a control's page -----------------------------------------------------------------------


def test_the_page_shows_each_part_with_the_parameter_values_inline(member, cycle):
    response = member.get(page_url(selected(cycle, "ac-1")))
    assert response.status_code == 200
    page = text_of(response)
    # complete_selection gave every parameter "value of <id>" or its first choice.
    assert 'title="AC-01_ODP[04]">value of ac-01_odp.04</span>' in page
    assert 'title="AC-01_ODP[03]">organization-level</span> access control policy that:' in page
    # The Rev 5.0 parameter standing for two ODPs shows both values.
    assert "value of ac-01_odp.01; value of ac-01_odp.02</span>:" in page
    labels = [item.label for item in response.context["page"].parts]
    assert labels == ["a.1.(a)", "a.1.(b)", "a.2.", "b.", "c.1.", "c.2."]
    assert response.context["page"].parts[0].context[0].label == "a."
    assert len(re.findall(r"<textarea name=\"part-", page)) == 6


def test_one_save_records_status_roles_and_the_changed_narratives(member, personas, cycle):
    control = selected(cycle, "ac-2")
    data = form_data(member.get(page_url(control)))
    data.update(
        {
            "status": "implemented",
            "responsible_roles": " Network team; ISSO ",
            "part-ac-2_smt.a-text": "Account types are defined\r\nin the directory.",
            "part-ac-2_smt.d.1-text": "Only staff of the department.",
            "save": "1",
        }
    )
    response = member.post(page_url(control, "family=ac"), data)
    assert response.status_code == 302
    assert response["Location"] == page_url(control, "family=ac") + "#implementation"
    implementation = ControlImplementation.objects.get(selected_control=control)
    assert (implementation.status, implementation.responsible_roles) == (
        "implemented",
        "Network team; ISSO",
    )
    texts = dict(ImplementationNarrative.objects.values_list("part", "text"))
    assert texts == {
        "ac-2_smt.a": "Account types are defined\nin the directory.",
        "ac-2_smt.d.1": "Only staff of the department.",
    }
    assert AuditEvent.objects.filter(action="narrative_save").count() == 2
    # Sent back unchanged, nothing is written again.
    again = form_data(member.get(page_url(control)))
    assert member.post(page_url(control), again).status_code == 302
    assert AuditEvent.objects.filter(action="narrative_save").count() == 2
    assert AuditEvent.objects.filter(action="implementation_update").count() == 1


def test_save_and_next_follows_the_filtered_list_to_its_end(member, personas, cycle):
    url = reverse("rmf:implement", args=[cycle.pk])
    rows = member.get(url, {"family": "ac", "status": "none"}).context["rows"]
    first, second = rows[0].selected_control, rows[1].selected_control
    query = "family=ac&status=none"
    response = member.get(page_url(first, query))
    assert response.context["position"].index == 1
    assert 'accesskey="n">Save and next</button>' in response.content.decode()
    data = {**form_data(response), "status": "planned", "next": "1"}
    response = member.post(page_url(first, query), data)
    # The first one left the "none" list; the next is still found in catalog order.
    assert response["Location"] == page_url(second, query) + "#implementation"
    position = member.get(response["Location"]).context["position"]
    assert (position.index, position.previous) == (1, None)
    last = rows[-1].selected_control
    data = {**form_data(member.get(page_url(last, query))), "status": "planned", "next": "1"}
    response = member.post(page_url(last, query), data)
    assert response["Location"] == f"{url}?{query}#worklist"
    assert (
        "That was the last control of your list."
        in member.get(response["Location"]).content.decode()
    )


def test_a_narrative_saved_meanwhile_is_shown_beside_yours_and_saved_again(member, personas, cycle):
    control = selected(cycle, "ac-2")
    narrative_save(
        actor=personas.member, selected_control=control, part_id="ac-2_smt.b", text="Original."
    )
    opened = form_data(member.get(page_url(control)))
    colleague = UserFactory(username="colleague", first_name="Casey", last_name="Colleague")
    narrative_save(
        actor=colleague,
        selected_control=control,
        part_id="ac-2_smt.b",
        text="The colleague's version.",
        expected_version=1,
    )
    data = {
        **opened,
        "status": "partial",
        "part-ac-2_smt.b-text": "My version.",
        "part-ac-2_smt.c-text": "A new narrative for c.",
    }
    response = member.post(page_url(control), data)
    assert response.status_code == 409
    page = text_of(response)
    assert "Casey Colleague saved AC-2b. after you opened it" in page
    assert '<div class="prose theirs">The colleague&#x27;s version.</div>' in page
    assert '<div class="prose yours">My version.</div>' in page
    assert ">My version.</textarea>" in page and ">A new narrative for c.</textarea>" in page
    # Nothing of the save was written: not the status, not the other narrative.
    assert ImplementationNarrative.objects.get(part="ac-2_smt.b").text == "The colleague's version."
    assert not ImplementationNarrative.objects.filter(part="ac-2_smt.c").exists()
    assert not ControlImplementation.objects.filter(status="partial").exists()
    # The form now carries the colleague's version: saving again applies the user's text.
    retry = form_data(response)
    assert retry["part-ac-2_smt.b-version"] == "2"
    assert member.post(page_url(control), retry).status_code == 302
    assert ImplementationNarrative.objects.get(part="ac-2_smt.b").text == "My version."
    assert ImplementationNarrative.objects.get(part="ac-2_smt.c").version == 1
    assert ControlImplementation.objects.get(selected_control=control).status == "partial"


def test_a_part_left_untouched_is_no_conflict_when_someone_changed_it(member, personas, cycle):
    control = selected(cycle, "ac-2")
    opened = form_data(member.get(page_url(control)))
    narrative_save(
        actor=personas.admin, selected_control=control, part_id="ac-2_smt.b", text="Theirs."
    )
    implementation_update(
        actor=personas.admin, selected_control=control, responsible_roles="Their team"
    )
    data = {**opened, "part-ac-2_smt.a-text": "Mine."}
    assert member.post(page_url(control), data).status_code == 302
    texts = dict(ImplementationNarrative.objects.values_list("part", "text"))
    assert texts == {"ac-2_smt.a": "Mine.", "ac-2_smt.b": "Theirs."}
    assert ControlImplementation.objects.get().responsible_roles == "Their team"


def test_status_saved_meanwhile_shows_both_values(member, personas, cycle):
    control = selected(cycle, "ac-2")
    opened = form_data(member.get(page_url(control)))
    implementation_update(
        actor=personas.admin, selected_control=control, status=ImplementationStatus.PLANNED
    )
    response = member.post(page_url(control), {**opened, "status": "implemented"})
    assert response.status_code == 409
    rows = response.context["implementation_conflict"]["rows"]
    assert rows[0] == ("Status", "Planned", "Implemented")
    retry = form_data(response)
    assert retry["status"] == "implemented" and retry["expected_version"] == "2"
    assert member.post(page_url(control), retry).status_code == 302
    assert ControlImplementation.objects.get().status == "implemented"


def test_a_refused_field_is_marked_and_nothing_is_written(member, personas, cycle):
    control = selected(cycle, "ac-2")
    narrative_save(
        actor=personas.member, selected_control=control, part_id="ac-2_smt.a", text="Original."
    )
    opened = form_data(member.get(page_url(control)))
    data = {**opened, "part-ac-2_smt.a-text": "  ", "part-ac-2_smt.b-text": "New.", "status": ""}
    data["responsible_roles"] = "Network team"
    response = member.post(page_url(control), data)
    assert response.status_code == 400
    page = text_of(response)
    assert 'aria-invalid="true"' in page
    assert "Describe how the system meets this part." in page
    assert ImplementationNarrative.objects.get().text == "Original."
    assert not ControlImplementation.objects.filter(responsible_roles="Network team").exists()


def test_readers_see_the_page_without_forms(client, personas, cycle):
    control = selected(cycle, "ac-2")
    narrative_save(
        actor=personas.member, selected_control=control, part_id="ac-2_smt.a", text="Directory."
    )
    client.force_login(personas.viewer)
    response = client.get(page_url(control))
    assert response.status_code == 200
    page = text_of(response)
    assert "<textarea" not in page and "Save and next" not in page
    assert '<div class="prose narrative">Directory.</div>' in page
    assert "Not documented yet" in page


def test_before_the_implement_step_the_page_says_when(member, personas, evidence_dir):
    authorization = cycle_in_select(personas, types=(TYPE_LOW,))
    complete_selection(personas, authorization)
    control = selected(authorization, "ac-2")
    response = member.get(page_url(control))
    assert "recorded from the Implement step on" in response.content.decode()
    assert '<textarea name="part-' not in response.content.decode()
    # A form sent anyway (a page opened earlier) is refused with the reason; nothing is kept,
    # not even the file of evidence that could not be attached.
    data = {"status": "planned", "expected_version": "1", "base": ""}
    response = member.post(page_url(control), data)
    assert response.status_code == 400
    assert "recorded from the Implement step on" in response.content.decode()
    response = member.post(
        reverse("rmf:control_evidence_add", args=[control.pk]),
        {
            "kind": "file",
            "upload-title": "Policy",
            "upload-file": SimpleUploadedFile("policy.pdf", PDF),
        },
    )
    assert response.status_code == 302
    followed = member.get(response["Location"]).content.decode()
    assert "from the Implement step on" in followed
    assert not ControlImplementation.objects.exists() and not Evidence.objects.exists()
    assert not evidence_dir.exists() or not any(evidence_dir.iterdir())


def test_common_controls_show_the_providers_narrative_hybrid_ones_ask_for_a_share(member, personas):
    provider = cycle_in_implement(personas, personas.sibling_system, types=(TYPE_LOW,))
    for part_id, text in (("ac-1_smt.b", "The CIO's office."), ("ac-2_smt.a", "Directory.")):
        narrative_save(
            actor=personas.sibling,
            selected_control=selected(provider, part_id.split("_")[0]),
            part_id=part_id,
            text=text,
        )
    authorization = cycle_in_select(personas, types=(TYPE_LOW,))
    complete_selection(personas, authorization)
    for control_id, designation in (("ac-1", Designation.COMMON), ("ac-2", Designation.HYBRID)):
        control_allocate(
            actor=personas.member,
            authorization=authorization,
            selected_ids=[selected(authorization, control_id).pk],
            designation=designation,
            provider=personas.sibling_system,
        )
    approve(personas, authorization, "S-6")
    authorization_advance(actor=personas.member, authorization=authorization)
    common = text_of(member.get(page_url(selected(authorization, "ac-1"))))
    assert "A common control" in common and '<textarea name="part-' not in common
    assert '<div class="prose">The CIO&#x27;s office.</div>' in common
    hybrid = member.get(page_url(selected(authorization, "ac-2")))
    page = text_of(hybrid)
    assert '<div class="prose">Directory.</div>' in page
    assert "This system's share of AC-2a." in page
    data = {**form_data(hybrid), "part-ac-2_smt.a-text": "Our own accounts."}
    assert member.post(page_url(selected(authorization, "ac-2")), data).status_code == 302
    assert ImplementationNarrative.objects.filter(text="Our own accounts.").exists()


# --- evidence on a control's page -----------------------------------------------------------


def test_upload_and_link_from_the_control_page_are_attached(member, personas, cycle):
    control = selected(cycle, "ac-2")
    url = reverse("rmf:control_evidence_add", args=[control.pk])
    response = member.post(
        f"{url}?family=ac",
        {
            "kind": "file",
            "upload-title": "Account policy",
            "upload-file": SimpleUploadedFile("policy.pdf", PDF),
        },
    )
    assert response["Location"] == page_url(control, "family=ac") + "#evidence"
    response = member.post(
        url, {"kind": "link", "link-title": "Directory", "link-url": "https://dir.example.gov/"}
    )
    assert response.status_code == 302
    assert set(control.evidence.values_list("title", flat=True)) == {"Account policy", "Directory"}
    page = text_of(member.get(page_url(control)))
    policy = Evidence.objects.get(title="Account policy")
    assert reverse("rmf:evidence_download", args=[policy.pk]) in page
    assert f'title="SHA-256 {policy.sha256}">{policy.sha256[:12]}…</code>' in page
    assert 'href="https://dir.example.gov/" rel="noopener noreferrer nofollow"' in page


def test_a_refused_upload_is_explained_next_to_the_field(member, cycle):
    control = selected(cycle, "ac-2")
    url = reverse("rmf:control_evidence_add", args=[control.pk])
    response = member.post(
        url,
        {
            "kind": "file",
            "upload-title": "Script",
            "upload-file": SimpleUploadedFile("run.exe", b"MZ\x90\x00"),
        },
    )
    assert response.status_code == 400
    assert "This type of file is not accepted" in response.content.decode()
    assert 'value="Script"' in response.content.decode()
    response = member.post(url, {"kind": "link", "link-title": "", "link-url": "ftp://x"})
    assert response.status_code == 400
    assert "Give the evidence a title." in response.content.decode()
    assert not Evidence.objects.exists()


def test_attach_existing_evidence_and_detach_it(member, personas, cycle):
    control = selected(cycle, "ac-2")
    policy = evidence_link_create(
        actor=personas.member,
        organization=personas.agency,
        title="Department access policy",
        url="https://dot.example.gov/policy",
    )
    # The city's library is offered to those who see the city, not to an agency's planner.
    evidence_link_create(
        actor=None,
        organization=personas.city,
        title="City access policy",
        url="https://city.example.gov/policy",
    )
    offered = member.get(page_url(control)).context["attach_form"].fields["evidence"].queryset
    assert [evidence.title for evidence in offered] == ["Department access policy"]
    url = reverse("rmf:control_evidence_attach", args=[control.pk])
    assert member.post(url, {"evidence": policy.pk}).status_code == 302
    assert list(control.evidence.all()) == [policy]
    other = cycle_in_implement(personas, personas.sibling_system, types=(TYPE_LOW,))
    foreign = evidence_link_create(
        actor=personas.sibling,
        organization=personas.sibling_agency,
        title="Motor vehicles policy",
        url="https://mv.example.gov/",
    )
    assert other is not None
    response = member.post(url, {"evidence": foreign.pk})
    assert response.status_code == 400
    assert "Choose evidence from the list." in response.content.decode()
    detach = reverse("rmf:control_evidence_detach", args=[control.pk])
    assert member.post(detach, {"evidence": policy.pk}).status_code == 302
    assert not control.evidence.exists()
    assert Evidence.objects.filter(pk=policy.pk).exists()  # it stays in the library
