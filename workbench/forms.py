"""Shared form plumbing."""

from django import forms
from django.core.exceptions import ValidationError


def apply_validation_error(form: forms.Form, error: ValidationError) -> None:
    """Show a service's ValidationError on the form: next to its field when the form has that
    field, at the top otherwise."""
    if hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)
