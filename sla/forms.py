from django import forms

from sla.models import MAX_HOURS, MAX_LEADS, MIN_HOURS, WEEKDAY_NAMES, SlaPolicy
from sla.priorities import Priority

PRIORITIES = list(reversed(Priority.choices))  # urgent first


def _hours_field(label: str, required: bool = True) -> forms.FloatField:
    return forms.FloatField(
        label=label,
        required=required,
        min_value=MIN_HOURS,
        max_value=MAX_HOURS,
        widget=forms.NumberInput(attrs={"step": "0.25", "class": "input--hours"}),
    )


class SlaPolicyForm(forms.Form):
    business_hours = forms.BooleanField(
        required=False,
        label="Count only business hours",
        help_text="Off: the clocks run day and night, weekends included.",
    )
    working_days = forms.TypedMultipleChoiceField(
        choices=list(enumerate(WEEKDAY_NAMES)),
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        label="Working days",
    )
    opens_at = forms.TimeField(label="Opens", widget=forms.TimeInput(attrs={"type": "time"}))
    closes_at = forms.TimeField(label="Closes", widget=forms.TimeInput(attrs={"type": "time"}))
    due_soon_leads = forms.CharField(
        label="“Due soon” reminders",
        required=False,
        help_text=f"Hours before the due date, separated by commas (up to {MAX_LEADS}), e.g. 24, 1.",
    )
    escalate_after_hours = _hours_field("Escalate to admins after", required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields[
            "escalate_after_hours"
        ].help_text = "Hours overdue before the board’s admins are told. Empty: never."
        for priority, label in PRIORITIES:
            self.fields[f"{priority}_first_response_hours"] = _hours_field(
                f"{label}: first response"
            )
            self.fields[f"{priority}_resolution_hours"] = _hours_field(f"{label}: resolution")

    @classmethod
    def for_policy(cls, policy: SlaPolicy) -> "SlaPolicyForm":
        initial = {name: getattr(policy, name) for name in cls.base_fields}
        initial |= {
            f"{priority}_{clock}_hours": getattr(policy, f"{priority}_{clock}_hours")
            for priority, _ in PRIORITIES
            for clock in ("first_response", "resolution")
        }
        initial = {  # 2 hours, not 2.0
            name: int(value) if isinstance(value, float) and value.is_integer() else value
            for name, value in initial.items()
        }
        initial["due_soon_leads"] = ", ".join(f"{lead:g}" for lead in policy.due_soon_leads)
        return cls(initial=initial)

    @property
    def target_rows(self):
        """(label, first-response field, resolution field) per priority, urgent first."""
        return [
            (label, self[f"{priority}_first_response_hours"], self[f"{priority}_resolution_hours"])
            for priority, label in PRIORITIES
        ]

    def clean_due_soon_leads(self) -> list[float]:
        text = self.cleaned_data["due_soon_leads"]
        try:
            return [float(part) for part in text.replace(";", ",").split(",") if part.strip()]
        except ValueError:
            raise forms.ValidationError("Give hours as numbers, e.g. 24, 1.") from None
