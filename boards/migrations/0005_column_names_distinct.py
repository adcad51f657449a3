"""Column names become unique on a board, whatever their case (0006 adds the constraint): a
second "Done" (or "done") of a board is renamed "Done (2)", a third "Done (3)", left to right, so
that the constraint holds on existing data. The first of each name keeps it."""

from django.db import migrations

NAME_LENGTH = 80  # Column.name's max_length


def _free_name(name: str, taken: set[str]) -> str:
    for number in range(2, len(taken) + 3):
        suffix = f" ({number})"
        candidate = name[: NAME_LENGTH - len(suffix)].rstrip() + suffix
        if candidate.lower() not in taken:
            return candidate
    raise AssertionError("unreachable: more candidates than names")


def rename_duplicates(apps, schema_editor):
    Column = apps.get_model("boards", "Column")
    renamed = []
    columns = Column.objects.order_by("board_id", "position", "id")
    by_board: dict[int, list] = {}
    for column in columns:
        by_board.setdefault(column.board_id, []).append(column)
    for board_columns in by_board.values():
        # Every name of the board is taken, a later one too: "Done (2)" never clashes with a
        # column that was already called so.
        taken = {column.name.lower() for column in board_columns}
        seen = set()
        for column in board_columns:
            if column.name.lower() in seen:
                column.name = _free_name(column.name, taken)
                taken.add(column.name.lower())
                renamed.append(column)
            seen.add(column.name.lower())
    Column.objects.bulk_update(renamed, ["name"], batch_size=500)


class Migration(migrations.Migration):
    dependencies = [
        ("boards", "0004_board_brand_color_board_logo_board_logo_type"),
    ]

    operations = [
        migrations.RunPython(rename_duplicates, migrations.RunPython.noop, elidable=False),
    ]
