"""The project's URLs plus one page that reads the cache, as a page that needs Redis would."""

from django.core.cache import cache
from django.shortcuts import render
from django.urls import include, path


def needs_redis(request):
    return render(request, "404.html", {"value": cache.get("anything")})


urlpatterns = [path("needs-redis/", needs_redis), path("", include("csboard.urls"))]
