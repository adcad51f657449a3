from django.db.models import Prefetch
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from accounts.models import AuditEvent
from accounts.selectors import board_audit_events
from accounts.serializers import AuditEventSerializer
from boards import services
from boards.api import BoardScopedMixin
from boards.models import Board, Membership, Role, Tag
from boards.permissions import Action, BoardPermission
from boards.selectors import board_columns, board_members, boards_for_user, columns_with_counts
from boards.serializers import (
    BoardInputSerializer,
    BoardSerializer,
    MembershipInputSerializer,
    MembershipRoleSerializer,
    MembershipSerializer,
    TagInputSerializer,
    TagSerializer,
)


def _with_columns(queryset):
    """Boards as BoardSerializer shows them: with `shown_columns`, in order, with their counts."""
    columns = Prefetch("columns", queryset=columns_with_counts(), to_attr="shown_columns")
    return queryset.prefetch_related(columns)


class BoardViewSet(viewsets.GenericViewSet):
    """Boards the caller can see. Creating a board makes the caller its admin."""

    http_method_names = ["get", "post", "patch", "delete", "head", "options"]
    lookup_value_regex = "[0-9]+"
    serializer_class = BoardSerializer
    queryset = Board.objects.none()
    permission_classes = [IsAuthenticated, BoardPermission]
    board_url_kwarg = "pk"
    board_actions = {  # a list of boards and a new board are about no board yet
        "retrieve": Action.VIEW,
        "metadata": Action.VIEW,
        "partial_update": Action.MANAGE,
        "destroy": Action.MANAGE,
    }

    def _board(self, pk):
        return _with_columns(boards_for_user(self.request.user)).get(pk=pk)

    @extend_schema(responses=BoardSerializer(many=True))
    def list(self, request):
        boards = _with_columns(boards_for_user(request.user))
        page = self.paginate_queryset(boards)
        return self.get_paginated_response(BoardSerializer(page, many=True).data)

    @extend_schema(request=BoardInputSerializer, responses={201: BoardSerializer})
    def create(self, request):
        data = validated(BoardInputSerializer, request.data)
        board = services.board_create(created_by=request.user, **data)
        return Response(BoardSerializer(self._board(board.pk)).data, status=status.HTTP_201_CREATED)

    @extend_schema(responses=BoardSerializer)
    def retrieve(self, request, pk=None):
        # The board BoardPermission resolved (with `my_role`) is the one shown: no second read.
        board = self.board
        board.shown_columns = list(board_columns(board))
        return Response(BoardSerializer(board).data)

    @extend_schema(request=BoardInputSerializer, responses=BoardSerializer)
    def partial_update(self, request, pk=None):
        data = validated(BoardInputSerializer, request.data, partial=True)
        data.pop("template", None)
        services.board_update(board=self.board, by=request.user, **data)
        return Response(BoardSerializer(self._board(pk)).data)

    def destroy(self, request, pk=None):
        services.board_delete(board=self.board)
        return Response(status=status.HTTP_204_NO_CONTENT)


def validated(serializer_class, data, partial=False) -> dict:
    serializer = serializer_class(data=data, partial=partial)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


class TagViewSet(BoardScopedMixin, viewsets.GenericViewSet):
    """A board's tags. Anyone on the board reads them; admins change them."""

    queryset = Tag.objects.none()
    pagination_class = None  # a board has few of these: always the whole list
    serializer_class = TagSerializer

    @extend_schema(responses=TagSerializer(many=True))
    def list(self, request, board_id=None):
        return Response(TagSerializer(self.board.tags.all(), many=True).data)

    @extend_schema(request=TagInputSerializer, responses={201: TagSerializer})
    def create(self, request, board_id=None):
        tag = services.tag_create(board=self.board, **validated(TagInputSerializer, request.data))
        return Response(TagSerializer(tag).data, status=201)

    @extend_schema(responses=TagSerializer)
    def retrieve(self, request, board_id=None, pk=None):
        return Response(TagSerializer(get_object_or_404(self.board.tags, pk=pk)).data)

    @extend_schema(request=TagInputSerializer, responses=TagSerializer)
    def partial_update(self, request, board_id=None, pk=None):
        tag = get_object_or_404(self.board.tags, pk=pk)
        data = validated(TagInputSerializer, request.data, partial=True)
        return Response(TagSerializer(services.tag_update(tag=tag, **data)).data)

    def destroy(self, request, board_id=None, pk=None):
        services.tag_delete(tag=get_object_or_404(self.board.tags, pk=pk))
        return Response(status=204)


class MembershipViewSet(BoardScopedMixin, viewsets.GenericViewSet):
    """Who is on the board, and with which role. Admins add, change and remove members."""

    queryset = Membership.objects.none()
    pagination_class = None  # a board has few of these: always the whole list
    serializer_class = MembershipSerializer

    @extend_schema(responses=MembershipSerializer(many=True))
    def list(self, request, board_id=None):
        return Response(MembershipSerializer(board_members(self.board), many=True).data)

    @extend_schema(request=MembershipInputSerializer, responses={201: MembershipSerializer})
    def create(self, request, board_id=None):
        data = validated(MembershipInputSerializer, request.data)
        membership = services.membership_add(
            board=self.board,
            user=data["user"],
            role=data.get("role", Role.MEMBER),
            by=request.user,
        )
        return Response(MembershipSerializer(membership).data, status=201)

    @extend_schema(responses=MembershipSerializer)
    def retrieve(self, request, board_id=None, pk=None):
        membership = get_object_or_404(board_members(self.board), pk=pk)
        return Response(MembershipSerializer(membership).data)

    @extend_schema(request=MembershipRoleSerializer, responses=MembershipSerializer)
    def partial_update(self, request, board_id=None, pk=None):
        membership = get_object_or_404(board_members(self.board), pk=pk)
        data = validated(MembershipRoleSerializer, request.data)
        membership = services.membership_set_role(
            membership=membership, role=data["role"], by=request.user
        )
        return Response(MembershipSerializer(membership).data)

    def destroy(self, request, board_id=None, pk=None):
        services.membership_remove(
            membership=get_object_or_404(board_members(self.board), pk=pk), by=request.user
        )
        return Response(status=204)


class BoardAuditViewSet(BoardScopedMixin, mixins.ListModelMixin, viewsets.GenericViewSet):
    """A board's security log (admins only): membership, role and visibility changes."""

    serializer_class = AuditEventSerializer
    queryset = AuditEvent.objects.none()
    board_actions = {"list": Action.MANAGE, "metadata": Action.MANAGE}

    def get_queryset(self):
        if self.schema_only:
            return AuditEvent.objects.none()
        return board_audit_events(self.board)
