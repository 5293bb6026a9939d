from rmf.models.catalog import (
    Baseline,
    BaselineControl,
    Control,
    ControlFamily,
    ControlParameter,
    ControlPart,
)

__all__ = [
    "Baseline",
    "BaselineControl",
    "Control",
    "ControlFamily",
    "ControlParameter",
    "ControlPart",
]
