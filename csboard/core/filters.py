import django_filters
from django import forms
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field


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


class AnyValuesField(forms.MultipleChoiceField):
    """Several values of a query parameter (?tag=1&tag=vip), checked by the filter's method
    rather than against a fixed list (usernames, tag names)."""

    def to_python(self, value):
        # A blank value is no value: the board's filter bar sends `assignee=` for "Anyone" (and
        # the custom fields' controls `cf_<id>=` for "any"), which must filter nothing.
        return [item for item in super().to_python(value) if item.strip()]

    def valid_value(self, value):
        return True


@extend_schema_field(OpenApiTypes.STR)  # each value; the parameter is an array of them
class ValuesFilter(django_filters.MultipleChoiceFilter):
    """A filter taking the parameter repeated; its method gets the list of values."""

    field_class = AnyValuesField


class BoardFilterBackend(DjangoFilterBackend):
    """django-filter for board-scoped API views: the filter set also gets the view's board (e.g.
    for its time zone), as the board page passes it."""

    # Query parameters that are never a filter's: a request with no others filters nothing.
    not_filters = frozenset({"page", "page_size"})

    def filter_queryset(self, request, queryset, view):
        # Building and validating the filter set costs as much as a query; with no parameter
        # that could be a filter's (django-filter reads an absent one as "no filter"), skip it.
        if self.not_filters.issuperset(request.query_params):
            return queryset
        return super().filter_queryset(request, queryset, view)

    def get_filterset_kwargs(self, request, queryset, view):
        return {
            **super().get_filterset_kwargs(request, queryset, view),
            "board": getattr(view, "board", None),
        }
