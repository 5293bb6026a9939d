"""The registered control filters (`rmf.selectors.control_filters`) on the API's control lists:
their query parameters for the schema, and their values checked (400 naming the parameter)."""

from collections.abc import Mapping

from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import OpenApiParameter

from rmf.selectors.control_filters import control_filter_values, control_filters
from workbench.api import raise_validation_error


def control_filter_parameters() -> list[OpenApiParameter]:
    """For `extend_schema(parameters=...)`: read when the API modules are imported, after the
    apps registered their filters (`AppConfig.ready`)."""
    return [
        OpenApiParameter(
            control_filter.key,
            str,
            OpenApiParameter.QUERY,
            required=False,
            description=f"Only the controls of this {control_filter.label}.",
        )
        for control_filter in control_filters()
    ]


def control_filter_query(params: Mapping) -> dict[str, str]:
    """The registered filters given in the query string, checked: an unknown value is a 400."""
    try:
        return control_filter_values(params)
    except DjangoValidationError as error:
        raise_validation_error(error)
