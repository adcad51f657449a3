"""The portal's forms (the request form's are in portal.forms)."""

from django import forms

from workspace.services import MESSAGE_MAX


class SignInForm(forms.Form):
    email = forms.EmailField(label="Your email address", max_length=254)


class AnswerForm(forms.Form):
    body = forms.CharField(
        label="Your answer",
        required=False,
        max_length=MESSAGE_MAX,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="Markdown works: **bold**, lists, links.",
    )


class RatingForm(forms.Form):
    score = forms.IntegerField(min_value=1, max_value=5)
