"""The workspace over REST, under the ticket (or the board) it belongs to. Guests read; members
and admins write; authors edit their messages; authors or admins delete."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from boards.api import BoardScopedMixin
from boards.permissions import Action
from csboard.core.api import IDEMPOTENCY_KEY, idempotent_create
from csboard.core.parsers import JSONParser
from tickets.models import Activity
from tickets.selectors import ticket_for
from workspace import services
from workspace.models import Attachment, ChecklistItem, Message
from workspace.selectors import (
    board_files,
    board_messages,
    ticket_activity,
    ticket_attachments,
    ticket_checklist,
    ticket_messages,
)
from workspace.serializers import (
    ActivitySerializer,
    AttachmentSerializer,
    ChecklistItemInputSerializer,
    ChecklistItemSerializer,
    LinkSerializer,
    MessageInputSerializer,
    MessageSerializer,
    UploadedSerializer,
    UploadSerializer,
)
from workspace.views import serve_file

NUMBER = OpenApiParameter("number", OpenApiTypes.INT, OpenApiParameter.PATH)
ID = OpenApiParameter("id", OpenApiTypes.INT, OpenApiParameter.PATH)
WRITES = {"create": Action.WORK, "partial_update": Action.WORK, "destroy": Action.WORK}


class TicketScopedMixin(BoardScopedMixin):
    """Children of a ticket (when the URL names one) or of the board; looked up through it."""

    parser_classes = [JSONParser]
    board_actions = {**BoardScopedMixin.board_actions, **WRITES}
    ticket = None

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        if "number" in kwargs:
            self.ticket = ticket_for(self.board, kwargs["number"])

    def _valid(self, serializer_class, partial=False) -> dict:
        serializer = serializer_class(data=self.request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        return dict(serializer.validated_data)


@extend_schema(parameters=[NUMBER])
@extend_schema_view(
    partial_update=extend_schema(parameters=[ID]), destroy=extend_schema(parameters=[ID])
)
class ChecklistViewSet(
    TicketScopedMixin, mixins.ListModelMixin, viewsets.GenericViewSet
):  # fmt: skip
    """A ticket's checklist, in order. PATCH edits the text, ticks (done) or moves (position)."""

    serializer_class = ChecklistItemSerializer
    queryset = ChecklistItem.objects.none()
    pagination_class = None

    def get_queryset(self):
        return ChecklistItem.objects.none() if self.schema_only else ticket_checklist(self.ticket)

    @extend_schema(request=ChecklistItemInputSerializer, responses={201: ChecklistItemSerializer})
    def create(self, request, board_id=None, number=None):
        data = self._valid(ChecklistItemInputSerializer)
        item = services.checklist_item_add(ticket=self.ticket, by=request.user, text=data["text"])
        if data.get("done"):
            item = services.checklist_item_update(item=item, by=request.user, done=True)
        return Response(ChecklistItemSerializer(item).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=ChecklistItemInputSerializer, responses=ChecklistItemSerializer)
    def partial_update(self, request, board_id=None, number=None, pk=None):
        data = self._valid(ChecklistItemInputSerializer, partial=True)
        item = services.checklist_item_update(item=self.get_object(), by=request.user, **data)
        return Response(ChecklistItemSerializer(item).data)

    def destroy(self, request, board_id=None, number=None, pk=None):
        services.checklist_item_delete(item=self.get_object(), by=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class _MessageViewSet(TicketScopedMixin, mixins.ListModelMixin, viewsets.GenericViewSet):
    serializer_class = MessageSerializer
    queryset = Message.objects.none()

    def get_queryset(self):
        if self.schema_only:
            return Message.objects.none()
        return ticket_messages(self.ticket) if self.ticket else board_messages(self.board)

    @extend_schema(
        request=MessageInputSerializer,
        responses={201: MessageSerializer},
        parameters=[IDEMPOTENCY_KEY],
    )
    def create(self, request, board_id=None, number=None):
        def create():
            data = self._valid(MessageInputSerializer)
            message = services.message_post(
                board=self.board, ticket=self.ticket, by=request.user, body=data["body"]
            )
            return Response(MessageSerializer(message).data, status=status.HTTP_201_CREATED)

        return idempotent_create(request, create)

    @extend_schema(request=MessageInputSerializer, responses=MessageSerializer, parameters=[ID])
    def partial_update(self, request, board_id=None, number=None, pk=None):
        data = self._valid(MessageInputSerializer)
        message = services.message_edit(message=self.get_object(), by=request.user, **data)
        return Response(MessageSerializer(message).data)

    @extend_schema(parameters=[ID])
    def destroy(self, request, board_id=None, number=None, pk=None):
        services.message_delete(message=self.get_object(), by=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


@extend_schema(parameters=[NUMBER])
class CommentViewSet(_MessageViewSet):
    """A ticket's chat, oldest first. @username mentions notify board members."""


class BoardMessageViewSet(_MessageViewSet):
    """The board's team chat, oldest first."""


class _FileViewSet(TicketScopedMixin, mixins.ListModelMixin, viewsets.GenericViewSet):
    serializer_class = AttachmentSerializer
    queryset = Attachment.objects.none()
    parser_classes = [MultiPartParser, FormParser, JSONParser]
    board_actions = {
        **TicketScopedMixin.board_actions,
        "download": Action.VIEW,
        "link": Action.WORK,
    }

    def get_queryset(self):
        if self.schema_only:
            return Attachment.objects.none()
        return ticket_attachments(self.ticket) if self.ticket else board_files(self.board)

    @extend_schema(
        request={"multipart/form-data": UploadSerializer},
        responses={201: UploadedSerializer},
    )
    def create(self, request, board_id=None, number=None):
        created = services.attachments_upload(
            board=self.board, ticket=self.ticket, by=request.user,
            files=request.FILES.getlist("files"),
        )  # fmt: skip
        data = {"files": AttachmentSerializer(created, many=True).data}
        return Response(data, status=status.HTTP_201_CREATED)

    @extend_schema(parameters=[ID])
    def destroy(self, request, board_id=None, number=None, pk=None):
        services.attachment_delete(attachment=self.get_object(), by=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(
        parameters=[ID],
        responses={
            **{(200, media_type): OpenApiTypes.BINARY for media_type in services.SERVED_TYPES},
            302: OpenApiResponse(description="A link: its address, in `Location`."),
        },
        description="The stored file: images and PDFs as themselves (to open in place), "
        "anything else as `application/octet-stream`, a download.",
    )
    @action(detail=True, methods=["get"])
    def download(self, request, board_id=None, number=None, pk=None):
        attachment = self.get_object()
        if attachment.is_link:
            return Response(status=status.HTTP_302_FOUND, headers={"Location": attachment.url})
        return serve_file(attachment)


@extend_schema(parameters=[NUMBER])
class AttachmentViewSet(_FileViewSet):
    """A ticket's attachments, newest first; files download through `download`, never a public URL."""


class BoardFileViewSet(_FileViewSet):
    """The board's files and links, newest first."""

    @extend_schema(request=LinkSerializer, responses={201: AttachmentSerializer})
    @action(detail=False, methods=["post"], parser_classes=[JSONParser])
    def link(self, request, board_id=None):
        link = services.link_add(board=self.board, by=request.user, **self._valid(LinkSerializer))
        return Response(AttachmentSerializer(link).data, status=status.HTTP_201_CREATED)


@extend_schema(parameters=[NUMBER])
class ActivityViewSet(TicketScopedMixin, mixins.ListModelMixin, viewsets.GenericViewSet):
    """A ticket's history, newest first."""

    serializer_class = ActivitySerializer
    queryset = Activity.objects.none()

    def get_queryset(self):
        if self.schema_only:
            return Activity.objects.none()
        return ticket_activity(self.ticket)
