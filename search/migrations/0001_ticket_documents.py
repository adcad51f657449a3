import django.contrib.postgres.indexes
import django.contrib.postgres.search
import django.db.models.deletion
from django.db import migrations, models


class AddIndexOnPostgreSQL(migrations.AddIndex):
    """The vector's GIN index where there is full-text search: PostgreSQL (SQLite's fallback
    reads the text columns, and has no GIN)."""

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_backwards(app_label, schema_editor, from_state, to_state)


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("boards", "0006_column_name_unique_ci"),
        ("tickets", "0016_ticket_archived"),
    ]

    operations = [
        migrations.CreateModel(
            name="TicketDocument",
            fields=[
                (
                    "ticket",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        primary_key=True,
                        related_name="search_document",
                        serialize=False,
                        to="tickets.ticket",
                    ),
                ),
                ("title", models.TextField()),
                ("people", models.TextField(blank=True)),
                ("tags", models.TextField(blank=True)),
                ("description", models.TextField(blank=True)),
                ("conversation", models.TextField(blank=True)),
                (
                    "vector",
                    django.contrib.postgres.search.SearchVectorField(editable=False, null=True),
                ),
                ("indexed_at", models.DateTimeField(auto_now=True)),
                (
                    "board",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="boards.board",
                    ),
                ),
            ],
        ),
        AddIndexOnPostgreSQL(
            model_name="ticketdocument",
            index=django.contrib.postgres.indexes.GinIndex(
                fields=["vector"], name="search_ticketdoc_vector_idx"
            ),
        ),
    ]
