"""The metrics over the API, for a BI tool or a CRM: the numbers of the company view (the boards
the caller administers; one board, one agent or one of the caller's teams) and of one board's
dashboard, from the same selectors and forms as the pages, so that a bad date is refused the same
way (400, by parameter) and the numbers are the pages' own."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from boards.api import BOARD_ID
from boards.models import Board
from boards.permissions import Action, board_for
from metrics import selectors
from metrics.forms import BoardApiRangeForm, org_choice
from metrics.selectors import Period
from metrics.serializers import BoardMetricsSerializer, OrgMetricsSerializer


def _query(name, kind, description):
    return OpenApiParameter(name, kind, OpenApiParameter.QUERY, description=description)


# A day, or empty (`?to=`): read as not given, as the page's form sends it.
DAY_OR_EMPTY = {"anyOf": [{"type": "string", "format": "date"}, {"type": "string", "maxLength": 0}]}
FROM = _query("from", DAY_OR_EMPTY, "The first day (default: 8 weeks before `to`).")
TO = _query("to", DAY_OR_EMPTY, "The last day, included (default: today); 2 years at most.")
AGENT = _query("agent", OpenApiTypes.INT, "Only the tickets assigned to this user (an id).")


class OrgMetricsView(APIView):
    """The company view: the boards the caller administers, in total, by board and by agent."""

    @extend_schema(
        operation_id="metrics_company",
        parameters=[
            FROM,
            TO,
            _query("board", OpenApiTypes.INT, "One of the boards the caller administers."),
            AGENT,
            _query("team", OpenApiTypes.INT, "One of the caller's teams (not with `agent`)."),
        ],
        responses=OrgMetricsSerializer,
    )
    def get(self, request):
        choice = org_choice(request.user, request.query_params)
        if choice["errors"]:
            raise ValidationError(choice["errors"])
        return Response(OrgMetricsSerializer(choice).data)


class BoardMetricsView(APIView):
    """Every figure of one board's dashboard; for guests only where the board shares its
    metrics."""

    @extend_schema(
        operation_id="boards_metrics",
        parameters=[BOARD_ID, FROM, TO, AGENT],
        responses=BoardMetricsSerializer,
    )
    def get(self, request, board_id):
        board: Board = board_for(request.user, board_id, Action.READ_FEEDBACK)
        form = BoardApiRangeForm(request.query_params, board=board)
        if not form.is_valid():
            raise ValidationError(form.api_errors())
        data = form.cleaned_data
        period = Period.of(board, data["start"], data["end"])
        metrics = selectors.board_metrics(board, period, data["agent"])
        return Response(BoardMetricsSerializer({**metrics, "data": data}).data)
