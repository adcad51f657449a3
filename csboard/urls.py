from django.contrib import admin
from django.urls import include, path

from csboard.core.views import healthz

urlpatterns = [
    path("api/", include(("csboard.api_urls", "api"))),
    path("accounts/", include("accounts.urls")),
    path("admin/", admin.site.urls),
    path("healthz", healthz, name="healthz"),
    path("", include("boards.urls")),
    path("", include("tickets.urls")),
    path("", include("sla.urls")),
    path("", include("workspace.urls")),
    path("", include("notifications.urls")),
    path("", include("feedback.urls")),
    path("", include("customers.urls")),
    path("", include("metrics.urls")),
]
