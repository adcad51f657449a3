from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status, viewsets
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from boards.apis import validated
from boards.permissions import board_for
from savedviews import services
from savedviews.models import SavedView
from savedviews.selectors import user_views, view_for
from savedviews.serializers import SavedViewInputSerializer, SavedViewSerializer

BOARD = OpenApiParameter(
    "board", OpenApiTypes.INT, description="Only the views of this board (a board you may see)."
)


class SavedViewViewSet(viewsets.GenericViewSet):
    """The caller's saved views and those shared with the boards they see. Anyone who sees a
    board saves personal views of it (guests too); its admins share them with the board and
    rename or delete the shared ones; a view's owner renames or deletes their own."""

    serializer_class = SavedViewSerializer
    queryset = SavedView.objects.none()
    permission_classes = [IsAuthenticated]
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]
    lookup_value_regex = "[0-9]+"

    def _shown(self, view) -> dict:
        return SavedViewSerializer(view, context=self.get_serializer_context()).data

    @extend_schema(parameters=[BOARD], responses=SavedViewSerializer(many=True))
    def list(self, request):
        views = user_views(request.user)
        board = request.query_params.get("board")
        if board is not None:
            views = views.filter(board=board_for(request.user, board))
        page = self.paginate_queryset(views)
        serializer = SavedViewSerializer(page, many=True, context=self.get_serializer_context())
        return self.get_paginated_response(serializer.data)

    @extend_schema(request=SavedViewInputSerializer, responses={201: SavedViewSerializer})
    def create(self, request):
        data = validated(SavedViewInputSerializer, request.data)
        board_id = data.pop("board", None)
        board = board_for(request.user, board_id) if board_id is not None else None
        view = services.saved_view_create(owner=request.user, board=board, **data)
        return Response(self._shown(view), status=status.HTTP_201_CREATED)

    @extend_schema(responses=SavedViewSerializer)
    def retrieve(self, request, pk=None):
        return Response(self._shown(view_for(request.user, pk)))

    @extend_schema(request=SavedViewInputSerializer, responses=SavedViewSerializer)
    def partial_update(self, request, pk=None):
        view = view_for(request.user, pk)
        data = validated(SavedViewInputSerializer, request.data, partial=True)
        data.pop("board", None)  # a view stays where it was saved
        view = services.saved_view_update(view=view, by=request.user, **data)
        return Response(self._shown(view))

    def destroy(self, request, pk=None):
        services.saved_view_delete(view=view_for(request.user, pk), by=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)
