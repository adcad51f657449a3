from django.db.models import Q
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    inline_serializer,
)
from knox.models import AuthToken
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.authtoken.serializers import AuthTokenSerializer
from rest_framework.parsers import FormParser
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView

from accounts import services
from accounts.lockout import ensure_not_locked_out
from csboard.core.compression import never_compress
from csboard.core.parsers import JSONParser
from csboard.core.schema import ErrorSerializer


class TokenSerializer(serializers.ModelSerializer):
    current = serializers.SerializerMethodField()

    class Meta:
        model = AuthToken
        fields = ["token_key", "created", "expiry", "current"]
        read_only_fields = fields

    def get_current(self, token) -> bool:
        used = self.context["request"].auth
        return used is not None and getattr(used, "digest", None) == token.digest


class TokenCreateView(APIView):
    """Exchange a username and password for an API token (`Authorization: Token …`)."""

    authentication_classes = []
    permission_classes = [AllowAny]
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "token"
    # `curl -d username=… -d password=…` too: both fields are required, so a form's empty field
    # is a 400 here, never read as "not sent".
    parser_classes = [JSONParser, FormParser]

    @extend_schema(
        # JSON only in the schema: a body documented under two content types becomes a union
        # that generated clients get wrong (openapi-python-client's module does not import).
        # The form post stays accepted for curl, as the description says.
        request={"application/json": AuthTokenSerializer},
        description="Exchange a username and password for an API token (`Authorization: "
        "Token …`). Also accepts the same fields as a form post "
        "(`application/x-www-form-urlencoded`).",
        responses={
            200: inline_serializer(
                "IssuedToken",
                {
                    "token": serializers.CharField(),
                    "token_key": serializers.CharField(),
                    "expiry": serializers.DateTimeField(allow_null=True),
                },
            ),
            429: OpenApiResponse(
                ErrorSerializer,
                description="Too many requests; or, with `code` `locked_out`, too many failed "
                "sign-ins: `detail` says that the account is locked and for how long.",
            ),
        },
        parameters=[
            OpenApiParameter(
                "Retry-After",
                OpenApiTypes.INT,
                OpenApiParameter.HEADER,
                response=[429],
                description="Seconds until the lock or the throttle lifts.",
            )
        ],
    )
    @never_compress  # the answer is the token itself
    def post(self, request):
        serializer = AuthTokenSerializer(data=request.data, context={"request": request})
        try:
            serializer.is_valid(raise_exception=True)
        except serializers.ValidationError:
            ensure_not_locked_out(request)  # django-axes marked the request it was given
            raise
        token, secret = services.token_create(
            user=serializer.validated_data["user"], request=request
        )
        return Response({"token": secret, "token_key": token.token_key, "expiry": token.expiry})


class TokenViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """The caller's own API tokens: list them, revoke one by its key."""

    serializer_class = TokenSerializer
    queryset = AuthToken.objects.none()
    lookup_field = "token_key"
    lookup_value_regex = "[A-Za-z0-9_]+"
    pagination_class = None

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return AuthToken.objects.none()
        # An expired token is refused, and deleted by the hourly purge (accounts.auth).
        live = Q(expiry__isnull=True) | Q(expiry__gte=timezone.now())
        return AuthToken.objects.filter(live, user=self.request.user).order_by("-created")

    def destroy(self, request, token_key=None):
        services.token_revoke(user=request.user, token_key=token_key, request=request)
        return Response(status=status.HTTP_204_NO_CONTENT)
