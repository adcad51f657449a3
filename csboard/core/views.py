from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt


@csrf_exempt  # it changes nothing; a CSRF page would hide the JSON 404 from API clients
def api_not_found(request, *args, **kwargs):
    return JsonResponse({"detail": "Not found."}, status=404)


def _database() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return "ok"


def _redis() -> str:
    if not settings.REDIS_URL:
        return "not configured"
    cache.set("healthz", "ok", 5)
    return "ok" if cache.get("healthz") == "ok" else "error: no round trip"


@never_cache
def healthz(request):
    """Readiness for load balancers and compose: the database and Redis both answer."""
    checks = {}
    for name, check in (("database", _database), ("redis", _redis)):
        try:
            checks[name] = check()
        except Exception as exc:  # a health check reports a failure, it does not raise it
            checks[name] = f"error: {exc.__class__.__name__}"
    healthy = not any(value.startswith("error") for value in checks.values())
    status = {"status": "ok" if healthy else "error", **checks}
    return JsonResponse(status, status=200 if healthy else 503)
