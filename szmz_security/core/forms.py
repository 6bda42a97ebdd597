from django import forms
from django.utils import timezone

from szmz_security.org.models import display_name


class BootstrapFormMixin:
    """Bootstrap classes on every widget, and ``is-invalid`` on fields with errors, so each
    error shows next to its field."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput):
                css = "form-check-input"
            elif isinstance(widget, forms.Select | forms.SelectMultiple):
                css = "form-select"
            else:
                css = "form-control"
            widget.attrs["class"] = f"{widget.attrs.get('class', '')} {css}".strip()

    def full_clean(self):
        super().full_clean()
        for name in self.errors:
            if name in self.fields:
                widget = self.fields[name].widget
                widget.attrs["class"] = f"{widget.attrs.get('class', '')} is-invalid".strip()
                widget.attrs["aria-invalid"] = "true"


def style_filter_form(form):
    """Make a django-filter form read like the rest of the portal: Bootstrap's small controls,
    the browser's date picker for dates, and “全部” (not “---------” or “未知”) for “no filter”."""
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, forms.NullBooleanSelect):
            widget.choices = [("unknown", "全部"), ("true", "是"), ("false", "否")]
        elif getattr(field, "empty_label", None) is not None:
            field.empty_label = "全部"
            # The widget holds a copy of the choices tied to the filterset's class-level field.
            widget.choices = field.choices
        if isinstance(widget, forms.DateInput) and not isinstance(widget, forms.DateTimeInput):
            widget.input_type = "date"
            widget.format = "%Y-%m-%d"
        if isinstance(widget, forms.CheckboxInput):
            css = "form-check-input"
        elif isinstance(widget, forms.Select | forms.SelectMultiple):
            css = "form-select form-select-sm"
        else:
            css = "form-control form-control-sm"
        widget.attrs["class"] = f"{widget.attrs.get('class', '')} {css}".strip()
    return form


DATETIME_FORMAT = "%Y-%m-%dT%H:%M"


def datetime_input(**attrs):
    return forms.DateTimeInput(attrs={"type": "datetime-local", **attrs}, format=DATETIME_FORMAT)


def local_now():
    return timezone.localtime().strftime(DATETIME_FORMAT)


def add_service_errors(form, error, field_map=None):
    """Show a service's ValidationError on the form: each key next to its field (``field_map``
    renames service keys to form fields), anything else above the form."""
    field_map = field_map or {}
    items = error.message_dict.items() if hasattr(error, "error_dict") else [(None, error.messages)]
    for key, messages in items:
        field = field_map.get(key, key)
        for message in messages:
            form.add_error(field if field in form.fields else None, message)
        if field in form.fields:
            # As BootstrapFormMixin does for the form's own errors: the input is marked too.
            widget = form.fields[field].widget
            if "is-invalid" not in widget.attrs.get("class", ""):
                widget.attrs["class"] = f"{widget.attrs.get('class', '')} is-invalid".strip()
            widget.attrs["aria-invalid"] = "true"


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input (Django's documented recipe); cleans to a list."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        if not data:
            return super().clean(None, initial) or []
        files = data if isinstance(data, list | tuple) else [data]
        return [super(MultipleFileField, self).clean(item, initial) for item in files]


class ActiveUserChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        name = display_name(obj)
        return name if name == obj.get_username() else f"{name}（{obj.get_username()}）"
