"""What every board-scoped API view shares: the board, resolved once through the access policy."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.permissions import IsAuthenticated

from boards.models import Role
from boards.permissions import Action, BoardPermission

ROLE_SLUGS = [role.slug for role in Role]
BOARD_ID = OpenApiParameter("board_id", OpenApiTypes.INT, OpenApiParameter.PATH)


class RoleField(serializers.ChoiceField):
    def __init__(self, **kwargs):
        super().__init__(choices=ROLE_SLUGS, **kwargs)

    def to_representation(self, value):
        return Role(value).slug

    def to_internal_value(self, data):
        return Role.from_slug(super().to_internal_value(data))


@extend_schema(parameters=[BOARD_ID])
class BoardScopedMixin:
    """Declares the policy's action each viewset action needs (`board_actions`); BoardPermission
    resolves `self.board` with it, after DRF has authenticated the caller (anonymous callers get
    401 first)."""

    permission_classes = [IsAuthenticated, BoardPermission]
    board_actions: dict[str, Action] = {
        "list": Action.VIEW,
        "retrieve": Action.VIEW,
        "metadata": Action.VIEW,
        "create": Action.MANAGE,
        "partial_update": Action.MANAGE,
        "destroy": Action.MANAGE,
    }
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]
    lookup_value_regex = "[0-9]+"

    @property
    def schema_only(self) -> bool:
        return getattr(self, "swagger_fake_view", False)
