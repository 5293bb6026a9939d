"""The registered control filters (`rmf.selectors.control_filters`) as fields of the control
lists' filter forms: a form that mixes this in offers one select per registered filter and
hands the valid values to its selector."""

from django import forms

from rmf.selectors.control_filters import control_filters


class ControlFilterFormMixin:
    """Adds a select per registered control filter. An invalid value counts as not given, like
    the forms' other filters."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.registered_keys = []
        for control_filter in control_filters():
            self.fields[control_filter.key] = forms.ChoiceField(
                label=control_filter.label[:1].upper() + control_filter.label[1:],
                required=False,
                # Read when the form is validated or shown, not when it is built.
                choices=lambda control_filter=control_filter: [
                    ("", f"Any {control_filter.label}"),
                    *control_filter.choices(),
                ],
            )
            self.registered_keys.append(control_filter.key)

    @property
    def control_filter_fields(self) -> list:
        """The bound fields of the registered filters, for the template."""
        return [self[key] for key in self.registered_keys]

    def control_filter_data(self) -> dict[str, str]:
        """{filter key: valid value} for the registered filters given (call after is_valid)."""
        data = getattr(self, "cleaned_data", {})
        return {key: data[key] for key in self.registered_keys if data.get(key)}
