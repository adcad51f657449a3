"""Reads of macros: the ones a person may use on a board (the board's shared ones and their
own), by name."""

from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404

from boards.models import Board
from macros.models import Macro


def usable_macros(board: Board, user) -> QuerySet[Macro]:
    """The board's shared macros and `user`'s own on it, by name, with their actions' rows: a
    fixed number of queries however many there are."""
    mine = Q(owner__isnull=True) | Q(owner_id=user.pk) if user.is_authenticated else Q(owner=None)
    return (
        Macro.objects.filter(mine, board=board)
        .select_related("assignee", "board")
        .prefetch_related("add_tags", "remove_tags")
        .order_by("name", "id")
    )


def macro_for(board: Board, user, pk) -> Macro:
    """One macro `user` may see on the board, by id: a 404 for another person's own."""
    return get_object_or_404(usable_macros(board, user), pk=pk)


def picker_entries(macros) -> list[dict]:
    """What the reply and note boxes' picker lists (static/js/macros.js), from the page's JSON."""
    return [
        {
            "id": macro.pk,
            "name": macro.name,
            "kind": macro.kind,
            "shared": macro.is_shared,
            "actions": action_summary(macro),
        }
        for macro in macros
    ]


def action_summary(macro: Macro) -> str:
    """The macro's actions in words ("status Waiting on customer; tags +billing −new")."""
    parts = []
    if macro.set_status:
        parts.append(f"status {macro.get_set_status_display()}")
    tags = [f"+{tag.name}" for tag in macro.add_tags.all()]
    tags += [f"−{tag.name}" for tag in macro.remove_tags.all()]
    if tags:
        parts.append(f"tags {' '.join(tags)}")
    if macro.assign_to_me:
        parts.append("assign me")
    elif macro.assignee is not None:
        parts.append(f"assign {macro.assignee.name}")
    return "; ".join(parts)
