from django.conf import settings
from django.contrib import admin
from django.urls import include, path

import boards.urls
import customfields.urls
import reminders.urls
import sla.urls
import ticket_templates.urls
import tickets.urls
import web.urls
from csboard.core.views import healthz


def namespace(name: str, *groups: list) -> object:
    """One URL namespace whose views live in several apps: a page that assembles several apps
    lives in `web` (above them all), the columns form in `tickets` and a reminder page in
    `reminders` (above `boards` and `sla`), the CSV in `customfields` (with the custom fields),
    the new-ticket page in `ticket_templates` (its posts of a quick add go to `customfields`),
    yet each keeps the name it always had
    (`boards:detail`, `boards:export-tickets`, `sla:email_preferences`)."""
    return path("", include(([pattern for group in groups for pattern in group], name)))


urlpatterns = [
    path("api/", include(("csboard.api_urls", "api"))),
    path("accounts/", include("accounts.urls")),
    path("admin/", admin.site.urls),
    path("healthz", healthz, name="healthz"),
    namespace(
        "boards",
        boards.urls.urlpatterns,
        tickets.urls.board_urlpatterns,
        customfields.urls.boards,
        web.urls.boards,
    ),
    namespace("tickets", tickets.urls.urlpatterns, web.urls.tickets, ticket_templates.urls.tickets),
    path("", include("customfields.urls")),
    namespace("sla", sla.urls.urlpatterns, reminders.urls.urlpatterns),
    path("", include("workspace.urls")),
    path("", include("ticket_templates.urls")),
    path("", include("mail.urls")),
    path("", include("notifications.urls")),
    path("", include("feedback.urls")),
    path("", include("automation.urls")),
    namespace("customers", web.urls.customers),
    namespace("my", web.urls.my),
    path("", include("metrics.urls")),
    path("", include("macros.urls")),
    path("", include("relations.urls")),
    path("", include("portal.urls")),
    path("", include("savedviews.urls")),
    path("", include("search.urls")),
]
# Mail providers post inbound mail here (mail.webhooks); only behind the basic auth they are
# given, so not at all without it (anymail itself would only warn and accept anyone's).
if settings.ANYMAIL.get("WEBHOOK_SECRET"):
    from mail.webhooks import inbound_urlpatterns

    urlpatterns.append(path("anymail/", include((inbound_urlpatterns(), "anymail"))))
