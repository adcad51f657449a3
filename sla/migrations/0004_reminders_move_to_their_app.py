from django.db import migrations


class Migration(migrations.Migration):
    """The reminders moved to the reminders app: only Django's record of them moves; the tables,
    their rows, indexes and constraints stay as they are (reminders 0001 takes them over)."""

    dependencies = [
        ('sla', '0003_reminder_attempts'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(name='ReminderEmail'),
                migrations.DeleteModel(name='Reminder'),
                migrations.DeleteModel(name='SweepMark'),
            ],
            database_operations=[],
        ),
    ]
