"""The conflicts of the Assess step: a record saved by someone else after the user opened it.
Nothing is overwritten; the exception carries the current values and the user's, so that the
page can show both and let the user save again."""

from dataclasses import dataclass
from typing import Any


def _name(user) -> str:
    if user is None:
        return "Someone else"
    return user.get_full_name() or user.get_username()


class PlanConflict(Exception):
    """The assessment plan was saved by someone else after the user opened it."""

    def __init__(self, *, current: dict[str, Any], current_version: int, current_author=None):
        self.current = current
        self.current_version = current_version
        self.current_author = current_author
        super().__init__(
            f"{_name(current_author)} changed the assessment plan (now version "
            f"{current_version}) after you opened it. Your changes were not saved: review "
            "the current plan and apply yours again."
        )


@dataclass
class DeterminationConflictItem:
    """One objective whose determination changed after the user opened it."""

    objective_id: str
    objective_label: str
    current_result: str  # "" when the determination no longer exists
    current_note: str
    current_version: int
    current_author: Any  # a user, or None
    current_updated_at: Any  # a datetime, or None
    your_values: dict[str, Any]

    @property
    def author_name(self) -> str:
        return _name(self.current_author)


class DeterminationConflict(Exception):
    """Determinations saved by someone else after the user opened them: nothing of the save
    was written. `conflicts` lists them all; the attributes of the first are repeated on the
    exception for a single objective's form."""

    def __init__(self, conflicts: list[DeterminationConflictItem]):
        self.conflicts = conflicts
        first = conflicts[0]
        self.objective_id = first.objective_id
        self.current_result = first.current_result
        self.current_note = first.current_note
        self.current_version = first.current_version
        self.current_author = first.current_author
        self.your_values = first.your_values
        if len(conflicts) == 1:
            message = (
                f"{first.author_name} saved the determination of {first.objective_label} "
                f"(version {first.current_version}) after you opened it. Yours was not saved: "
                "compare both below and save again."
            )
        else:
            names = ", ".join(
                f"{item.objective_label} by {item.author_name}" for item in conflicts[:5]
            )
            more = f" and {len(conflicts) - 5} more" if len(conflicts) > 5 else ""
            message = (
                f"{len(conflicts)} determinations were saved by someone else after you opened "
                f"this control ({names}{more}). Nothing was saved: compare and save again."
            )
        super().__init__(message)


class FindingConflict(Exception):
    """The finding was saved by someone else after the user opened it."""

    def __init__(self, *, current: dict[str, Any], current_version: int, current_author=None):
        self.current = current
        self.current_version = current_version
        self.current_author = current_author
        super().__init__(
            f"{_name(current_author)} changed this finding (now version {current_version}) "
            "after you opened it. Your changes were not saved: review theirs and apply yours "
            "again."
        )


class PoamItemConflict(Exception):
    """The POA&M item was saved by someone else after the user opened it."""

    def __init__(self, *, current: dict[str, Any], current_version: int):
        self.current = current
        self.current_version = current_version
        super().__init__(
            f"Someone else changed this POA&M item (now version {current_version}) after you "
            "opened it. Your changes were not saved: review theirs and apply yours again."
        )
