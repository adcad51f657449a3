from django.urls import path, register_converter
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import SimpleRouter

from accounts.apis import TokenCreateView, TokenViewSet
from automation.apis import RuleViewSet
from boards.apis import (
    BoardAuditViewSet,
    BoardViewSet,
    MembershipViewSet,
    TagViewSet,
)
from csboard.core.views import api_not_found
from customfields.apis import FieldViewSet
from feedback.apis import FeedbackIntakeView, FeedbackViewSet
from macros.apis import MacroViewSet
from mail.apis import ConversationViewSet, SupportAddressViewSet
from metrics.apis import BoardMetricsView, OrgMetricsView
from notifications.apis import NotificationViewSet
from relations.apis import TicketLinkViewSet, TicketMergeViewSet
from savedviews.apis import SavedViewViewSet
from search.apis import SearchView
from sla.apis import SlaPolicyViewSet
from ticket_templates.apis import TicketTemplateViewSet, TicketWithTemplatesViewSet
from tickets.apis import ColumnViewSet, MyWorkView
from web.apis import CustomerListView
from workspace.apis import (
    ActivityViewSet,
    AttachmentViewSet,
    BoardFileViewSet,
    BoardMessageViewSet,
    ChecklistViewSet,
    CommentViewSet,
)

BOARD = r"boards/(?P<board_id>[0-9]+)"


class AnyPathConverter:
    """Any remainder of a path, newlines included (Django's <path:> stops at a newline)."""

    regex = r"[\s\S]*"

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value


register_converter(AnyPathConverter, "anypath")

router = SimpleRouter()
router.register("boards", BoardViewSet, basename="board")
router.register(f"{BOARD}/columns", ColumnViewSet, basename="board-column")
router.register(f"{BOARD}/members", MembershipViewSet, basename="board-member")
router.register(f"{BOARD}/tags", TagViewSet, basename="board-tag")
# The tickets with their custom fields (customfields.apis extends tickets.apis.TicketViewSet),
# whose create takes a ticket template too (ticket_templates.apis extends that one).
router.register(f"{BOARD}/tickets", TicketWithTemplatesViewSet, basename="board-ticket")
router.register(f"{BOARD}/fields", FieldViewSet, basename="board-field")
router.register(
    f"{BOARD}/ticket-templates", TicketTemplateViewSet, basename="board-ticket-template"
)
router.register("notifications", NotificationViewSet, basename="notification")
router.register("auth/tokens", TokenViewSet, basename="token")
router.register("views", SavedViewViewSet, basename="saved-view")
router.register(f"{BOARD}/audit", BoardAuditViewSet, basename="board-audit")
TICKET = rf"{BOARD}/tickets/(?P<number>[0-9]+)"
router.register(f"{TICKET}/checklist", ChecklistViewSet, basename="ticket-checklist")
router.register(f"{TICKET}/comments", CommentViewSet, basename="ticket-comment")
router.register(f"{TICKET}/messages", ConversationViewSet, basename="ticket-message")
router.register(f"{TICKET}/attachments", AttachmentViewSet, basename="ticket-attachment")
router.register(f"{TICKET}/activity", ActivityViewSet, basename="ticket-activity")
router.register(f"{BOARD}/messages", BoardMessageViewSet, basename="board-message")
router.register(f"{BOARD}/addresses", SupportAddressViewSet, basename="board-address")
router.register(f"{BOARD}/files", BoardFileViewSet, basename="board-file")
router.register(f"{BOARD}/feedback", FeedbackViewSet, basename="board-feedback")
router.register(f"{BOARD}/macros", MacroViewSet, basename="board-macro")
router.register(f"{TICKET}/links", TicketLinkViewSet, basename="ticket-link")
router.register(f"{TICKET}/merge", TicketMergeViewSet, basename="ticket-merge")
router.register(f"{BOARD}/rules", RuleViewSet, basename="board-rule")

urlpatterns = [
    path("auth/token/", TokenCreateView.as_view(), name="token-create"),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api:schema"), name="docs"),
    *router.urls,
    path("my/work/", MyWorkView.as_view(), name="my-work"),
    path(
        "boards/<int:board_id>/sla/",
        SlaPolicyViewSet.as_view({"get": "retrieve", "put": "update", "patch": "partial_update"}),
        name="board-sla",
    ),
    path(
        "boards/<int:board_id>/feedback/intake/",
        FeedbackIntakeView.as_view(),
        name="feedback-intake",
    ),
    path("metrics/", OrgMetricsView.as_view(), name="org-metrics"),
    path("customers/", CustomerListView.as_view(), name="customer-list"),
    path("boards/<int:board_id>/metrics/", BoardMetricsView.as_view(), name="board-metrics"),
    path("search/", SearchView.as_view(), name="search"),
    # Anything else under /api/ is a JSON 404, never Django's HTML page.
    path("<anypath:rest>", api_not_found),
]
