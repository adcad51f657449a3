from rest_framework import serializers

from search.selectors import QUERY_MAX
from sla.priorities import Priority
from tickets.models import Status


class SearchParamsSerializer(serializers.Serializer):
    q = serializers.CharField(
        max_length=QUERY_MAX,
        trim_whitespace=True,
        help_text=(
            "Words to find in a ticket's title, description, conversation, customer (name, "
            "email, company) and tags; each a word prefix, all required. A ticket reference "
            "(`CS-12`) also answers that ticket, as `ticket`, when the caller may see it."
        ),
    )
    board = serializers.IntegerField(
        required=False, min_value=1, help_text="Only this board's tickets (a board you may see)."
    )


class SearchBoardSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    key = serializers.CharField()
    name = serializers.CharField()


class HighlightsSerializer(serializers.Serializer):
    """HTML: the text escaped, each matching word in <mark>."""

    title = serializers.CharField()
    customer = serializers.CharField(help_text="Name, email and company; empty without them.")
    tags = serializers.CharField(help_text="The tags' names, comma-separated; empty without.")
    snippet = serializers.CharField(
        help_text="Words of the description and conversation around the matches."
    )


class SearchHitSerializer(serializers.Serializer):
    board = SearchBoardSerializer()
    number = serializers.IntegerField(source="ticket.number")
    reference = serializers.CharField()
    title = serializers.CharField(source="ticket.title", help_text="As written (plain text).")
    status = serializers.ChoiceField(Status.choices, source="ticket.status")
    priority = serializers.ChoiceField(Priority.choices, source="ticket.priority")
    url = serializers.CharField(help_text="The ticket's page.")
    rank = serializers.FloatField(
        allow_null=True, help_text="PostgreSQL's ts_rank; null on the SQLite fallback."
    )
    highlights = HighlightsSerializer(source="*")


class TicketReferenceSerializer(serializers.Serializer):
    board = SearchBoardSerializer()
    number = serializers.IntegerField()
    reference = serializers.CharField()
    url = serializers.CharField(source="get_absolute_url")


class SearchPageSerializer(serializers.Serializer):
    """A page of results as every list pages (count, next, previous, results), and `ticket`."""

    count = serializers.IntegerField()
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    results = SearchHitSerializer(many=True)
    ticket = TicketReferenceSerializer(
        allow_null=True,
        help_text="The ticket the query names by reference (`CS-12`) when you may see it.",
    )
