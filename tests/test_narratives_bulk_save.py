"""Writing many narratives at once (imports, the demo): all or nothing with an error per row,
existing narratives kept, audited, and a fixed number of queries whatever the count."""

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from assets.models import AuditEvent
from rmf.models import Designation, ImplementationNarrative, SelectedControl
from rmf.selectors.implementation import statement_parts_needing_narratives
from rmf.services.implementation import narrative_save, narratives_bulk_save
from rmf.services.selection import control_allocate, control_tailor_remove
from rmf.services.workflow import authorization_advance
from tests.test_rmf_cycles import (
    TYPE_LOW,
    approve,
    complete_selection,
    cycle_in_implement,
    cycle_in_select,
)


@pytest.fixture
def cycle(personas):
    return cycle_in_implement(personas, types=(TYPE_LOW,))


def implement_after(personas, tailor) -> object:
    """A LOW cycle in Implement whose control set `tailor(authorization)` changed in Select."""
    authorization = cycle_in_select(personas, types=(TYPE_LOW,))
    authorization = complete_selection(personas, authorization)
    tailor(authorization)
    authorization = complete_selection(personas, authorization)
    approve(personas, authorization, "S-6")
    return authorization_advance(actor=personas.member, authorization=authorization)


def texts_for(authorization, family: str) -> dict[tuple[int, str], str]:
    controls = {
        selected.control_id: selected
        for selected in SelectedControl.objects.filter(
            authorization=authorization, control__family=family, tailoring="baseline"
        )
    }
    return {
        (controls[control_id].pk, part.pk): f"Text for {part.pk}"
        for control_id, parts in statement_parts_needing_narratives(controls).items()
        for part in parts
    }


def test_every_part_is_written_and_audited(personas, cycle):
    texts = texts_for(cycle, "ac")
    assert len(texts) > 20
    written = narratives_bulk_save(actor=personas.member, authorization=cycle, texts=texts)
    assert written == len(texts)
    narratives = ImplementationNarrative.objects.filter(
        implementation__selected_control__authorization=cycle
    )
    assert narratives.count() == len(texts)
    assert {n.updated_by for n in narratives} == {personas.member}
    events = AuditEvent.objects.filter(action="narrative_save")
    assert events.count() == len(texts)
    assert all(event.changes["text"][0] is None for event in events)


def test_existing_narratives_are_kept(personas, cycle):
    texts = texts_for(cycle, "ac")
    (selected_id, part_id), _ = next(iter(texts.items()))
    narrative_save(
        actor=personas.member,
        selected_control=SelectedControl.objects.get(pk=selected_id),
        part_id=part_id,
        text="Written by hand.",
    )
    written = narratives_bulk_save(actor=personas.member, authorization=cycle, texts=texts)
    assert written == len(texts) - 1
    kept = ImplementationNarrative.objects.get(part=part_id)
    assert kept.text == "Written by hand."


def test_bad_rows_are_all_reported_and_nothing_is_written(personas):
    def make_at2_common(authorization):
        control_allocate(
            actor=personas.member,
            authorization=authorization,
            selected_ids=[
                SelectedControl.objects.get(authorization=authorization, control="at-2").pk
            ],
            designation=Designation.COMMON,
            provider=personas.sibling_system,
        )

    cycle = implement_after(personas, make_at2_common)
    ac2 = SelectedControl.objects.get(authorization=cycle, control="ac-2")
    at2 = SelectedControl.objects.get(authorization=cycle, control="at-2")
    bad = {
        **texts_for(cycle, "ac"),
        (ac2.pk, "ac-3_smt"): "Not a part of AC-2.",
        (ac2.pk, "ac-2_smt.b"): "   ",
        (at2.pk, "at-2_smt.a"): "The provider's text.",
    }
    with pytest.raises(ValidationError) as raised:
        narratives_bulk_save(actor=personas.member, authorization=cycle, texts=bad)
    messages = raised.value.messages
    assert any("ac-3_smt is not a part of the statement of AC-2" in m for m in messages)
    assert any("the text is empty" in m for m in messages)
    assert any("AT-2 is a common control" in m for m in messages)
    assert not ImplementationNarrative.objects.exists()


def test_removed_controls_are_refused(personas):
    def remove_ac2(authorization):
        control_tailor_remove(
            actor=personas.member,
            selected_control=SelectedControl.objects.select_related("authorization").get(
                authorization=authorization, control="ac-2"
            ),
            kind=SelectedControl.Tailoring.SCOPED_OUT,
            rationale="Does not apply.",
        )

    cycle = implement_after(personas, remove_ac2)
    ac2 = SelectedControl.objects.get(authorization=cycle, control="ac-2")
    with pytest.raises(ValidationError, match="AC-2 was removed by tailoring"):
        narratives_bulk_save(
            actor=personas.member, authorization=cycle, texts={(ac2.pk, "ac-2_smt.b"): "Text."}
        )


def test_query_count_does_not_grow_with_rows(personas, cycle):
    counts = []
    for family in ("at", "ac"):
        texts = texts_for(cycle, family)
        with CaptureQueriesContext(connection) as queries:
            narratives_bulk_save(actor=personas.member, authorization=cycle, texts=texts)
        counts.append(len(queries))
    assert counts[0] == counts[1]
