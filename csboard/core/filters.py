import django_filters
from django import forms
from django_filters.rest_framework import DjangoFilterBackend


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


class BoardFilterBackend(DjangoFilterBackend):
    """django-filter for board-scoped API views: the filter set also gets the view's board (e.g.
    for its time zone), as the board page passes it."""

    def get_filterset_kwargs(self, request, queryset, view):
        return {
            **super().get_filterset_kwargs(request, queryset, view),
            "board": getattr(view, "board", None),
        }
