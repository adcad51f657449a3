from django.db.models import prefetch_related_objects
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import viewsets
from rest_framework.response import Response

from boards.api import BoardScopedMixin
from csboard.core.api import IDEMPOTENCY_KEY
from customfields.apis import TicketViewSet
from customfields.serializers import FieldTicketSerializer
from ticket_templates import services
from ticket_templates.models import TicketTemplate
from ticket_templates.selectors import board_templates, template_for
from ticket_templates.serializers import (
    TicketCreateInputSerializer,
    TicketTemplateInputSerializer,
    TicketTemplateSerializer,
)
from tickets.models import Ticket


class TicketTemplateViewSet(BoardScopedMixin, viewsets.GenericViewSet):
    """A board's ticket templates. Anyone on the board reads them (members open tickets from
    them); admins change them."""

    queryset = TicketTemplate.objects.none()  # typing for the schema only
    pagination_class = None  # a board has few of these: always the whole list
    serializer_class = TicketTemplateSerializer

    def _input(self, partial=False) -> dict:
        serializer = TicketTemplateInputSerializer(
            data=self.request.data, partial=partial, board=self.board
        )
        serializer.is_valid(raise_exception=True)
        return dict(serializer.validated_data)

    def _output(self, template: TicketTemplate, status_code=200) -> Response:
        prefetch_related_objects([template], "tags", "assignees")
        return Response(TicketTemplateSerializer(template).data, status=status_code)

    @extend_schema(responses=TicketTemplateSerializer(many=True))
    def list(self, request, board_id=None):
        templates = board_templates(self.board)
        return Response(TicketTemplateSerializer(templates, many=True).data)

    @extend_schema(responses=TicketTemplateSerializer)
    def retrieve(self, request, board_id=None, pk=None):
        return Response(TicketTemplateSerializer(template_for(self.board, pk)).data)

    @extend_schema(request=TicketTemplateInputSerializer, responses={201: TicketTemplateSerializer})
    def create(self, request, board_id=None):
        template = services.template_create(board=self.board, **self._input())
        return self._output(template, 201)

    @extend_schema(request=TicketTemplateInputSerializer, responses=TicketTemplateSerializer)
    def partial_update(self, request, board_id=None, pk=None):
        template = services.template_update(
            template=template_for(self.board, pk), **self._input(partial=True)
        )
        return self._output(template)

    def destroy(self, request, board_id=None, pk=None):
        services.template_delete(template=template_for(self.board, pk))
        return Response(status=204)


@extend_schema_view(
    create=extend_schema(
        request=TicketCreateInputSerializer,
        responses={201: FieldTicketSerializer},
        parameters=[IDEMPOTENCY_KEY],
        description="Open a ticket (members and admins), optionally from a ticket `template` "
        "of the board: what the body leaves out comes from it, its title's placeholders are "
        "filled in and its checklist items added, all in one transaction. Custom fields left "
        "out take their default; a required field with neither is a 400 naming it "
        "(`custom_fields.<id>`). 409 when the column is at its WIP limit.",
    )
)
class TicketWithTemplatesViewSet(TicketViewSet):
    """The board's tickets (with their custom fields, customfields.apis.TicketViewSet), whose
    create also takes a template: here, above the apps of tickets, fields and checklists."""

    input_serializer_class = TicketCreateInputSerializer

    def _create(self, data: dict) -> Ticket:
        return services.ticket_create_from(board=self.board, created_by=self.request.user, **data)

    def _known_after_create(self, ticket: Ticket, data: dict) -> None:
        if "template" not in data:  # else the template gave some: the answer reads them
            super()._known_after_create(ticket, data)
