from rest_framework import serializers

from csboard.core.api import StrictCharField, StrictIdField
from relations.models import TicketLink


class LinkSerializer(serializers.Serializer):
    """A link as one of its tickets reads it."""

    id = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=TicketLink.Kind.choices)
    direction = serializers.ChoiceField(
        choices=["outward", "inward"], help_text="outward: this ticket is the link's subject."
    )
    label = serializers.CharField(help_text="As this ticket reads it: “blocks”, “is blocked by”…")
    board = serializers.IntegerField(help_text="The other ticket's board.")
    number = serializers.IntegerField(help_text="The other ticket's number.")
    reference = serializers.CharField()
    title = serializers.CharField()


class LinkInputSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=TicketLink.Kind.choices)
    reference = StrictCharField(
        max_length=40, help_text="The other ticket: “CS-12”, or “12” on this board."
    )


class MergeInputSerializer(serializers.Serializer):
    target = StrictIdField(min_value=1, help_text="The number of the ticket to merge into.")


def link_row(shown, ticket) -> dict:
    other = shown.other
    return {
        "id": shown.link.pk,
        "kind": shown.link.kind,
        "direction": "outward" if shown.link.from_ticket_id == ticket.pk else "inward",
        "label": shown.label,
        "board": other.board_id,
        "number": other.number,
        "reference": other.reference,
        "title": other.title,
    }
