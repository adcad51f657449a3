"""Ticket filters, shared by the board page and the API, so a filtered URL means the same in both."""

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import django_filters
from django.db.models import Q
from django.utils import timezone

from boards.models import Board
from csboard.core.filters import StrictBooleanFilter, ValuesFilter
from sla.models import SlaPolicy
from sla.selectors import due_soon_q, policy_for
from tickets.models import Priority, Status, Ticket


class TicketFilter(django_filters.FilterSet):
    column = django_filters.NumberFilter(field_name="column_id")
    status = django_filters.MultipleChoiceFilter(choices=Status.choices)
    priority = django_filters.MultipleChoiceFilter(choices=Priority.choices)
    # Several values (the parameter repeated) match tickets with any of them, as for status.
    assignee = ValuesFilter(
        method="filter_assignee",
        help_text='A username, "me" or "none"; repeated, tickets of any of them.',
    )
    tag = ValuesFilter(
        method="filter_tag", help_text="A tag id or name; repeated, tickets with any of them."
    )
    overdue = StrictBooleanFilter(method="filter_overdue")
    due = django_filters.ChoiceFilter(
        choices=[("soon", "Due soon"), ("week", "Due this week")],
        method="filter_due",
        help_text='"soon": due soon by the board\'s SLA policy (from its first due-soon reminder '
        'on, as the cards and SLA clocks say); "week": due by the end of Sunday. Open tickets.',
    )
    q = django_filters.CharFilter(
        method="filter_text", help_text="Text in the title, description or customer."
    )
    archived = StrictBooleanFilter(
        method="filter_archived",
        help_text="true: the board's archive (deleted tickets) instead of its live tickets.",
    )

    class Meta:
        model = Ticket
        fields = [
            "column",
            "status",
            "priority",
            "assignee",
            "tag",
            "overdue",
            "due",
            "q",
            "archived",
        ]

    def __init__(self, *args, board: Board | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.board = board

    def filter_assignee(self, queryset, name, values):
        # Through the assignment rows, so a ticket of two of the people is listed once.
        people = Q(user__username__in=[value for value in values if value not in ("me", "none")])
        if "me" in values and self.request and self.request.user.is_authenticated:
            people |= Q(user=self.request.user)
        rows = Ticket.assignees.through.objects.filter(people).values("ticket_id")
        match = Q(pk__in=rows)
        if "none" in values:
            match |= Q(assignees__isnull=True)
        return queryset.filter(match)

    def filter_tag(self, queryset, name, values):
        # isdecimal, not isdigit: "²" is a digit that int() refuses; it can only be a name.
        tags = Q(tag_id__in=[int(value) for value in values if value.isdecimal()])
        for value in values:
            if not value.isdecimal():
                tags |= Q(tag__name__iexact=value)
        return queryset.filter(pk__in=Ticket.tags.through.objects.filter(tags).values("ticket_id"))

    def filter_overdue(self, queryset, name, value):
        # Open is `resolved_at` unset, as on the cards: a done column resolves without the status.
        overdue = Q(due_at__lt=timezone.now(), resolved_at__isnull=True)
        return queryset.filter(overdue) if value else queryset.exclude(overdue)

    def filter_due(self, queryset, name, value):
        now = timezone.now()
        if value == "soon":
            policy = policy_for(self.board) if self.board else SlaPolicy()
            return queryset.filter(due_soon_q(policy, now))
        # The board's week: its Sunday ends at midnight where the team works.
        zone = ZoneInfo(self.board.timezone) if self.board else timezone.get_current_timezone()
        today = timezone.localdate(now, zone)
        sunday = today + timedelta(days=6 - today.weekday())
        until = datetime.combine(sunday + timedelta(days=1), time.min, tzinfo=zone)
        return queryset.filter(due_at__gte=now, due_at__lt=until, resolved_at__isnull=True)

    def filter_archived(self, queryset, name, value):
        # The API's list reads from every ticket when the parameter is given (with_archived).
        return queryset.filter(archived_at__isnull=not value)

    def filter_text(self, queryset, name, value):
        text = Q()
        for field in (
            "title",
            "description",
            "customer_name",
            "customer_email",
            "customer_company",
        ):
            text |= Q(**{f"{field}__icontains": value})
        return queryset.filter(text)


def active_filter_count(ticket_filter: TicketFilter) -> int:
    """How many filter values are on (each of a repeated parameter's counts): what the board's
    filter bar says. Values a filter refused (an unknown priority) filter nothing, and count
    for nothing."""
    if not ticket_filter.is_bound:
        return 0
    ticket_filter.form.is_valid()  # its cleaned_data holds the values it accepted alone
    return sum(
        len(value) if isinstance(value, list) else 1
        for value in ticket_filter.form.cleaned_data.values()
        if value not in (None, "", [])
    )
