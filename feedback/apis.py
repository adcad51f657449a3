"""Feedback over the API. The intake answers to the board's intake secret, not to a user: a
survey tool or a webhook sends it in the `X-Feedback-Secret` header. A missing or wrong secret,
or a board that does not exist, all get the same 403."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.parsers import MultiPartParser
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView

from boards.api import BOARD_ID, BoardScopedMixin
from boards.models import Board, Role
from csboard.core.parsers import JSONParser
from feedback import services
from feedback.models import FeedbackResponse
from feedback.selectors import ensure_feedback_visible
from feedback.serializers import (
    FeedbackImportResultSerializer,
    FeedbackImportSerializer,
    FeedbackIntakeSerializer,
    FeedbackResponseSerializer,
    FeedbackSecretSerializer,
)

SECRET = OpenApiParameter(
    "X-Feedback-Secret", OpenApiTypes.STR, OpenApiParameter.HEADER, required=True,
    description="The board's intake secret (board admins rotate it).",
)  # fmt: skip
IDEMPOTENCY = OpenApiParameter(
    "Idempotency-Key", OpenApiTypes.STR, OpenApiParameter.HEADER,
    description="Alternative to the body's idempotency_key.",
)  # fmt: skip


class FeedbackIntakeView(APIView):
    authentication_classes = []
    permission_classes = [AllowAny]
    parser_classes = [JSONParser]
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "feedback"

    @extend_schema(
        parameters=[BOARD_ID, SECRET, IDEMPOTENCY],
        request=FeedbackIntakeSerializer,
        responses={
            201: FeedbackResponseSerializer,
            200: OpenApiResponse(FeedbackResponseSerializer, "A retry: the first response."),
            400: OpenApiResponse(description="What is wrong with the input, by field."),
            403: OpenApiResponse(description="Missing or wrong secret."),
        },
        auth=[],
    )
    def post(self, request, board_id):
        if not services.feedback_secret_matches(
            board_id=board_id, secret=request.headers.get("X-Feedback-Secret")
        ):
            raise PermissionDenied("Missing or wrong feedback secret.")
        serializer = FeedbackIntakeSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        data.setdefault("idempotency_key", request.headers.get("Idempotency-Key", "")[:100])
        response, created = services.feedback_receive(board=Board.objects.get(pk=board_id), **data)
        return Response(
            FeedbackResponseSerializer(response).data,
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )


class FeedbackViewSet(BoardScopedMixin, mixins.ListModelMixin, viewsets.GenericViewSet):
    """The board's feedback, newest first (members, and guests where the board shares its
    metrics); admins rotate the secret and import past responses from CSV."""

    serializer_class = FeedbackResponseSerializer
    queryset = FeedbackResponse.objects.none()
    action_roles = {**BoardScopedMixin.action_roles, "secret": Role.ADMIN, "import_csv": Role.ADMIN}

    def get_queryset(self):
        if self.schema_only:
            return FeedbackResponse.objects.none()
        return FeedbackResponse.objects.filter(board=self.board).select_related("ticket")

    def list(self, request, *args, **kwargs):
        ensure_feedback_visible(self.board)
        return super().list(request, *args, **kwargs)

    @extend_schema(request=None, responses={201: FeedbackSecretSerializer})
    @action(detail=False, methods=["post"])
    def secret(self, request, board_id=None):
        secret = services.feedback_secret_rotate(board=self.board)
        return Response({"secret": secret}, status=status.HTTP_201_CREATED)

    @extend_schema(
        request={"multipart/form-data": FeedbackImportSerializer},
        responses={
            201: FeedbackImportResultSerializer,
            400: OpenApiResponse(description="The rows that are wrong, and why; nothing imported."),
            413: OpenApiResponse(description="The file is larger than 5 MB."),
        },
    )
    @action(detail=False, methods=["post"], url_path="import", parser_classes=[MultiPartParser])
    def import_csv(self, request, board_id=None):
        serializer = FeedbackImportSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        result = services.feedback_import(board=self.board, file=serializer.validated_data["file"])
        return Response(FeedbackImportResultSerializer(result).data, status=status.HTTP_201_CREATED)
