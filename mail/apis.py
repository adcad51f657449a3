"""A ticket's conversation over REST: `…/tickets/{number}/messages/` lists the public messages
(the customer's mail and the team's replies, with their delivery) and the internal notes, oldest
first; a POST with `public` true emails a reply to the customer (members and admins), with
`public` false writes an internal note. Guests read the conversation as they read the ticket."""

from django.db.models import Prefetch
from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
)
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.response import Response

from boards.api import BoardScopedMixin
from boards.permissions import Action
from csboard.core.api import (
    IDEMPOTENCY_KEY,
    StrictCharField,
    StrictModelSerializer,
    idempotent_create,
)
from csboard.core.mailhtml import content_id_key, with_images
from mail.models import SupportAddress
from mail.outbound import reply_send
from mail.services import support_address_delete, support_address_set
from workspace.apis import TicketScopedMixin
from workspace.models import Attachment, Message
from workspace.selectors import ticket_messages
from workspace.serializers import MessageInputSerializer, MessageSerializer
from workspace.services import message_post, served_inline

NUMBER = OpenApiParameter("number", OpenApiTypes.INT, OpenApiParameter.PATH)
ID = OpenApiParameter("id", OpenApiTypes.INT, OpenApiParameter.PATH)


class DeliverySerializer(serializers.Serializer):
    state = serializers.CharField(help_text="queued, sent, failed or bounced; received for mail in")
    error = serializers.CharField()
    message_id = serializers.CharField()


class MessageFileSerializer(serializers.ModelSerializer):
    class Meta:
        model = Attachment
        fields = ["id", "name", "size", "content_type", "content_id"]
        read_only_fields = fields
        extra_kwargs = {
            "content_id": {"help_text": "For an inline image of a mail, the Content-ID its HTML "
                           "points at (`cid:…`); else empty."},
        }  # fmt: skip


class ConversationMessageSerializer(MessageSerializer):
    delivery = serializers.SerializerMethodField(
        help_text="The email this message was (a reply sent, or the customer's mail), or null."
    )
    attachments = MessageFileSerializer(
        many=True,
        read_only=True,
        help_text="The files that came with the message; each downloads through "
        "`…/attachments/{id}/download/`.",
    )
    mail_html = serializers.SerializerMethodField(
        help_text="A customer's mail as it was formatted, sanitised, each inline image pointing "
        "at its download; empty for the team's messages and for mail without HTML."
    )

    class Meta(MessageSerializer.Meta):
        fields = [*MessageSerializer.Meta.fields, "delivery", "attachments", "mail_html"]
        read_only_fields = fields

    @extend_schema_field(DeliverySerializer(allow_null=True))
    def get_delivery(self, message: Message) -> dict | None:
        email = getattr(message, "email", None)
        if email is None:
            return None
        return {"state": email.state, "error": email.error, "message_id": email.message_id}

    def get_mail_html(self, message: Message) -> str:
        email = getattr(message, "email", None)
        if email is None or not message.from_customer or not email.html.strip():
            return ""
        ticket = message.ticket
        sources = {
            content_id_key(file.content_id): reverse(
                "api:ticket-attachment-download", args=[ticket.board_id, ticket.number, file.pk]
            )
            for file in message.attachments.all()
            if file.content_id and served_inline(file)
        }
        return with_images(email.html, sources)


class ConversationInputSerializer(MessageInputSerializer):
    public = serializers.BooleanField(
        help_text="True: a reply emailed to the customer. False: an internal note."
    )
    cc = serializers.ListField(
        child=serializers.EmailField(), required=False, default=list, max_length=20,
        help_text="Addresses copied on a reply.",
    )  # fmt: skip


@extend_schema(parameters=[NUMBER])
def conversation(ticket):
    """A ticket's messages with their emails and files: three queries for any number."""
    files = Prefetch("attachments", queryset=Attachment.objects.order_by("pk"))
    return ticket_messages(ticket).select_related("email", "ticket").prefetch_related(files)


class ConversationViewSet(TicketScopedMixin, mixins.ListModelMixin, viewsets.GenericViewSet):
    """A ticket's conversation with the customer and its internal notes, oldest first."""

    serializer_class = ConversationMessageSerializer
    queryset = Message.objects.none()

    def get_queryset(self):
        if self.schema_only:
            return Message.objects.none()
        return conversation(self.ticket)

    @extend_schema(
        request=ConversationInputSerializer,
        responses={201: ConversationMessageSerializer},
        parameters=[IDEMPOTENCY_KEY],
    )
    def create(self, request, board_id=None, number=None):
        def create():
            data = self._valid(ConversationInputSerializer)
            if data["public"]:
                message = reply_send(
                    ticket=self.ticket, by=request.user, body=data["body"], cc=data["cc"]
                )
            else:
                message = message_post(
                    board=self.board, ticket=self.ticket, by=request.user, body=data["body"]
                )
            message = conversation(self.ticket).get(pk=message.pk)
            return Response(
                ConversationMessageSerializer(message).data, status=status.HTTP_201_CREATED
            )

        return idempotent_create(request, create)


class SupportAddressSerializer(StrictModelSerializer):
    """A support address of the board, as its admins configure it. The IMAP password is written
    only (stored encrypted); `has_password` says whether one is stored."""

    password = StrictCharField(
        write_only=True, required=False, allow_blank=True, trim_whitespace=False,
        help_text="The IMAP password (stored encrypted); omit to keep it, empty to forget it.",
    )  # fmt: skip
    has_password = serializers.SerializerMethodField()

    class Meta:
        model = SupportAddress
        fields = [
            "id", "address", "name", "active", "imap_host", "imap_port", "imap_security",
            "imap_username", "imap_password_env", "imap_folder", "imap_done_folder",
            "password", "has_password", "last_polled_at", "last_error", "created_at",
        ]  # fmt: skip
        read_only_fields = ["id", "has_password", "last_polled_at", "last_error", "created_at"]
        # The service checks them (one board per address, whatever its case): a 409, not a 400.
        extra_kwargs = {"address": {"validators": []}}

    def get_has_password(self, address: SupportAddress) -> bool:
        return bool(address.imap_password)


@extend_schema_view(
    retrieve=extend_schema(parameters=[ID]),
    partial_update=extend_schema(parameters=[ID]),
    destroy=extend_schema(parameters=[ID]),
)
class SupportAddressViewSet(
    BoardScopedMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    """The addresses customers write to, delivering to this board (admins only: a mailbox's
    settings are the board's to manage)."""

    serializer_class = SupportAddressSerializer
    queryset = SupportAddress.objects.none()
    board_actions = dict.fromkeys(
        ("list", "retrieve", "metadata", "create", "partial_update", "destroy"), Action.MANAGE
    )

    def get_queryset(self):
        if self.schema_only:
            return SupportAddress.objects.none()
        return SupportAddress.objects.filter(board=self.board).order_by("address", "id")

    def _save(self, instance=None):
        serializer = SupportAddressSerializer(
            instance, data=self.request.data, partial=bool(instance)
        )
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        current = {
            field: getattr(instance, field)
            for field in SupportAddressSerializer.Meta.fields
            if instance is not None and hasattr(SupportAddress, field) and field != "id"
        }
        fields = {**current, **data}
        for read_only in ("has_password", "last_polled_at", "last_error", "created_at", "password"):
            fields.pop(read_only, None)
        return support_address_set(
            board=self.board,
            by=self.request.user,
            support_address=instance,
            password=data.get("password"),
            **fields,
        )

    @extend_schema(request=SupportAddressSerializer, responses={201: SupportAddressSerializer})
    def create(self, request, board_id=None):
        address = self._save()
        return Response(SupportAddressSerializer(address).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=SupportAddressSerializer, responses=SupportAddressSerializer)
    def partial_update(self, request, board_id=None, pk=None):
        address = self._save(self.get_object())
        return Response(SupportAddressSerializer(address).data)

    def destroy(self, request, board_id=None, pk=None):
        support_address_delete(support_address=self.get_object(), by=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)
