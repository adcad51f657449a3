"""Positions are kept dense (0, 1, 2, …) so that "position" in the API means "index"."""

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
