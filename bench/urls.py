"""The app's URLs plus the baselines: the rows an API case answers with, fetched with one raw SQL
query each and written out as JSON by a minimal view. Each baseline returns the same rows and
fields as the API case it is compared with, so the ratio measures the framework, not the payload."""

from django.db import connection
from django.http import JsonResponse
from django.urls import path

from csboard.urls import urlpatterns as app_urlpatterns

# The ticket list API's page: the same tickets in the same order, every field of its rows, the
# total count of its pagination.
TICKETS_SQL = """
    SELECT t.number, b.key || '-' || t.number AS reference, t.title, t.description,
           t.column_id AS column, t.position, t.status, t.priority, t.customer_name,
           t.customer_email, t.customer_company, t.customer_phone, u.username AS created_by,
           ARRAY(SELECT au.username FROM tickets_ticket_assignees a
                 JOIN accounts_user au ON au.id = a.user_id WHERE a.ticket_id = t.id) AS assignees,
           ARRAY(SELECT tt.tag_id FROM tickets_ticket_tags tt WHERE tt.ticket_id = t.id) AS tags,
           t.due_at,
           (t.due_at IS NOT NULL AND t.status <> 'resolved' AND t.due_at < now()) AS is_overdue,
           t.created_at, t.updated_at, t.resolved_at, t.first_response_at,
           count(*) OVER () AS total
    FROM tickets_ticket t
    JOIN boards_column c ON c.id = t.column_id
    JOIN boards_board b ON b.id = t.board_id
    LEFT JOIN accounts_user u ON u.id = t.created_by_id
    WHERE t.board_id = %s
    ORDER BY c.position, t.position, t.number
    LIMIT %s
"""

# The board API's answer: the board, the caller's role on it, its columns with their ticket counts.
BOARD_SQL = """
    SELECT b.id, b.name, b.key, b.description, b.visibility, b.timezone, b.created_at,
           b.updated_at, m.role AS my_role, c.id AS column_id, c.name AS column_name,
           c.position AS column_position, c.wip_limit AS column_wip_limit,
           (SELECT count(*) FROM tickets_ticket t WHERE t.column_id = c.id) AS column_ticket_count
    FROM boards_board b
    LEFT JOIN boards_membership m ON m.board_id = b.id AND m.user_id = %s
    JOIN boards_column c ON c.board_id = b.id
    WHERE b.id = %s
    ORDER BY c.position, c.id
"""


def _rows(sql, params) -> list[dict]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        names = [col[0] for col in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def tickets_baseline(request, board_id):
    rows = _rows(TICKETS_SQL, [board_id, int(request.GET.get("page_size", 50))])
    total = rows[0]["total"] if rows else 0
    for row in rows:
        del row["total"]
    return JsonResponse({"count": total, "next": None, "previous": None, "results": rows})


def board_baseline(request, board_id):
    rows = _rows(BOARD_SQL, [int(request.GET["user"]), board_id])
    prefix = "column_"
    board = {k: v for k, v in rows[0].items() if not k.startswith(prefix)}
    board["columns"] = [
        {k.removeprefix(prefix): v for k, v in row.items() if k.startswith(prefix)} for row in rows
    ]
    return JsonResponse(board)


urlpatterns = [
    path("bench/baseline/<int:board_id>/tickets/", tickets_baseline),
    path("bench/baseline/<int:board_id>/board/", board_baseline),
    *app_urlpatterns,
]
