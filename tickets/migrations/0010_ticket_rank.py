from django.db import migrations, models

# The rank field (tickets.ranks); 0011 spreads the old dense positions into ranks. Apart, because
# PostgreSQL refuses to build an index on a table with an UPDATE's trigger events pending.


class Migration(migrations.Migration):
    dependencies = [("tickets", "0009_ticket_source")]

    operations = [
        migrations.RemoveIndex(model_name="ticket", name="tickets_column_position_idx"),
        migrations.RenameField(model_name="ticket", old_name="position", new_name="rank"),
        migrations.AlterField(
            model_name="ticket", name="rank", field=models.BigIntegerField(default=0)
        ),
        migrations.AddIndex(
            model_name="ticket",
            index=models.Index(fields=["column", "rank", "number"], name="tickets_column_rank_idx"),
        ),
        migrations.AlterModelOptions(
            name="ticket", options={"ordering": ["column__position", "rank", "number"]}
        ),
    ]
