from django import forms

from relations.models import TicketLink


class LinkForm(forms.Form):
    kind = forms.ChoiceField(choices=TicketLink.Kind.choices, label="This ticket")
    reference = forms.CharField(
        max_length=40, label="Ticket", help_text="Its reference, e.g. CS-12 (any board you see)."
    )


class MergeForm(forms.Form):
    target = forms.IntegerField(min_value=1, label="Merge into")
