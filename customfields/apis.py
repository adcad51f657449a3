from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import viewsets
from rest_framework.response import Response

from boards.api import BoardScopedMixin
from boards.apis import validated
from csboard.core.api import IDEMPOTENCY_KEY
from customfields import services
from customfields.filters import FieldTicketFilter
from customfields.models import Field
from customfields.selectors import board_fields, field_of
from customfields.serializers import (
    FieldInputSerializer,
    FieldSerializer,
    FieldTicketChangeSerializer,
    FieldTicketInputSerializer,
    FieldTicketSerializer,
)
from tickets import apis as ticket_apis
from tickets.models import Ticket

CUSTOM_FILTERS = (
    "Custom fields filter as `cf_<field id>`: a select by an option's id or label (or "
    '"none"), repeated for any of them; a checkbox by true or false; a user by username, "me" '
    'or "none"; a number or date by a value or a range `from..to` (an end may be left out); '
    "text and URLs by text they contain."
)


class FieldViewSet(BoardScopedMixin, viewsets.GenericViewSet):
    """A board's custom fields. Anyone on the board reads them; admins change them (the
    values are set on the tickets, by members: `custom_fields` of a ticket)."""

    queryset = Field.objects.none()
    pagination_class = None  # at most fifty: always the whole list
    serializer_class = FieldSerializer

    @extend_schema(responses=FieldSerializer(many=True))
    def list(self, request, board_id=None):
        return Response(FieldSerializer(board_fields(self.board), many=True).data)

    @extend_schema(responses=FieldSerializer)
    def retrieve(self, request, board_id=None, pk=None):
        return Response(FieldSerializer(field_of(self.board, pk)).data)

    @extend_schema(request=FieldInputSerializer, responses={201: FieldSerializer})
    def create(self, request, board_id=None):
        data = validated(FieldInputSerializer, request.data)
        data["options"] = [option["label"] for option in data.get("options", ())]
        field = services.field_create(board=self.board, by=request.user, **data)
        return Response(FieldSerializer(field).data, status=201)

    @extend_schema(
        request=FieldInputSerializer,
        responses=FieldSerializer,
        description="Change a field. A type change keeps every value readable (anything becomes "
        "text; a single select a multi select; a multi select a single one where no ticket "
        "chose several; text the type its values all read as) or is refused with 409, nothing "
        "changed. It drops the default unless a new one is given.",
    )
    def partial_update(self, request, board_id=None, pk=None):
        field = field_of(self.board, pk)
        data = validated(FieldInputSerializer, request.data, partial=True)
        if "options" in data:
            data["options"] = [dict(option) for option in data["options"]]
        field = services.field_update(field=field, by=request.user, **data)
        return Response(FieldSerializer(field).data)

    @extend_schema(description="Delete the field and every ticket's value of it.")
    def destroy(self, request, board_id=None, pk=None):
        services.field_delete(field=field_of(self.board, pk), by=request.user)
        return Response(status=204)


@extend_schema_view(
    list=extend_schema(description=CUSTOM_FILTERS),
    create=extend_schema(
        request=FieldTicketInputSerializer,
        responses={201: FieldTicketSerializer},
        parameters=[IDEMPOTENCY_KEY],
        description="Open a ticket. Custom fields left out take their default; a required "
        "field with neither is a 400 naming it (`custom_fields.<id>`).",
    ),
    partial_update=extend_schema(
        request=FieldTicketChangeSerializer,
        responses=FieldTicketSerializer,
        parameters=[ticket_apis.NUMBER],
    ),
    # The actions that answer with the ticket answer with its custom fields too.
    move=extend_schema(responses=FieldTicketSerializer),
    archive=extend_schema(responses=FieldTicketSerializer),
    restore=extend_schema(responses=FieldTicketSerializer),
)
class TicketViewSet(ticket_apis.TicketViewSet):
    """A board's tickets with their custom fields: read, written and filtered (`cf_<id>`)."""

    serializer_class = FieldTicketSerializer
    input_serializer_class = FieldTicketInputSerializer
    change_serializer_class = FieldTicketChangeSerializer
    filterset_class = FieldTicketFilter

    def _create(self, data: dict) -> Ticket:
        return services.ticket_create_with_fields(
            board=self.board, created_by=self.request.user, **data
        )

    def _update(self, ticket: Ticket, data: dict) -> Ticket:
        return services.ticket_update_with_fields(ticket=ticket, by=self.request.user, **data)
