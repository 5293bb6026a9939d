"""Shared REST plumbing: pagination and service errors as 400 answers."""

from typing import NoReturn

from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import PageNumberPagination


class StandardPagination(PageNumberPagination):
    """`count`, `next`, `previous`, `results`; `?page_size=` up to 500."""

    page_size_query_param = "page_size"
    max_page_size = 500


def raise_validation_error(error: DjangoValidationError) -> NoReturn:
    """Answer a service's Django ValidationError as DRF's 400, field by field."""
    detail = error.message_dict if hasattr(error, "error_dict") else {"detail": error.messages}
    raise ValidationError(detail) from error
