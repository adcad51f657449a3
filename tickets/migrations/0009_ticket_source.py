from django.db import migrations, models


def mark_feedback_tickets(apps, schema_editor):
    """Tickets the feedback intake opened: every one a feedback response points at."""
    Ticket = apps.get_model("tickets", "Ticket")
    FeedbackResponse = apps.get_model("feedback", "FeedbackResponse")
    made = FeedbackResponse.objects.filter(ticket__isnull=False).values("ticket_id")
    Ticket.objects.filter(pk__in=made, created_by__isnull=True).update(source="feedback")


class Migration(migrations.Migration):
    dependencies = [
        ("tickets", "0008_ticket_sla_changed_at"),
        ("feedback", "0004_received_at_default"),
    ]

    operations = [
        migrations.AddField(
            model_name="ticket",
            name="source",
            field=models.CharField(
                choices=[("team", "Team"), ("feedback", "Feedback intake")],
                default="team",
                max_length=16,
            ),
        ),
        migrations.RunPython(mark_feedback_tickets, migrations.RunPython.noop),
    ]
