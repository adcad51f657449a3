from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.generics import GenericAPIView

from boards.permissions import board_for
from csboard.core.pagination import PageNumberPagination
from search.selectors import ticket_by_reference, ticket_search
from search.serializers import (
    SearchHitSerializer,
    SearchPageSerializer,
    SearchParamsSerializer,
    TicketReferenceSerializer,
)

PAGE_PARAMETERS = [
    OpenApiParameter("page", OpenApiTypes.INT, description="A page number (from 1)."),
    OpenApiParameter("page_size", OpenApiTypes.INT, description="Results a page (at most 200)."),
]


class SearchView(GenericAPIView):
    """Tickets of every board the caller may see (live ones: each board's archive has its own
    search), best matches first, with the matching words marked."""

    serializer_class = SearchHitSerializer
    pagination_class = PageNumberPagination

    @extend_schema(
        operation_id="search_tickets",
        parameters=[SearchParamsSerializer, *PAGE_PARAMETERS],
        responses=SearchPageSerializer,
    )
    def get(self, request):
        params = SearchParamsSerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        query, board_id = params.validated_data["q"], params.validated_data.get("board")
        board = board_for(request.user, board_id) if board_id is not None else None
        search = ticket_search(request.user, query, board=board)
        page = self.paginate_queryset(search.documents)
        response = self.get_paginated_response(
            self.get_serializer(search.hits(page), many=True).data
        )
        ticket = ticket_by_reference(request.user, query)
        response.data["ticket"] = TicketReferenceSerializer(ticket).data if ticket else None
        return response
