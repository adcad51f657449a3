from django import forms


class ChecklistItemForm(forms.Form):
    text = forms.CharField(max_length=500, label="Item")


class ChecklistItemUpdateForm(forms.Form):
    """One form for the item's controls: tick/untick, rename, move up/down."""

    text = forms.CharField(max_length=500, required=False)
    done = forms.NullBooleanField(required=False)
    direction = forms.ChoiceField(choices=[("up", "Up"), ("down", "Down")], required=False)


class MessageForm(forms.Form):
    body = forms.CharField(max_length=10_000, label="Message", widget=forms.Textarea)


class LinkForm(forms.Form):
    title = forms.CharField(max_length=200)
    url = forms.CharField(max_length=1000, label="Web address")
