from django import forms
from django.contrib.auth.forms import SetPasswordMixin

from accounts.models import Theme, User


class SignUpForm(SetPasswordMixin, forms.Form):
    username = forms.CharField(
        max_length=150,
        help_text="Letters, digits and @ . + - _ only. You sign in with it.",
        widget=forms.TextInput(attrs={"autocomplete": "username", "autofocus": True}),
    )
    email = forms.EmailField(
        help_text="Where password reset links go.",
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    display_name = forms.CharField(
        max_length=150,
        required=False,
        help_text="How teammates see you on boards, e.g. “Dana Scully”.",
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    password1, password2 = SetPasswordMixin.create_password_fields(
        label1="Password", label2="Confirm password"
    )

    def clean(self):
        cleaned_data = super().clean()
        self.validate_passwords()
        # Checked against the would-be user, so "too similar to your username" works.
        candidate = User(
            username=cleaned_data.get("username", ""),
            email=cleaned_data.get("email", ""),
            display_name=cleaned_data.get("display_name", ""),
        )
        self.validate_password_for_user(candidate)
        return cleaned_data


class ThemeForm(forms.Form):
    theme = forms.ChoiceField(
        choices=Theme.choices,
        widget=forms.RadioSelect,
        label="Theme",
        help_text="System follows your device's light or dark setting.",
    )
