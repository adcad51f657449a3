from django.db.models import prefetch_related_objects
from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from boards import services as board_services
from boards.api import BoardScopedMixin
from boards.apis import validated
from boards.models import Column
from boards.permissions import Action
from boards.selectors import board_columns
from boards.serializers import ColumnDeleteSerializer, ColumnInputSerializer, ColumnSerializer
from csboard.core.api import IDEMPOTENCY_KEY, idempotent_create
from csboard.core.exceptions import InvalidInput
from csboard.core.filters import BoardFilterBackend
from csboard.core.related import known_related
from sla.selectors import policy_for
from tickets import services
from tickets.filters import TicketFilter
from tickets.models import Ticket
from tickets.selectors import (
    WorkSection,
    board_ticket_order,
    is_following,
    my_work,
    ticket_for,
    ticket_to_change,
    tickets_in,
)
from tickets.serializers import (
    FollowSerializer,
    TicketChangeSerializer,
    TicketInputSerializer,
    TicketMoveSerializer,
    TicketSerializer,
    WorkItemSerializer,
)

NUMBER = OpenApiParameter("number", OpenApiTypes.INT, OpenApiParameter.PATH)


MOVE_TO = OpenApiParameter(
    "move_to",
    OpenApiTypes.INT,
    description="Where the column's tickets go when it is deleted; required if it holds any.",
)


class ColumnViewSet(BoardScopedMixin, viewsets.GenericViewSet):
    """A board's columns. Anyone on the board reads them; admins change them. Here, above
    boards: a column's done flag decides whether its tickets are resolved
    (services.column_configure resolves or reopens them)."""

    queryset = Column.objects.none()  # typing for the schema only; lookups go through the board
    pagination_class = None  # a board has few of these: always the whole list
    serializer_class = ColumnSerializer

    def _column(self, pk):
        return get_object_or_404(board_columns(self.board), pk=pk)

    @extend_schema(responses=ColumnSerializer(many=True))
    def list(self, request, board_id=None):
        return Response(ColumnSerializer(board_columns(self.board), many=True).data)

    @extend_schema(responses=ColumnSerializer)
    def retrieve(self, request, board_id=None, pk=None):
        return Response(ColumnSerializer(self._column(pk)).data)

    @extend_schema(request=ColumnInputSerializer, responses={201: ColumnSerializer})
    def create(self, request, board_id=None):
        column = board_services.column_create(
            board=self.board, **validated(ColumnInputSerializer, request.data)
        )
        return Response(ColumnSerializer(self._column(column.pk)).data, status=201)

    @extend_schema(request=ColumnInputSerializer, responses=ColumnSerializer)
    def partial_update(self, request, board_id=None, pk=None):
        services.column_configure(
            column=self._column(pk),
            by=request.user,
            **validated(ColumnInputSerializer, request.data, partial=True),
        )
        return Response(ColumnSerializer(self._column(pk)).data)

    @extend_schema(parameters=[MOVE_TO])
    def destroy(self, request, board_id=None, pk=None):
        column = self._column(pk)
        query = ColumnDeleteSerializer(data=request.query_params, board=self.board)
        query.is_valid(raise_exception=True)
        services.column_delete(
            column=column, move_to=query.validated_data.get("move_to"), by=request.user
        )
        return Response(status=204)


@extend_schema_view(
    retrieve=extend_schema(parameters=[NUMBER]),
    destroy=extend_schema(parameters=[NUMBER]),
)
class TicketViewSet(
    BoardScopedMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """A board's tickets, addressed by their board-scoped number."""

    serializer_class = TicketSerializer
    # What a create and an edit read, and the service that writes it (_create, _update): a
    # viewset in a higher app may extend both (customfields.apis: the ticket's custom fields).
    input_serializer_class = TicketInputSerializer
    change_serializer_class = TicketChangeSerializer
    filterset_class = TicketFilter
    filter_backends = [BoardFilterBackend]
    lookup_field = "number"
    lookup_value_regex = "[0-9]+"
    board_actions = {
        **BoardScopedMixin.board_actions,
        "create": Action.WORK,
        "partial_update": Action.WORK,
        "move": Action.WORK,
        # Deleting archives (reversible: members may); the archive's delete is for good.
        "destroy": Action.WORK,
        "archive": Action.WORK,
        "restore": Action.WORK,
        "delete_for_good": Action.MANAGE,
        # Anyone who may see the ticket may follow it, guests too: it only tells them of it.
        "follow": Action.VIEW,
    }

    def get_queryset(self):
        if self.schema_only:
            return Ticket.objects.none()
        wanted = self.request.query_params.get("archived", "").lower() in ("true", "1")
        return board_ticket_order(self.board, with_archived=wanted)

    def list(self, request, board_id=None):
        # The filters and the page are worked out on bare rows, so the sort of the whole board
        # is a narrow one; only the page's tickets are read whole (people, tags, index).
        tickets = self.filter_queryset(self.get_queryset())
        page = self.paginator.page_unread(tickets.values("pk"), request, self)
        serializer = self.get_serializer(tickets_in(self.board, page), many=True)
        return self.get_paginated_response(serializer.data)

    def get_object(self):
        # An archived ticket too: the list's `archived` filter names it, and it says so.
        return ticket_for(self.board, self.kwargs["number"], archived=None)

    def _to_change(self, archived: bool | None = False):
        """The ticket for a write's service, which locks it and reads it again."""
        return ticket_to_change(self.board, self.kwargs["number"], archived=archived)

    def get_serializer_context(self, board=None):
        context = super().get_serializer_context()
        # Once for every row's SLA clocks; from `board` (the service's) when it has read it. A
        # list page's rows share `self.board`, which remembers its policy once read: there it
        # is read only if some row has a clock that needs it.
        if not self.schema_only and self.action != "list":
            context["sla_policy"] = policy_for(board or self.board)
        return context

    def _output(self, ticket, status_code=status.HTTP_200_OK, *, held: bool = False):
        """The ticket as the API shows it: read again, or, `held`, answered from the row the
        service wrote (a create or a move knows its index) with its people and tags loaded."""
        if held:  # the relations the service did not read along (tickets.locks.with_sets)
            given = {"assignees": "assignee_usernames", "tags": "tag_ids"}
            wanted = [name for name, value in given.items() if not hasattr(ticket, value)]
            prefetch_related_objects([ticket], "created_by", *wanted)
        else:
            ticket = ticket_for(self.board, ticket.number, archived=None)
        context = self.get_serializer_context(ticket.board if held else None)
        serializer = self.serializer_class(ticket, context=context)
        return Response(serializer.data, status=status_code)

    def _input(self, serializer_class, partial=False) -> dict:
        serializer = serializer_class(data=self.request.data, partial=partial, board=self.board)
        serializer.is_valid(raise_exception=True)
        return dict(serializer.validated_data)

    @extend_schema(
        request=TicketInputSerializer,
        responses={201: TicketSerializer},
        parameters=[IDEMPOTENCY_KEY],
    )
    def create(self, request, board_id=None):
        def create():
            data = self._input(self.input_serializer_class)
            ticket = self._create(data)
            self._known_after_create(ticket, data)
            return self._output(ticket, status.HTTP_201_CREATED, held=True)

        return idempotent_create(request, create)

    @extend_schema(request=TicketChangeSerializer, responses=TicketSerializer, parameters=[NUMBER])
    def partial_update(self, request, board_id=None, number=None):
        data = self._input(self.change_serializer_class, partial=True)
        return self._output(self._update(self._to_change(), data))

    def _create(self, data: dict) -> Ticket:
        return services.ticket_create(board=self.board, created_by=self.request.user, **data)

    def _known_after_create(self, ticket: Ticket, data: dict) -> None:
        """A new ticket's people and tags are those given: the answer reads back only tags, for
        their order (by name, in the database's collation), and only when there are. (A create
        that takes them from elsewhere, ticket_templates.apis's template, leaves them unknown.)"""
        known_related(ticket, "assignees", data.get("assignees", ()))
        if not data.get("tags"):
            known_related(ticket, "tags", ())

    def _update(self, ticket: Ticket, data: dict) -> Ticket:
        return services.ticket_update(ticket=ticket, by=self.request.user, **data)

    @extend_schema(
        description="Archive the ticket (as `archive` does): it leaves the board and its lists, "
        "keeps its number and history, and can be restored from the archive."
    )
    def destroy(self, request, board_id=None, number=None):
        services.ticket_archive(ticket=self._to_change(), by=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(
        request=None,
        responses=TicketSerializer,
        parameters=[NUMBER],
        description="Archive the ticket: off the board, its lists and counts (and its column's "
        "WIP limit), its number and history kept. 404 once archived.",
    )
    @action(detail=True, methods=["post"])
    def archive(self, request, board_id=None, number=None):
        ticket = services.ticket_archive(ticket=self._to_change(), by=request.user)
        return self._output(ticket)

    @extend_schema(
        request=None,
        responses=TicketSerializer,
        parameters=[NUMBER],
        description="Restore an archived ticket to the end of its column. 409 when the column "
        "is at its WIP limit; 404 when the ticket is not in the archive.",
    )
    @action(detail=True, methods=["post"])
    def restore(self, request, board_id=None, number=None):
        ticket = services.ticket_restore(ticket=self._to_change(archived=True), by=request.user)
        return self._output(ticket)

    @extend_schema(
        request=None,
        responses={204: None},
        parameters=[NUMBER],
        description="Delete an archived ticket for good, with its history (admins). Its number "
        "is not given again. 404 when the ticket is not in the archive.",
    )
    @action(detail=True, methods=["post"], url_path="delete-for-good")
    def delete_for_good(self, request, board_id=None, number=None):
        services.ticket_delete(ticket=self._to_change(archived=True), by=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(
        request=TicketMoveSerializer,
        responses=TicketSerializer,
        parameters=[NUMBER],
        description="Move the ticket to `position` (an index; empty: last) in `column`. 409 when "
        "the column is at its WIP limit, or when `from_column`/`from_position` say where the "
        "caller saw the ticket and someone has moved it since (code `moved_meanwhile`).",
    )
    @action(detail=True, methods=["post"])
    def move(self, request, board_id=None, number=None):
        data = self._input(TicketMoveSerializer)
        ticket = services.ticket_move(
            ticket=self._to_change(),
            column=data["column"],
            position=data.get("position"),
            by=request.user,
            from_column=data.get("from_column"),
            from_position=data.get("from_position"),
            answer=True,
        )
        return self._output(ticket, held=True)

    @extend_schema(
        methods=["GET"],
        request=None,
        responses=FollowSerializer,
        parameters=[NUMBER],
        description="Whether the caller follows the ticket.",
    )
    @extend_schema(
        methods=["POST", "DELETE"],
        request=None,
        responses=FollowSerializer,
        parameters=[NUMBER],
        description="Follow the ticket (POST) or stop following it (DELETE); doing it twice "
        "changes nothing. Followers hear of its messages and see it in My work. Anyone who may "
        "see the ticket may follow it, guests too.",
    )
    @action(detail=True, methods=["get", "post", "delete"])
    def follow(self, request, board_id=None, number=None):
        ticket = self._to_change()
        if request.method == "POST":
            services.ticket_follow(ticket=ticket, user=request.user)
        elif request.method == "DELETE":
            services.ticket_unfollow(ticket=ticket, user=request.user)
        return Response({"following": is_following(request.user, ticket)})


SECTION = OpenApiParameter(
    "section",
    OpenApiTypes.STR,
    enum=[section.value for section in WorkSection],
    description="Only the rows of this section.",
)


class MyWorkView(APIView):
    """My work, as on its page: the caller's open tickets on every board they may see, by
    urgency, then those that mention them and those they follow."""

    permission_classes = [IsAuthenticated]

    @extend_schema(responses=WorkItemSerializer(many=True), parameters=[SECTION])
    def get(self, request):
        wanted = request.query_params.get("section")
        sections = [section.value for section in WorkSection]
        if wanted is not None and wanted not in sections:
            message = f"Choose one of: {', '.join(sections)}."
            raise InvalidInput(message, fields={"section": [message]})
        rows = [row for row in my_work(request.user).rows() if wanted in (None, row[0])]
        return Response(WorkItemSerializer(rows, many=True).data)
