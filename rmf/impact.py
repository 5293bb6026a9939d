"""FIPS 199 arithmetic: impact levels, the high-water mark and the SC notation."""

from collections.abc import Iterable

LEVELS = ("LOW", "MODERATE", "HIGH")
RANK = {"NA": 0, "LOW": 1, "MODERATE": 2, "HIGH": 3}
OBJECTIVES = ("confidentiality", "integrity", "availability")


def high_water_mark(levels: Iterable[str], *, floor: str | None = None) -> str | None:
    """The highest level present; `floor` when there is none higher (a system is at least LOW)."""
    best = max((level for level in levels if level in RANK), key=RANK.__getitem__, default=None)
    if floor is not None and (best is None or RANK[best] < RANK[floor]):
        return floor
    return best


def sc_notation(name: str, confidentiality: str, integrity: str, availability: str) -> str:
    return (
        f"SC {name} = {{(confidentiality, {confidentiality}), (integrity, {integrity}), "
        f"(availability, {availability})}}"
    )
