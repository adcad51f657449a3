from django import forms

from reminders.models import Reminder
from reminders.rules import RULES


class EmailPreferencesForm(forms.Form):
    """One checkbox per reminder kind: email on or off (in-app notifications always arrive)."""

    def __init__(self, *args, wanted: dict[str, bool], **kwargs):
        super().__init__(*args, **kwargs)
        for kind, label in Reminder.Kind.choices:
            self.fields[kind] = forms.BooleanField(
                label=label,
                required=False,
                initial=wanted.get(kind, True),
                help_text=RULES[kind].help,
            )
