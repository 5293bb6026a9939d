from rmf.models.catalog import (
    Baseline,
    BaselineControl,
    Control,
    ControlFamily,
    ControlParameter,
    ControlPart,
)
from rmf.models.categorization import Categorization, ImpactAdjustment, Objective
from rmf.models.implementation import (
    ControlImplementation,
    Evidence,
    ImplementationNarrative,
    ImplementationStatus,
)
from rmf.models.selection import (
    MONITORING_DAYS,
    ControlSelection,
    Designation,
    MonitoringFrequency,
    OrganizationParameterDefault,
    ParameterValue,
    SelectedControl,
)
from rmf.models.workflow import STEP_ORDER, Authorization, Step, StepTransition, TaskSignoff

__all__ = [
    "MONITORING_DAYS",
    "STEP_ORDER",
    "Authorization",
    "Categorization",
    "ControlImplementation",
    "ControlSelection",
    "Evidence",
    "ImplementationNarrative",
    "ImplementationStatus",
    "Designation",
    "ImpactAdjustment",
    "MonitoringFrequency",
    "Objective",
    "OrganizationParameterDefault",
    "ParameterValue",
    "SelectedControl",
    "Step",
    "StepTransition",
    "TaskSignoff",
    "Baseline",
    "BaselineControl",
    "Control",
    "ControlFamily",
    "ControlParameter",
    "ControlPart",
]
