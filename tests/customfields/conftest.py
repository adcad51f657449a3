import pytest

from customfields.models import FieldType
from customfields.services import field_create


@pytest.fixture
def make_field(board, admin_user):
    """A field of `board`, created as its admin does (customfields.services.field_create)."""

    def make(name="Plan", type=FieldType.TEXT, **settings):
        return field_create(board=board, name=name, type=type, by=admin_user, **settings)

    return make


@pytest.fixture
def plan(make_field):
    """A single select with three options: Free, Pro, Enterprise."""
    return make_field("Plan", FieldType.SELECT, options=["Free", "Pro", "Enterprise"])


def option_id(field, label):
    return next(o.pk for o in field.option_list if o.label == label)
