from csf.models.assessment import (
    CsfActionItem,
    CsfAnswer,
    CsfAssessment,
    CsfMaturityLabel,
    CsfTarget,
    CsfTier,
)
from csf.models.reference import (
    ControlMapping,
    CrosswalkLink,
    CsfElement,
    CsfVersion,
    ImplementationExample,
)

__all__ = [
    "ControlMapping",
    "CrosswalkLink",
    "CsfActionItem",
    "CsfAnswer",
    "CsfAssessment",
    "CsfElement",
    "CsfMaturityLabel",
    "CsfTarget",
    "CsfTier",
    "CsfVersion",
    "ImplementationExample",
]
