from django.db import migrations


def mark(apps, schema_editor):
    """Boards that have fields already say so (boards.Board.has_custom_fields)."""
    Board = apps.get_model("boards", "Board")
    Field = apps.get_model("customfields", "Field")
    Board.objects.filter(pk__in=Field.objects.values("board_id")).update(has_custom_fields=True)


class Migration(migrations.Migration):
    dependencies = [
        ("boards", "0007_board_has_custom_fields"),
        ("customfields", "0001_fields_options_values"),
    ]

    operations = [migrations.RunPython(mark, migrations.RunPython.noop)]
