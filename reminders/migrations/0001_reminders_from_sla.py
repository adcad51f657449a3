import datetime
import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


MOVED = ['reminder', 'reminderemail', 'sweepmark']


def content_types_follow(apps, schema_editor):
    """The moved models' content types (and so their permissions) come along, unless this
    database already has the new ones."""
    ContentType = apps.get_model('contenttypes', 'ContentType')
    if not ContentType.objects.filter(app_label='reminders', model__in=MOVED).exists():
        ContentType.objects.filter(app_label='sla', model__in=MOVED).update(app_label='reminders')


def content_types_go_back(apps, schema_editor):
    ContentType = apps.get_model('contenttypes', 'ContentType')
    if not ContentType.objects.filter(app_label='sla', model__in=MOVED).exists():
        ContentType.objects.filter(app_label='reminders', model__in=MOVED).update(app_label='sla')


class Migration(migrations.Migration):
    """The reminders, moved here from the sla app: Django's record of them only. Their tables
    (sla_reminder, sla_reminderemail, sla_sweepmark) were made by the sla migrations and keep
    their names, rows, indexes and constraints."""

    initial = True

    dependencies = [
        ('contenttypes', '0002_remove_content_type_name'),
        ('sla', '0004_reminders_move_to_their_app'),
        ('tickets', '0009_ticket_source'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.CreateModel(
                    name='SweepMark',
                    fields=[
                        ('id', models.PositiveSmallIntegerField(default=1, primary_key=True, serialize=False)),
                        ('swept_until', models.DateTimeField()),
                    ],
                    options={
                        'db_table': 'sla_sweepmark',
                    },
                ),
                migrations.CreateModel(
                    name='Reminder',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('kind', models.CharField(choices=[('due_soon', 'Due soon'), ('overdue', 'Overdue'), ('first_response_missed', 'First response missed'), ('escalation', 'Escalation')], max_length=32)),
                        ('due_for', models.DateTimeField()),
                        ('lead', models.DurationField(default=datetime.timedelta(0))),
                        ('created_at', models.DateTimeField(default=django.utils.timezone.now)),
                        ('delivered_at', models.DateTimeField(blank=True, null=True)),
                        ('finished_at', models.DateTimeField(blank=True, null=True)),
                        ('outcome', models.CharField(blank=True, choices=[('', 'Pending'), ('sent', 'Sent'), ('resolved', 'Skipped: the ticket was resolved'), ('moved', 'Skipped: the deadline moved'), ('answered', 'Skipped: the customer got a response'), ('failed', 'Given up: not delivered in time')], max_length=16)),
                        ('attempts', models.PositiveSmallIntegerField(default=0)),
                        ('next_attempt_at', models.DateTimeField(default=django.utils.timezone.now)),
                        ('ticket', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='tickets.ticket')),
                    ],
                    options={
                        'db_table': 'sla_reminder',
                        'ordering': ['created_at', 'id'],
                    },
                ),
                migrations.CreateModel(
                    name='ReminderEmail',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('sent_at', models.DateTimeField(blank=True, null=True)),
                        ('error', models.CharField(blank=True, max_length=300)),
                        ('reminder', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='emails', to='reminders.reminder')),
                        ('user', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'db_table': 'sla_reminderemail',
                    },
                ),
                migrations.AddIndex(
                    model_name='reminder',
                    index=models.Index(condition=models.Q(('finished_at__isnull', True)), fields=['next_attempt_at'], name='sla_reminder_pending_idx'),
                ),
                migrations.AddConstraint(
                    model_name='reminder',
                    constraint=models.UniqueConstraint(fields=('ticket', 'kind', 'due_for', 'lead'), name='sla_reminder_once'),
                ),
                migrations.AddConstraint(
                    model_name='reminderemail',
                    constraint=models.UniqueConstraint(fields=('reminder', 'user'), name='sla_reminder_email_once'),
                ),
            ],
        ),
        migrations.RunPython(content_types_follow, content_types_go_back),
    ]
