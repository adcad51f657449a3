"""Columns and checklist items keep dense positions (0, 1, 2, …), so that "position" means
"index"; tickets keep gapped ranks (below), and the API computes their index."""

from collections.abc import Sequence

from django.db.models import Model


def place(items: Sequence[Model], item: Model | None = None, position: int | None = None) -> None:
    """Put `item` at `position` among `items` (appended when position is None), renumber them all
    and save only the rows whose position changed, in one bulk update."""
    ordered = [other for other in items if item is None or other.pk != item.pk]
    if item is not None:
        index = len(ordered) if position is None else max(0, min(position, len(ordered)))
        ordered.insert(index, item)
    changed = []
    for index, obj in enumerate(ordered):
        if obj.position != index:
            obj.position = index
            changed.append(obj)
    if changed:
        type(changed[0]).objects.bulk_update(changed, ["position"])


# Ticket ranks (tickets.ranks): not dense but gapped, so that a move writes the moved row alone.
# New rows go RANK_STEP past the last one; a move takes the midpoint of its two neighbours, and
# when two neighbours are adjacent integers the column is renumbered once (RANK_STEP apart again).
RANK_STEP = 1 << 20


def rank_between(before: int | None, after: int | None) -> int | None:
    """A rank strictly between two neighbours (None: no neighbour on that side), or None when
    there is no integer between them and the column needs renumbering first."""
    if before is None and after is None:
        return 0
    if before is None:
        return after - RANK_STEP
    if after is None:
        return before + RANK_STEP
    if after - before < 2:
        return None
    return (before + after) // 2
