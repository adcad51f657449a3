"""Custom fields on pages: the board's settings page for them (admins), a ticket's value edited
inline (members; the ticket page draws the fields, web.views), the quick add and the ticket CSV
with the fields. Thin adapters over customfields.services and selectors."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from boards.permissions import Action, board_for
from boards.selectors import board_team
from csboard.core.exceptions import ApplicationError
from csboard.core.pages import add_refusal, is_htmx, refusals_as_messages
from customfields import services
from customfields.filters import FieldTicketFilter
from customfields.models import SELECT_TYPES, FieldType
from customfields.selectors import board_fields, csv_columns, field_of, ticket_fields_shown
from customfields.values import display
from tickets import views as ticket_views
from tickets.selectors import ticket_for

SECTION = "customfields/_ticket_fields.html"


def _settings_url(board_id: int, anchor: str = "") -> str:
    url = reverse("customfields:settings", args=[board_id])
    return f"{url}#{anchor}" if anchor else url


# --- The quick add and the CSV, with the fields --------------------------------------------------
@login_required
@require_POST
def ticket_new(request, board_id):
    """The board's quick add: the new ticket takes its fields' defaults; a required field
    without one refuses it, said beside the field."""
    return ticket_views.quick_add(request, board_id, create=services.ticket_create_with_fields)


@login_required
def board_export_tickets(request, board_id):
    """The board's tickets as CSV with a column per custom field, the board page's filters
    (its custom ones too) applied, streamed."""
    board = board_for(request.user, board_id, Action.EXPORT)
    return ticket_views.tickets_csv(
        request, board, filterset=FieldTicketFilter, more=csv_columns(board)
    )


# --- The settings page ---------------------------------------------------------------------------
class FieldForm(forms.Form):
    name = forms.CharField(max_length=services.NAME_MAX)
    type = forms.ChoiceField(choices=FieldType.choices)
    required = forms.BooleanField(required=False)
    show_on_card = forms.BooleanField(required=False, label="Show on cards")
    default = forms.CharField(
        required=False,
        max_length=200,
        help_text="An option's label, a number, a date (YYYY-MM-DD), true or false, a username",
    )
    new_options = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 3}), label="Add options"
    )

    def new_labels(self) -> list[str]:
        text = self.cleaned_data.get("new_options", "")
        return [line.strip() for line in text.splitlines() if line.strip()]


def _default(value: str, field_type: str):
    """The default as typed on the page, as the service reads one (a checkbox's words, a
    multi select's labels separated by commas)."""
    if field_type == FieldType.MULTI_SELECT:
        return [part.strip() for part in value.split(",") if part.strip()]
    return value


def _render_settings(request, board, refused=None, status=200):
    fields = board_fields(board)
    for field in fields:  # as the admin types a default
        field.default_text = display(field, field.default, field.options_by_id)
    return render(
        request,
        "customfields/settings.html",
        {
            "board": board,
            "fields": fields,
            "types": FieldType.choices,
            "select_types": [str(kind) for kind in SELECT_TYPES],
            "form": refused or FieldForm(),
        },
        status=status,
    )


@login_required
def fields_settings(request, board_id):
    board = board_for(request.user, board_id, Action.MANAGE)
    return _render_settings(request, board)


@login_required
@require_POST
def field_add(request, board_id):
    board = board_for(request.user, board_id, Action.MANAGE)
    form = FieldForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            field = services.field_create(
                board=board,
                name=data["name"],
                type=data["type"],
                options=form.new_labels(),
                required=data["required"],
                show_on_card=data["show_on_card"],
                default=_default(data["default"], data["type"]),
                by=request.user,
            )
        except ApplicationError as exc:
            add_refusal(form, exc)
        else:
            messages.success(request, f"Field “{field.name}” added.")
            return redirect(_settings_url(board.pk, f"field-{field.pk}"))
    return _render_settings(request, board, refused=form, status=400)


@login_required
@require_POST
def field_edit(request, board_id, field_id):
    """One field's row of the settings page: its settings, its options renamed in place (an
    emptied one is removed: the tickets that chose it keep it) and new ones added."""
    board = board_for(request.user, board_id, Action.MANAGE)
    field = field_of(board, field_id)
    form = FieldForm(request.POST)
    anchor = f"field-{field.pk}"
    if not form.is_valid():
        messages.error(request, f"“{field.name}” was not saved: check its name and type.")
        return redirect(_settings_url(board.pk, anchor))
    data = form.cleaned_data
    changes = {
        "name": data["name"],
        "type": data["type"],
        "required": data["required"],
        "show_on_card": data["show_on_card"],
        "default": _default(data["default"], data["type"]),
    }
    if data["type"] in SELECT_TYPES:
        kept = [
            {"id": option.pk, "label": request.POST.get(f"option-{option.pk}", "").strip()}
            for option in field.live_options
        ]
        changes["options"] = [row for row in kept if row["label"]] + [
            {"label": label} for label in form.new_labels()
        ]
    with refusals_as_messages(request):
        services.field_update(field=field, by=request.user, **changes)
        messages.success(request, f"Field “{data['name'].strip()}” saved.")
    return redirect(_settings_url(board.pk, anchor))


@login_required
@require_POST
def field_delete(request, board_id, field_id):
    board = board_for(request.user, board_id, Action.MANAGE)
    field = field_of(board, field_id)
    services.field_delete(field=field, by=request.user)
    messages.success(request, f"Field “{field.name}” and its values were deleted.")
    return redirect(_settings_url(board.pk))


# --- A ticket's value, edited inline ---------------------------------------------------------------
def _posted(field, post):
    values = post.getlist("value")
    if field.type == FieldType.MULTI_SELECT:
        return [value for value in values if value]
    if field.type == FieldType.CHECKBOX:
        return values[-1] if values else ""  # a hidden "false", then the box's "true" if ticked
    return values[-1] if values else ""


def fields_section_context(board, ticket, *, can_work: bool, fields=None) -> dict:
    """What the ticket's fields section draws (web.views' ticket page, and its redraw here)."""
    shown = ticket_fields_shown(board, ticket.pk, fields)
    has_user_field = any(row.field.type == FieldType.USER for row in shown)
    people = list(board_team(board)) if can_work and has_user_field else []
    return {
        "board": board,
        "ticket": ticket,
        "custom_fields": shown,
        "can_edit_fields": can_work,
        "field_people": people,
        "field_people_names": [person.username for person in people],
    }


@login_required
@require_POST
def value_edit(request, board_id, number, field_id):
    """Set one value of the ticket. Posted by htmx (static/js/ticket-sections.js), it answers
    with the fields section, the refusal beside its field with its status; else back to the
    ticket page with a message."""
    board = board_for(request.user, board_id, Action.WORK)
    ticket = ticket_for(board, number)
    fields = board_fields(board)
    field = field_of(board, field_id)
    refused, status = None, 200
    try:
        services.values_set(
            ticket=ticket, values={field.pk: _posted(field, request.POST)}, by=request.user
        )
    except ApplicationError as exc:
        refused = exc.fields.get(services.value_key(field), [exc.message])[0]
        status = exc.status_code
    if not is_htmx(request):
        if refused:
            messages.error(request, f"{field.name}: {refused}")
        else:
            messages.success(request, f"{ticket.reference}: {field.name} saved.")
        return redirect(f"{ticket.get_absolute_url()}#ticket-fields")
    context = fields_section_context(board, ticket, can_work=True, fields=fields)
    context |= {"refused_field": field.pk, "refused": refused, "saved": None if refused else field}
    return render(request, SECTION, context, status=status)
