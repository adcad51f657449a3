"""Ticket relations over REST, under the ticket: its links (`links/`), and merging it into
another ticket of the board (`merge/`). Everyone on the board reads the links they can see
both ends of; members and admins add and remove links and merge."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status, viewsets
from rest_framework.response import Response

from boards.api import BoardScopedMixin
from boards.permissions import Action
from csboard.core.exceptions import InvalidInput
from csboard.core.parsers import JSONParser
from customfields.serializers import FieldTicketSerializer
from relations import services
from relations.selectors import ticket_by_reference, ticket_link_for, ticket_links
from relations.serializers import (
    LinkInputSerializer,
    LinkSerializer,
    MergeInputSerializer,
    link_row,
)
from sla.selectors import policy_for
from tickets.selectors import ticket_for, ticket_to_change

NUMBER = OpenApiParameter("number", OpenApiTypes.INT, OpenApiParameter.PATH)
ID = OpenApiParameter("id", OpenApiTypes.INT, OpenApiParameter.PATH)


class _UnderTicket(BoardScopedMixin, viewsets.ViewSet):
    parser_classes = [JSONParser]
    board_actions = {
        **BoardScopedMixin.board_actions,
        "create": Action.WORK,
        "destroy": Action.WORK,
    }

    def _input(self, serializer_class) -> dict:
        serializer = serializer_class(data=self.request.data)
        serializer.is_valid(raise_exception=True)
        return dict(serializer.validated_data)


@extend_schema(parameters=[NUMBER])
class TicketLinkViewSet(_UnderTicket):
    serializer_class = LinkSerializer

    @extend_schema(responses=LinkSerializer(many=True))
    def list(self, request, board_id=None, number=None):
        ticket = ticket_for(self.board, number)
        rows = [link_row(shown, ticket) for shown in ticket_links(ticket, request.user)]
        return Response(rows)

    @extend_schema(request=LinkInputSerializer, responses={201: LinkSerializer})
    def create(self, request, board_id=None, number=None):
        data = self._input(LinkInputSerializer)
        ticket = ticket_to_change(self.board, number)
        other = ticket_by_reference(request.user, data["reference"], self.board)
        if other is None:
            message = "No ticket of that reference on a board you can see."
            raise InvalidInput(message, fields={"reference": [message]})
        link = services.link_add(ticket=ticket, other=other, kind=data["kind"], by=request.user)
        shown = next(s for s in ticket_links(ticket, request.user) if s.link.pk == link.pk)
        return Response(link_row(shown, ticket), status=status.HTTP_201_CREATED)

    @extend_schema(parameters=[ID], responses={204: None})
    def destroy(self, request, board_id=None, number=None, pk=None):
        ticket = ticket_to_change(self.board, number)
        link = ticket_link_for(ticket, pk)
        if link is None:
            return Response({"detail": "No such link on this ticket."}, status=404)
        services.link_remove(link=link, ticket=ticket, by=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


@extend_schema(parameters=[NUMBER])
class TicketMergeViewSet(_UnderTicket):
    @extend_schema(
        request=MergeInputSerializer,
        responses=FieldTicketSerializer,
        description="Merge this ticket into `target`, a ticket of the same board: its "
        "conversation, notes, files and links move there, it is archived with `merged_into` "
        "set, and a GET of its number redirects (301) to the target. Answers the target.",
    )
    def create(self, request, board_id=None, number=None):
        data = self._input(MergeInputSerializer)
        source = ticket_to_change(self.board, number)
        target = ticket_to_change(self.board, data["target"])
        services.ticket_merge(source=source, target=target, by=request.user)
        merged = ticket_for(self.board, target.number)
        context = {"request": request, "sla_policy": policy_for(self.board)}
        # The API's ticket, with its custom fields (customfields.serializers).
        return Response(FieldTicketSerializer(merged, context=context).data)
