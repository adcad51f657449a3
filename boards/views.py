"""Board pages: my boards, a new board, its zoom and its settings (the board itself, with its
tickets, is web.views.board_detail). Thin adapters over boards.permissions (access),
boards.selectors (reads) and boards.services (writes)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from accounts.selectors import board_audit_events
from accounts.services import preference_get, preference_set
from boards import services
from boards.forms import (
    ROLE_CHOICES,
    BoardCreateForm,
    BoardDeleteForm,
    BoardForm,
    ColumnForm,
    ColumnsForm,
    MemberAddForm,
    MemberRoleForm,
    TagForm,
    column_places,
)
from boards.models import Board, Column
from boards.permissions import Action, allows, board_for
from boards.selectors import (
    board_columns,
    board_members,
    board_tags,
    boards_for_user,
)
from csboard.core.exceptions import ApplicationError
from csboard.core.pages import add_refusal, redirect_back, refusals_as_messages, submitted

AUDIT_EVENTS_SHOWN = 50


def _settings_url(board_id: int, section: str = "") -> str:
    url = reverse("boards:settings", args=[board_id])
    return f"{url}#{section}" if section else url


# --- Boards ------------------------------------------------------------------------------------
@login_required
def board_list(request):
    boards = boards_for_user(request.user)
    return render(request, "boards/list.html", {"boards": boards})


@login_required
def board_new(request):
    form = BoardCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            board = services.board_create(created_by=request.user, **form.cleaned_data)
        except ApplicationError as exc:
            add_refusal(form, exc)
        else:
            messages.success(request, f"Board “{board.name}” is ready.")
            return redirect("boards:detail", board_id=board.pk)
    return render(
        request,
        "boards/new.html",
        {"form": form, "template_columns": services.BOARD_TEMPLATES},
    )


ZOOM_PREFERENCE = "board_zoomed_out"


@login_required
@require_POST
def board_zoom(request, board_id):
    """Switch between full cards and the zoomed-out view (reference and title); remembered for
    the user across boards and devices."""
    board = board_for(request.user, board_id)
    zoomed = not preference_get(request.user, ZOOM_PREFERENCE, False)
    preference_set(request.user, ZOOM_PREFERENCE, zoomed)
    return redirect_back(request, reverse("boards:detail", args=[board.pk]))


def render_settings(
    request,
    board: Board,
    general_form: BoardForm | None = None,
    columns_form: ColumnsForm | None = None,
):
    """The settings page; a section's form refused is shown again with its errors (the values
    the admin sent, beside each field), the others as stored."""
    columns = list(board_columns(board))
    context = {
        "board": board,
        "general_form": general_form or BoardForm.for_board(board),
        "columns": columns,
        "columns_form": columns_form or ColumnsForm(columns=columns),
        "column_form": ColumnForm(),
        "column_places": column_places(columns),
        "tags": board_tags(board),
        "tag_form": TagForm(),
        "members": board_members(board),
        "member_form": MemberAddForm(),
        "roles": ROLE_CHOICES,
        "delete_form": BoardDeleteForm(board=board),
        "audit_events": board_audit_events(board)[:AUDIT_EVENTS_SHOWN],
    }
    return render(request, "boards/settings.html", context)


@login_required
def board_settings(request, board_id):
    board = board_for(request.user, board_id, Action.MANAGE)
    return render_settings(request, board)


@login_required
@require_POST
def board_update(request, board_id):
    board = board_for(request.user, board_id, Action.MANAGE)
    form = BoardForm(request.POST)
    if form.is_valid():
        try:
            services.board_update(board=board, by=request.user, **form.cleaned_data)
        except ApplicationError as exc:
            add_refusal(form, exc)
        else:
            messages.success(request, "Board details saved.")
            return redirect(_settings_url(board.pk, "general"))
    # The refused values were set on `board`; show the page with the stored ones.
    return render_settings(request, board_for(request.user, board_id), general_form=form)


@login_required
@require_POST
def board_delete(request, board_id):
    board = board_for(request.user, board_id, Action.MANAGE)
    form = BoardDeleteForm(request.POST, board=board)
    if not form.is_valid():
        messages.error(request, form.errors["confirm_key"][0])
        return redirect(_settings_url(board.pk, "danger"))
    services.board_delete(board=board)
    messages.success(request, f"Board “{board.name}” and its tickets were deleted.")
    return redirect("boards:list")


# --- Columns -----------------------------------------------------------------------------------
def _column(board: Board, column_id) -> Column:
    return get_object_or_404(board_columns(board), pk=column_id)


@login_required
@require_POST
def column_add(request, board_id):
    board = board_for(request.user, board_id, Action.MANAGE)
    data = submitted(request, ColumnForm(request.POST))
    if data is None:
        return redirect(_settings_url(board.pk, "columns"))
    with refusals_as_messages(request):
        column = services.column_create(board=board, **data)
        messages.success(request, f"Column “{column.name}” added.")
    return redirect(_settings_url(board.pk, "columns"))


# --- Tags --------------------------------------------------------------------------------------
@login_required
@require_POST
def tag_add(request, board_id):
    board = board_for(request.user, board_id, Action.MANAGE)
    data = submitted(request, TagForm(request.POST))
    if data is None:
        return redirect(_settings_url(board.pk, "tags"))
    with refusals_as_messages(request):
        tag = services.tag_create(board=board, **data)
        messages.success(request, f"Tag “{tag.name}” added.")
    return redirect(_settings_url(board.pk, "tags"))


@login_required
@require_POST
def tag_edit(request, board_id, tag_id):
    board = board_for(request.user, board_id, Action.MANAGE)
    tag = get_object_or_404(board.tags, pk=tag_id)
    data = submitted(request, TagForm(request.POST))
    if data is None:
        return redirect(_settings_url(board.pk, "tags"))
    with refusals_as_messages(request):
        services.tag_update(tag=tag, **data)
        messages.success(request, f"Tag “{tag.name}” saved.")
    return redirect(_settings_url(board.pk, "tags"))


@login_required
@require_POST
def tag_delete(request, board_id, tag_id):
    board = board_for(request.user, board_id, Action.MANAGE)
    tag = get_object_or_404(board.tags, pk=tag_id)
    services.tag_delete(tag=tag)
    messages.success(request, f"Tag “{tag.name}” deleted.")
    return redirect(_settings_url(board.pk, "tags"))


# --- Members -----------------------------------------------------------------------------------
@login_required
@require_POST
def member_add(request, board_id):
    board = board_for(request.user, board_id, Action.MANAGE)
    data = submitted(request, MemberAddForm(request.POST))
    if data is None:
        return redirect(_settings_url(board.pk, "members"))
    user = data["login"]
    with refusals_as_messages(request):
        membership = services.membership_add(
            board=board, user=user, role=data["role"], by=request.user
        )
        messages.success(request, f"{user.name} joined as {membership.get_role_display().lower()}.")
    return redirect(_settings_url(board.pk, "members"))


@login_required
@require_POST
def member_role(request, board_id, membership_id):
    board = board_for(request.user, board_id, Action.MANAGE)
    membership = get_object_or_404(board_members(board), pk=membership_id)
    data = submitted(request, MemberRoleForm(request.POST))
    if data is None:
        return redirect(_settings_url(board.pk, "members"))
    with refusals_as_messages(request):
        services.membership_set_role(membership=membership, role=data["role"], by=request.user)
        messages.success(
            request, f"{membership.user.name} is now {membership.get_role_display().lower()}."
        )
        if membership.user_id == request.user.pk and not allows(membership.role, Action.MANAGE):
            return redirect("boards:detail", board_id=board.pk)  # settings are closed to them now
    return redirect(_settings_url(board.pk, "members"))


@login_required
@require_POST
def member_remove(request, board_id, membership_id):
    board = board_for(request.user, board_id, Action.MANAGE)
    membership = get_object_or_404(board_members(board), pk=membership_id)
    with refusals_as_messages(request):
        services.membership_remove(membership=membership, by=request.user)
        messages.success(request, f"{membership.user.name} was removed from the board.")
        if membership.user_id == request.user.pk:
            return redirect("boards:list")
    return redirect(_settings_url(board.pk, "members"))
