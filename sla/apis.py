from drf_spectacular.utils import extend_schema
from rest_framework import viewsets
from rest_framework.response import Response

from boards.api import BoardScopedMixin
from boards.models import Role
from sla import services
from sla.models import SlaPolicy
from sla.selectors import policy_for
from sla.serializers import SlaPolicySerializer


class SlaPolicyViewSet(BoardScopedMixin, viewsets.GenericViewSet):
    """The board's SLA policy: anyone on the board reads it, admins change it. PUT sets every
    field (those left out go back to their defaults); PATCH only those given."""

    queryset = SlaPolicy.objects.none()
    serializer_class = SlaPolicySerializer
    pagination_class = None
    http_method_names = ["get", "put", "patch", "head", "options"]
    action_roles = {**BoardScopedMixin.action_roles, "update": Role.ADMIN}

    def get_object(self):
        return policy_for(self.board)

    def _save(self, request, partial: bool):
        serializer = SlaPolicySerializer(data=request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        policy = services.sla_policy_set(
            board=self.board, replace=not partial, **serializer.validated_data
        )
        return Response(SlaPolicySerializer(policy).data)

    @extend_schema(responses=SlaPolicySerializer)
    def retrieve(self, request, board_id=None):
        return Response(SlaPolicySerializer(self.get_object()).data)

    @extend_schema(request=SlaPolicySerializer, responses=SlaPolicySerializer)
    def update(self, request, board_id=None):
        return self._save(request, partial=False)

    @extend_schema(request=SlaPolicySerializer, responses=SlaPolicySerializer)
    def partial_update(self, request, board_id=None):
        return self._save(request, partial=True)
