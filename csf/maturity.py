"""The default CSF maturity scale, written for planners rather than security specialists.

An organization administrator may reword the levels (csf.models.CsfMaturityLabel); the numbers
and the recommended minimum target do not change, so scores stay comparable across
organizations and years (the benchmark reports rely on it).
"""

from dataclasses import dataclass

MIN_LEVEL = 1
MAX_LEVEL = 7
# What an organization should reach at least, for every subcategory, unless it sets its own
# target: the practice is documented, followed everywhere and checked.
RECOMMENDED_TARGET = 5


@dataclass(frozen=True)
class MaturityLevel:
    level: int
    label: str
    description: str


DEFAULT_LEVELS: tuple[MaturityLevel, ...] = (
    MaturityLevel(
        1,
        "Not performed",
        "Nobody does this today, or we do not know whether anyone does.",
    ),
    MaturityLevel(
        2,
        "Informally performed",
        "Some people do it, their own way, when they think of it. Nothing is written down.",
    ),
    MaturityLevel(
        3,
        "Documented",
        "There is a written policy or procedure, but it is not yet followed everywhere.",
    ),
    MaturityLevel(
        4,
        "Partially implemented",
        "The written practice is followed in most places and systems, with known exceptions.",
    ),
    MaturityLevel(
        5,
        "Implemented",
        "The practice is followed everywhere it applies, and someone checks that it is.",
    ),
    MaturityLevel(
        6,
        "Tested and measured",
        "We test that the practice works and track figures on how well it works.",
    ),
    MaturityLevel(
        7,
        "Optimized",
        "We improve the practice from its figures, incidents and lessons learned, and "
        "adapt it to new threats.",
    ),
)


def maturity_levels(overrides: dict[int, tuple[str, str]] | None = None) -> list[MaturityLevel]:
    """The scale with an organization's own wording where it has some: {level: (label,
    description)}."""
    overrides = overrides or {}
    return [
        MaturityLevel(level.level, *overrides[level.level]) if level.level in overrides else level
        for level in DEFAULT_LEVELS
    ]
