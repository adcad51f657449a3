"""Macros over REST: `/api/boards/<id>/macros/`. Everyone on the board reads the shared ones (and
their own); members and admins make personal ones, admins shared ones; members and admins fill
one in (`render`) or use it on a ticket (`apply`)."""

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from boards.api import BoardScopedMixin
from boards.permissions import Action
from csboard.core.parsers import JSONParser
from macros import services
from macros.models import Macro
from macros.selectors import macro_for, usable_macros
from macros.serializers import (
    AppliedSerializer,
    MacroInputSerializer,
    MacroSerializer,
    MacroUseSerializer,
    RenderedSerializer,
)
from tickets.selectors import ticket_for, ticket_to_change


class MacroViewSet(
    BoardScopedMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    """The board's shared macros and the caller's own, by name."""

    serializer_class = MacroSerializer
    queryset = Macro.objects.none()
    parser_classes = [JSONParser]
    pagination_class = None
    # Writes need work on the board; a shared macro's, its admin (macros.services).
    board_actions = {
        **BoardScopedMixin.board_actions,
        "create": Action.WORK,
        "partial_update": Action.WORK,
        "destroy": Action.WORK,
        "render_text": Action.WORK,
        "apply": Action.WORK,
    }

    def get_queryset(self):
        return (
            Macro.objects.none()
            if self.schema_only
            else usable_macros(self.board, self.request.user)
        )

    def get_object(self):
        return macro_for(self.board, self.request.user, self.kwargs["pk"])

    def _input(self, serializer_class, partial=False, **kwargs) -> dict:
        serializer = serializer_class(data=self.request.data, partial=partial, **kwargs)
        serializer.is_valid(raise_exception=True)
        return dict(serializer.validated_data)

    def _output(self, macro, status_code=status.HTTP_200_OK):
        macro = macro_for(self.board, self.request.user, macro.pk)
        return Response(MacroSerializer(macro).data, status=status_code)

    @extend_schema(request=MacroInputSerializer, responses={201: MacroSerializer})
    def create(self, request, board_id=None):
        data = self._input(MacroInputSerializer, board=self.board)
        macro = services.macro_create(board=self.board, by=request.user, **data)
        return self._output(macro, status.HTTP_201_CREATED)

    @extend_schema(request=MacroInputSerializer, responses=MacroSerializer)
    def partial_update(self, request, board_id=None, pk=None):
        data = self._input(MacroInputSerializer, partial=True, board=self.board)
        data.pop("shared", None)  # a macro stays shared or personal
        macro = services.macro_update(macro=self.get_object(), by=request.user, **data)
        return self._output(macro)

    def destroy(self, request, board_id=None, pk=None):
        services.macro_delete(macro=self.get_object(), by=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(request=MacroUseSerializer, responses=RenderedSerializer)
    @action(detail=True, methods=["post"], url_path="render")
    def render_text(self, request, board_id=None, pk=None):
        """The macro's text filled in for the ticket, to put in the reply or note box."""
        data = self._input(MacroUseSerializer)
        ticket = ticket_for(self.board, data["ticket"])
        body = services.macro_render(macro=self.get_object(), ticket=ticket, by=request.user)
        return Response({"body": body})

    @extend_schema(request=MacroUseSerializer, responses=AppliedSerializer)
    @action(detail=True, methods=["post"])
    def apply(self, request, board_id=None, pk=None):
        """Post the macro's text (or `body`) on the ticket as its kind says, a reply emailed to
        the customer or an internal note, and apply its actions, all or nothing."""
        data = self._input(MacroUseSerializer)
        ticket, message = services.macro_apply(
            macro=self.get_object(),
            ticket=ticket_to_change(self.board, data["ticket"]),
            by=request.user,
            body=data.get("body"),
            cc=data.get("cc", ()),
        )
        return Response({"ticket": ticket.number, "status": ticket.status, "message": message.pk})
