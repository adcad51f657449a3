from django.db import migrations


def fill(apps, schema_editor):
    """A document for every ticket made before search existed (search.services, as
    `manage.py search_reindex` does, on this migration's models)."""
    from search.services import Tables, documents_rebuild

    documents_rebuild(
        tables=Tables(
            ticket=apps.get_model("tickets", "Ticket"),
            message=apps.get_model("workspace", "Message"),
            document=apps.get_model("search", "TicketDocument"),
        )
    )


class Migration(migrations.Migration):
    dependencies = [
        ("search", "0001_ticket_documents"),
        ("workspace", "0003_message_channel"),
    ]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
