"""What every board-scoped API view shares: the board, resolved once through the access policy."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers

from boards.models import Role
from boards.permissions import board_for

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
    """Declares the role each action needs; `initial` resolves `self.board` with it, after DRF has
    authenticated the caller (anonymous callers get 401 before this runs)."""

    action_roles: dict[str, int] = {
        "list": Role.GUEST,
        "retrieve": Role.GUEST,
        "metadata": Role.GUEST,
        "create": Role.ADMIN,
        "partial_update": Role.ADMIN,
        "destroy": Role.ADMIN,
    }
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]
    lookup_value_regex = "[0-9]+"

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        need = self.action_roles.get(self.action, Role.ADMIN)
        self.board = board_for(request.user, kwargs["board_id"], need=need)

    @property
    def schema_only(self) -> bool:
        return getattr(self, "swagger_fake_view", False)
