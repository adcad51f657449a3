"""The app's URLs plus the baselines: the rows a case answers with or draws, fetched with one raw
SQL query each and written out by a minimal view (JSON for an API case, bare HTML for a page).
Each baseline returns the same rows and fields as the case it is compared with, so the ratio
measures the framework and the templates, not the payload. The tickets' order is by whichever
field the model has (`position` before issue 13, `rank` after), so that the same harness runs on
both codes."""

import json

from django.db import connection
from django.http import HttpResponse, JsonResponse
from django.urls import path
from django.utils.html import escape

from csboard.urls import urlpatterns as app_urlpatterns
from tickets.models import Ticket

ORDER = "rank" if any(f.name == "rank" for f in Ticket._meta.concrete_fields) else "position"

# The ticket list API's page: the same tickets in the same order, every field of its rows, the
# total count of its pagination.
TICKETS_SQL = f"""
    SELECT t.number, b.key || '-' || t.number AS reference, t.title, t.description,
           t.column_id AS column, t.{ORDER} AS {ORDER}, t.status, t.priority, t.customer_name,
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
    ORDER BY c.position, t.{ORDER}, t.number
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

# The board page's cards: the first `limit` tickets of each column with every field a card draws
# (reference, title, priority, customer, tags, status, due date, checklist progress, comment
# count, assignees), and each column's name and ticket count.
CARDS_SQL = f"""
    SELECT c.id AS column_id, c.name AS column_name,
           (SELECT count(*) FROM tickets_ticket n WHERE n.column_id = c.id) AS column_total,
           r.number, r.title, r.priority, r.status, r.customer_name, r.customer_company, r.due_at,
           (SELECT count(*) FROM workspace_checklistitem i WHERE i.ticket_id = r.id) AS checklist,
           (SELECT count(*) FROM workspace_checklistitem i
             WHERE i.ticket_id = r.id AND i.done_at IS NOT NULL) AS checklist_done,
           (SELECT count(*) FROM workspace_message m WHERE m.ticket_id = r.id) AS comments,
           ARRAY(SELECT au.username FROM tickets_ticket_assignees a
                 JOIN accounts_user au ON au.id = a.user_id WHERE a.ticket_id = r.id) AS assignees,
           ARRAY(SELECT g.name FROM tickets_ticket_tags tt JOIN boards_tag g ON g.id = tt.tag_id
                 WHERE tt.ticket_id = r.id) AS tags
    FROM boards_column c
    LEFT JOIN LATERAL (
        SELECT * FROM tickets_ticket t WHERE t.column_id = c.id
        ORDER BY t.{ORDER}, t.number LIMIT %s
    ) r ON true
    WHERE c.board_id = %s
    ORDER BY c.position, r.{ORDER}, r.number
"""

# The ticket page's rows: the ticket, its chat messages and its activity (with their authors).
TICKET_SQL = """
    SELECT t.number, t.title, t.description, t.status, t.priority, t.customer_name,
           t.customer_email, t.customer_company, t.due_at, t.created_at,
           (SELECT json_agg(json_build_object('author', u.username, 'body', m.body,
                                              'at', m.created_at) ORDER BY m.created_at)
              FROM workspace_message m LEFT JOIN accounts_user u ON u.id = m.author_id
             WHERE m.ticket_id = t.id) AS messages,
           (SELECT json_agg(json_build_object('actor', u.username, 'kind', a.kind,
                                              'from', a.from_value, 'to', a.to_value,
                                              'at', a.created_at) ORDER BY a.created_at DESC)
              FROM tickets_activity a LEFT JOIN accounts_user u ON u.id = a.actor_id
             WHERE a.ticket_id = t.id) AS activity,
           (SELECT json_agg(json_build_object('text', i.text, 'done', i.done_at IS NOT NULL))
              FROM workspace_checklistitem i WHERE i.ticket_id = t.id) AS checklist
    FROM tickets_ticket t
    WHERE t.board_id = %s AND t.number = %s
"""

# The company metrics' answer (/api/metrics/): the boards the user administers, each board's days
# in its own time zone; per board and in total the tickets created and resolved, first response
# and resolution percentiles and SLA compliance, NPS and CSAT counts; per agent the tickets
# resolved, their average duration and boards. One statement, the answer built as JSON in it.
COMPANY_SQL = """
    WITH b AS (
        SELECT b.id, b.name, b.key, b.timezone,
               (%(from)s::date)::timestamp AT TIME ZONE b.timezone AS t0,
               (%(to)s::date + 1)::timestamp AT TIME ZONE b.timezone AS t1
        FROM boards_board b
        JOIN boards_membership m ON m.board_id = b.id AND m.user_id = %(user)s AND m.role >= 30
    ), t AS (
        SELECT t.board_id, t.created_at, t.first_response_at, t.resolved_at, t.due_at,
               t.created_at >= b.t0 AND t.created_at < b.t1 AS c,
               t.resolved_at >= b.t0 AND t.resolved_at < b.t1 AS r
        FROM tickets_ticket t JOIN b ON b.id = t.board_id
        WHERE t.archived_at IS NULL AND ((t.created_at >= b.t0 AND t.created_at < b.t1)
              OR (t.resolved_at >= b.t0 AND t.resolved_at < b.t1))
    ), tf AS (
        SELECT board_id, count(*) FILTER (WHERE c) AS created, count(*) FILTER (WHERE r) AS resolved,
               percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM first_response_at - created_at)) FILTER (WHERE c) AS fr50,
               percentile_cont(0.9) WITHIN GROUP (ORDER BY extract(epoch FROM first_response_at - created_at)) FILTER (WHERE c) AS fr90,
               percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM resolved_at - created_at)) FILTER (WHERE r) AS res50,
               percentile_cont(0.9) WITHIN GROUP (ORDER BY extract(epoch FROM resolved_at - created_at)) FILTER (WHERE r) AS res90,
               count(*) FILTER (WHERE r AND due_at IS NOT NULL) AS sla_due,
               count(*) FILTER (WHERE r AND resolved_at <= due_at) AS sla_met
        FROM t GROUP BY GROUPING SETS ((board_id), ())
    ), f AS (
        SELECT f.board_id, count(*) FILTER (WHERE kind = 'nps') AS nps_n,
               count(*) FILTER (WHERE kind = 'nps' AND score >= 9) AS promoters,
               count(*) FILTER (WHERE kind = 'nps' AND score <= 6) AS detractors,
               count(*) FILTER (WHERE kind = 'csat') AS csat_n,
               coalesce(sum(score) FILTER (WHERE kind = 'csat'), 0) AS csat_sum,
               count(*) FILTER (WHERE kind = 'csat' AND score >= 4) AS satisfied
        FROM feedback_feedbackresponse f JOIN b ON b.id = f.board_id
        WHERE f.received_at >= b.t0 AND f.received_at < b.t1
        GROUP BY GROUPING SETS ((f.board_id), ())
    ), a AS (
        SELECT u.id, u.username, u.display_name, count(*) AS resolved,
               avg(extract(epoch FROM t.resolved_at - t.created_at)) AS seconds,
               count(DISTINCT t.board_id) AS boards
        FROM tickets_ticket_assignees ta JOIN tickets_ticket t ON t.id = ta.ticket_id
        JOIN b ON b.id = t.board_id JOIN accounts_user u ON u.id = ta.user_id
        WHERE t.archived_at IS NULL AND t.resolved_at >= b.t0 AND t.resolved_at < b.t1
        GROUP BY u.id
    )
    SELECT json_build_object(
        'boards', (SELECT json_agg(json_build_object(
                'id', b.id, 'name', b.name, 'key', b.key, 'timezone', b.timezone,
                'tickets', row_to_json(tf), 'scores', row_to_json(f)) ORDER BY b.name, b.id)
            FROM b LEFT JOIN tf ON tf.board_id = b.id LEFT JOIN f ON f.board_id = b.id),
        'total', (SELECT row_to_json(tf) FROM tf WHERE board_id IS NULL),
        'scores', (SELECT row_to_json(f) FROM f WHERE board_id IS NULL),
        'agents', (SELECT json_agg(row_to_json(a) ORDER BY a.resolved DESC, a.display_name) FROM a)
    )
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


def company_baseline(request):
    params = {
        "user": int(request.GET["user"]),
        "from": request.GET["from"],
        "to": request.GET["to"],
    }
    with connection.cursor() as cursor:
        cursor.execute(COMPANY_SQL, params)
        (answer,) = cursor.fetchone()
    return HttpResponse(answer if isinstance(answer, str) else json.dumps(answer),
                        content_type="application/json")  # fmt: skip


def _page(body: list[str]) -> HttpResponse:
    return HttpResponse(
        "<!doctype html><html><head><title>Baseline</title></head><body>"
        + "".join(body)
        + "</body></html>"
    )


def cards_baseline(request, board_id):
    rows = _rows(CARDS_SQL, [int(request.GET.get("limit", 50)), board_id])
    body, column = [], None
    for row in rows:
        if row["column_id"] != column:
            if column is not None:
                body.append("</ol></section>")
            column = row["column_id"]
            body.append(f"<section><h2>{escape(row['column_name'])} {row['column_total']}</h2><ol>")
        if row["number"] is None:
            continue
        body.append(
            f'<li><a href="/boards/{board_id}/tickets/{row["number"]}/">{row["number"]} '
            f"{escape(row['title'])}</a> {row['priority']} {row['status']} "
            f"{escape(row['customer_company'])} {escape(row['customer_name'])} {row['due_at'] or ''} "
            f"{row['checklist_done']}/{row['checklist']} {row['comments']} "
            f"{escape(' '.join(row['tags']))} {escape(' '.join(row['assignees']))}</li>"
        )
    if column is not None:
        body.append("</ol></section>")
    return _page(body)


def ticket_baseline(request, board_id, number):
    (row,) = _rows(TICKET_SQL, [board_id, number])
    body = [
        f"<h1>{row['number']} {escape(row['title'])}</h1><p>{escape(row['description'])}</p>",
        f"<p>{row['status']} {row['priority']} {escape(row['customer_name'])} "
        f"{escape(row['customer_email'])} {escape(row['customer_company'])} {row['due_at'] or ''}"
        f"</p><ul>",
        *(f"<li>{escape(i['text'])} {i['done']}</li>" for i in row["checklist"] or []),
        "</ul><ol>",
        *(
            f"<li>{escape(m['author'] or '')} {m['at']} {escape(m['body'])}</li>"
            for m in row["messages"] or []
        ),
        "</ol><ol>",
        *(
            f"<li>{escape(a['actor'] or '')} {a['kind']} {escape(a['from'] or '')} "
            f"{escape(a['to'] or '')} {a['at']}</li>"
            for a in row["activity"] or []
        ),
        "</ol>",
    ]
    return _page(body)


urlpatterns = [
    path("bench/baseline/<int:board_id>/tickets/", tickets_baseline),
    path("bench/baseline/<int:board_id>/board/", board_baseline),
    path("bench/baseline/<int:board_id>/cards/", cards_baseline),
    path("bench/baseline/<int:board_id>/tickets/<int:number>/", ticket_baseline),
    path("bench/baseline/company/", company_baseline),
    *app_urlpatterns,
]
