import django_filters
from django import forms


class StrictBooleanField(forms.NullBooleanField):
    """Blank means "no filter"; anything but true/false is an error, not silently ignored."""

    widget = forms.TextInput  # the default select widget maps unknown values to "no filter"

    def to_python(self, value):
        if value in (None, ""):
            return None
        if str(value).lower() in ("true", "1"):
            return True
        if str(value).lower() in ("false", "0"):
            return False
        raise forms.ValidationError("Use true or false.")


class StrictBooleanFilter(django_filters.BooleanFilter):
    field_class = StrictBooleanField
