"""The app's URLs plus a baseline: the same ticket rows, one raw SQL query, written out as JSON."""

from django.db import connection
from django.http import JsonResponse
from django.urls import path

from csboard.urls import urlpatterns as app_urlpatterns

BASELINE_SQL = """
    SELECT t.number, t.title, t.description, t.column_id, t.position, t.status, t.priority,
           t.customer_name, t.customer_email, t.customer_company, t.due_at, t.created_at,
           t.updated_at, t.resolved_at
    FROM tickets_ticket t JOIN boards_column c ON c.id = t.column_id
    WHERE t.board_id = %s
    ORDER BY c.position, t.position, t.number
    LIMIT %s
"""


def baseline(request, board_id):
    limit = int(request.GET.get("page_size", 50))
    with connection.cursor() as cursor:
        cursor.execute(BASELINE_SQL, [board_id, limit])
        names = [col[0] for col in cursor.description]
        rows = [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
    return JsonResponse({"count": len(rows), "results": rows})


urlpatterns = [path("bench/baseline/<int:board_id>/", baseline), *app_urlpatterns]
