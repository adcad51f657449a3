"""A ticket's conversation over REST: `…/tickets/{number}/messages/` lists the public messages
(the customer's mail and the team's replies, with their delivery) and the internal notes, oldest
first; a POST with `public` true emails a reply to the customer (members and admins), with
`public` false writes an internal note. Guests read the conversation as they read the ticket."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.response import Response

from csboard.core.api import IDEMPOTENCY_KEY, idempotent_create
from mail.outbound import reply_send
from workspace.apis import TicketScopedMixin
from workspace.models import Message
from workspace.selectors import ticket_messages
from workspace.serializers import MessageInputSerializer, MessageSerializer
from workspace.services import message_post

NUMBER = OpenApiParameter("number", OpenApiTypes.INT, OpenApiParameter.PATH)


class DeliverySerializer(serializers.Serializer):
    state = serializers.CharField(help_text="queued, sent, failed or bounced; received for mail in")
    error = serializers.CharField()
    message_id = serializers.CharField()


class ConversationMessageSerializer(MessageSerializer):
    delivery = serializers.SerializerMethodField(
        help_text="The email this message was (a reply sent, or the customer's mail), or null."
    )

    class Meta(MessageSerializer.Meta):
        fields = [*MessageSerializer.Meta.fields, "delivery"]
        read_only_fields = fields

    @extend_schema_field(DeliverySerializer(allow_null=True))
    def get_delivery(self, message: Message) -> dict | None:
        email = getattr(message, "email", None)
        if email is None:
            return None
        return {"state": email.state, "error": email.error, "message_id": email.message_id}


class ConversationInputSerializer(MessageInputSerializer):
    public = serializers.BooleanField(
        help_text="True: a reply emailed to the customer. False: an internal note."
    )
    cc = serializers.ListField(
        child=serializers.EmailField(), required=False, default=list, max_length=20,
        help_text="Addresses copied on a reply.",
    )  # fmt: skip


@extend_schema(parameters=[NUMBER])
class ConversationViewSet(TicketScopedMixin, mixins.ListModelMixin, viewsets.GenericViewSet):
    """A ticket's conversation with the customer and its internal notes, oldest first."""

    serializer_class = ConversationMessageSerializer
    queryset = Message.objects.none()

    def get_queryset(self):
        if self.schema_only:
            return Message.objects.none()
        return ticket_messages(self.ticket).select_related("email")

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
            message = ticket_messages(self.ticket).select_related("email").get(pk=message.pk)
            return Response(
                ConversationMessageSerializer(message).data, status=status.HTTP_201_CREATED
            )

        return idempotent_create(request, create)
