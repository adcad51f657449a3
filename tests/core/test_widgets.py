"""csboard.core.widgets draws the widgets exactly as Django's templates do."""

from datetime import UTC, datetime

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates

from boards.services import tag_create
from csboard.core.widgets import QUICK_RENDERER
from tickets.forms import TicketForm, TicketMoveForm
from tickets.services import ticket_create

pytestmark = pytest.mark.django_db
TEMPLATES = DjangoTemplates()


def drawn(form: forms.Form, renderer) -> list[str]:
    """Every widget of `form`, and each option of its multiple choices, as `renderer` draws
    them."""
    form.renderer = renderer
    out = []
    for field in form:
        out.append(str(field))
        out += [option.tag() for option in field.subwidgets]
    return out


class Everything(forms.Form):
    text = forms.CharField(max_length=5, initial='<"quoted" & more>')
    empty = forms.CharField(required=False)
    number = forms.IntegerField(min_value=1, initial=0)
    email = forms.EmailField(
        widget=forms.EmailInput(attrs={"placeholder": "a@b", "autofocus": True})
    )
    hidden = forms.IntegerField(widget=forms.HiddenInput, initial=3)
    when = forms.DateTimeField(
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        initial=datetime(2026, 1, 2, 3, 4, tzinfo=UTC),
    )
    body = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), initial="a <b>\nline")
    blank_body = forms.CharField(widget=forms.Textarea, required=False)
    choice = forms.ChoiceField(choices=[("a", "A & a"), ("b", "<B>")], initial="b")
    grouped = forms.ChoiceField(choices=[("G <1>", [("x", "X"), ("y", "Y")]), ("z", "Z")])
    many = forms.MultipleChoiceField(
        choices=[("1", "One"), ("2", "Two")], widget=forms.CheckboxSelectMultiple, initial=["2"]
    )
    radio = forms.ChoiceField(choices=[("r", "R")], widget=forms.RadioSelect)
    flag = forms.BooleanField(required=False)


@pytest.mark.parametrize("data", [None, {"text": "too long <x>", "number": "-1", "many": ["1"]}])
def test_every_kind_of_widget_is_drawn_as_its_template_draws_it(data):
    assert drawn(Everything(data), QUICK_RENDERER) == drawn(Everything(data), TEMPLATES)


def test_the_ticket_forms_are_drawn_as_their_templates_draw_them(
    board, columns, admin_user, member_user
):
    tag = tag_create(board=board, name="<vip>")
    ticket = ticket_create(
        board=board,
        created_by=admin_user,
        title='Refund "now" & <later>',
        description="line\n<two>",
        assignees=[member_user],
        tags=[tag],
        due_at=datetime(2026, 5, 30, 9, 0, tzinfo=UTC),
    )
    refused = {"title": "", "status": "nope", "due_at": "x", "assignees": ["0"], "tags": [tag.pk]}
    for make in (
        lambda: TicketForm.for_ticket(ticket, board),
        lambda: TicketForm(refused, board=board),
        lambda: TicketMoveForm(initial={"column": columns[1].pk}, board=board),
    ):
        assert drawn(make(), QUICK_RENDERER) == drawn(make(), TEMPLATES)
