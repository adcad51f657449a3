#!/usr/bin/env python
"""`make bench`: CS Board under its production server, driven over HTTP on loopback.

Seeds boards of 1,000 and 5,000 tickets (and a board whose columns hold 100, 1,000 and 5,000
tickets, for the moves) in a fresh PostgreSQL database, starts uvicorn (the production ASGI
server) with the production settings (workers as in the Dockerfile), and drives each case with 1
and with 20 concurrent clients for a fixed time, every request asking for gzip as a browser does.

Each read (board page, board API, ticket list API, ticket page) runs right after its
like-for-like baseline, at the same size and number of clients: the same rows, one raw SQL query,
a minimal view (bench/urls.py); its ×baseline is its p50 over the baseline's. Writes: creates and
moves, SQL statements and rows written (pg_stat_user_tables) per move and per create, a sweep of
move latency into target columns of 100, 1,000 and 5,000 tickets, and 20 clients doing every kind
of write at once on one board, whose errors must be 0 (the run fails otherwise). Page sizes: the
HTML, per card drawn, and as received on the wire with `Accept-Encoding: gzip`.

The results go to bench/results.json (`--out`); bench/compare.py sets them beside another run's
in bench/results.md. `--only` runs a subset: reads, writes, sweep, mixed, company (comma-separated).
The company case: the company metrics (API and page) of a manager over 20 boards of 500 tickets
(three time zones), after a raw SQL baseline computing the same figures in one statement.
The harness runs on the code before issue 13 too (tickets ordered by `position`, not `rank`).
"""

import argparse
import http.client
import json
import os
import random
import re
import socket
import statistics
import subprocess
import sys
import threading
import time
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DB_NAME = os.environ.get("BENCH_DB", "csboard_bench")  # its own database, dropped and rebuilt
os.environ.setdefault("DATABASE_URL", f"postgres://postgres@127.0.0.1:5432/{DB_NAME}")
os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/14")
os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"

GROUPS = ("reads", "writes", "sweep", "mixed", "company")
COMPANY_BOARDS = 20
COMPANY_TICKETS = 500  # per board
COMPANY_AGENTS = 5
COMPANY_DAYS = 56  # the company view's default range: 8 weeks
SWEEP_SIZES = (100, 1000, 5000)
SWEEP_SOURCE = 600  # tickets that the sweep's moves take, one each, from the source column
TICKET_PAGE_ROWS = 10  # chat messages, activity rows and checklist items of the ticket page


def recreate_database(name: str = DB_NAME):
    """Drop and create the benchmark's own database (never the development or test one)."""
    import psycopg2

    conn = psycopg2.connect(host="127.0.0.1", port=5432, user="postgres", dbname="postgres")
    conn.autocommit = True
    with conn.cursor() as cur:
        cur.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        cur.execute(f"CREATE DATABASE {name}")
    conn.close()


def order_field():
    """The field that orders a column's tickets, and the value of the i-th ticket (0-based):
    dense positions before issue 13, gapped ranks after."""
    from tickets import models

    names = {f.name for f in models.Ticket._meta.concrete_fields}
    if "rank" not in names:
        return "position", lambda i: i
    step = next(
        (
            value
            for name, value in vars(models).items()
            if "RANK" in name and isinstance(value, int) and value > 1
        ),
        1 << 16,
    )
    return "rank", lambda i: (i + 1) * step


def signed_in(person) -> str:
    """A session of `person`, as signing in makes one: its key, for the Cookie header."""
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    session = SessionStore()
    session[SESSION_KEY] = str(person.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = person.get_session_auth_hash()
    session.create()
    return session.session_key


def seed(sizes):
    """One board per size, the moves' board, and a user who is admin everywhere; returns what
    the cases need."""
    import django

    django.setup()
    from django.core.management import call_command

    from accounts.models import User
    from accounts.services import token_create
    from boards.services import board_create, column_create, tag_create
    from feedback.services import feedback_secret_rotate
    from tickets.models import Activity, Priority, Status, Ticket
    from workspace.models import ChecklistItem, Message

    call_command("migrate", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    user = User.objects.create_user("bench", "bench@example.com", "bench-password-1")
    helper = User.objects.create_user("helper", "helper@example.com", "bench-password-1")
    token = token_create(user=user)[1]
    field, order_value = order_field()

    rng = random.Random(42)

    def fill(board, columns, counts, tags):
        """`counts[i]` tickets in `columns[i]`, numbered from 1 in column order."""
        tickets, number = [], 0
        for column, count in zip(columns, counts, strict=True):
            for index in range(count):
                number += 1
                tickets.append(
                    Ticket(
                        board=board,
                        number=number,
                        title=f"Customer request {number}: invoice question",
                        description="A customer wrote in. " * 5,
                        column=column,
                        **{field: order_value(index)},
                        status=rng.choice(Status.values),
                        priority=rng.choice(Priority.values),
                        customer_name=f"Customer {number}",
                        customer_email=f"c{number}@example.com",
                        customer_company=f"Company {number % 97}",
                        created_by=user,
                    )
                )
        Ticket.objects.bulk_create(tickets, batch_size=1000)
        board.next_number = number + 1
        board.save(update_fields=["next_number"])
        through_a = Ticket.assignees.through
        through_t = Ticket.tags.through
        ids = list(Ticket.objects.filter(board=board).values_list("id", flat=True))
        through_a.objects.bulk_create(
            [through_a(ticket_id=i, user_id=rng.choice([user.pk, helper.pk])) for i in ids]
        )
        through_t.objects.bulk_create(
            [through_t(ticket_id=i, tag_id=rng.choice(tags).pk) for i in ids]
        )

    boards = {}
    for size in sizes:
        board = board_create(
            name=f"Bench {size}", key=f"B{size}", created_by=user, template="customer-success"
        )
        board.memberships.create(user=helper, role=20)
        columns = list(board.columns.order_by("position"))
        tags = [tag_create(board=board, name=f"tag{i}") for i in range(6)]
        counts = [size // len(columns) + (i < size % len(columns)) for i in range(len(columns))]
        fill(board, columns, counts, tags)
        # The ticket page's ticket has a conversation, a history and a checklist to draw.
        page_ticket = Ticket.objects.get(board=board, number=max(1, size // 2))
        now = page_ticket.created_at
        Message.objects.bulk_create(
            Message(board=board, ticket=page_ticket, author=user, body=f"Reply {i}: any news?")
            for i in range(TICKET_PAGE_ROWS)
        )
        Activity.objects.bulk_create(
            Activity(
                board=board,
                ticket=page_ticket,
                actor=user,
                kind=Activity.Kind.EDITED,
                from_value="",
                to_value="",
                data={},
                created_at=now,
            )
            for _ in range(TICKET_PAGE_ROWS)
        )
        ChecklistItem.objects.bulk_create(
            ChecklistItem(ticket=page_ticket, text=f"Step {i}", position=i)
            for i in range(TICKET_PAGE_ROWS)
        )
        boards[size] = {
            "id": board.pk,
            "columns": [c.pk for c in columns],
            "size": size,
            "page_ticket": page_ticket.number,
            "feedback_secret": feedback_secret_rotate(board=board),
        }
    # The moves' board: a source column, and target columns of 100, 1,000 and 5,000 tickets
    # (no WIP limits), numbered in that order.
    board = board_create(name="Moves", key="MOVES", created_by=user, template="customer-success")
    source = column_create(board=board, name="Source")
    targets = [column_create(board=board, name=f"{n:,} tickets") for n in SWEEP_SIZES]
    fill(
        board, [source, *targets], [SWEEP_SOURCE, *SWEEP_SIZES], [tag_create(board=board, name="t")]
    )
    moves = {
        "id": board.pk,
        "source": list(range(1, SWEEP_SOURCE + 1)),
        "targets": {n: c.pk for n, c in zip(SWEEP_SIZES, targets, strict=True)},
    }
    spare = [
        User.objects.create_user(f"spare{index}", f"spare{index}@example.com").username
        for index in range(MIXED_CLIENTS)
    ]
    return {
        "spare_users": spare,
        "user": user.pk,
        "token": token,
        "session": signed_in(user),
        "boards": boards,
        "moves": moves,
        "order_field": field,
    }


def reads_for(board, user_id):
    """(name, path, auth, baseline) of the reads of one board, each after its baseline."""
    bid = board["id"]
    base = f"/bench/baseline/{bid}"
    number = board["page_ticket"]
    return [
        ("baseline: cards (raw SQL, minimal HTML)", f"{base}/cards/?limit=50", "session", True),
        ("board page (HTML)", f"/boards/{bid}/", "session", False),
        ("baseline: board and columns (raw SQL)", f"{base}/board/?user={user_id}", "token", True),
        ("board API", f"/api/boards/{bid}/", "token", False),
        (
            "baseline: ticket rows (raw SQL, 50 rows)",
            f"{base}/tickets/?page_size=50",
            "token",
            True,
        ),
        (
            "ticket list API, first page (50 rows)",
            f"/api/boards/{bid}/tickets/?page_size=50",
            "token",
            False,
        ),
        (
            "baseline: ticket and its rows (raw SQL, minimal HTML)",
            f"{base}/tickets/{number}/",
            "session",
            True,
        ),
        ("ticket page (HTML)", f"/boards/{bid}/tickets/{number}/", "session", False),
        ("filtered list API", f"/api/boards/{bid}/tickets/?priority=high&q=invoice", "token", None),
    ]


def seed_company(boards=COMPANY_BOARDS, per_board=COMPANY_TICKETS):
    """A manager who administers `boards` boards (a third each in UTC, Paris and Tokyo, so that
    the days of the range differ by board) of `per_board` tickets over the last 8 weeks: each
    answered, two in three resolved, most with a due date, assigned to one of the agents; and
    100 NPS and CSAT answers a board. Returns what the company cases need."""
    from datetime import timedelta

    from django.utils import timezone

    from accounts.models import User
    from accounts.services import token_create
    from boards.services import board_create
    from feedback.models import FeedbackResponse
    from tickets.models import Ticket

    rng = random.Random(17)
    manager = User.objects.create_user("manager", "manager@example.com", "bench-password-1")
    agents = [
        User.objects.create_user(f"agent{i}", f"agent{i}@example.com", "bench-password-1")
        for i in range(COMPANY_AGENTS)
    ]
    now = timezone.now()
    for index in range(boards):
        board = board_create(
            name=f"Company {index:02}", key=f"CO{index:02}", created_by=manager,
            template="customer-success",
            timezone=("UTC", "Europe/Paris", "Asia/Tokyo")[index % 3],
        )  # fmt: skip
        for agent in agents:
            board.memberships.create(user=agent, role=20)
        column = board.columns.order_by("position").first()
        tickets, created_at = [], {}
        for number in range(1, per_board + 1):
            created = created_at[number] = now - timedelta(
                minutes=rng.randint(60, COMPANY_DAYS * 24 * 60)
            )
            resolved = created + timedelta(minutes=rng.randint(30, 7 * 24 * 60))
            tickets.append(
                Ticket(
                    board=board, number=number, title=f"Request {number}", column=column,
                    rank=number << 16, customer_email=f"c{number}@example.com",
                    created_by=manager,
                    first_response_at=created + timedelta(minutes=rng.randint(5, 600)),
                    resolved_at=resolved if number % 3 and resolved < now else None,
                    due_at=created + timedelta(days=2) if number % 4 else None,
                )
            )  # fmt: skip
        Ticket.objects.bulk_create(tickets, batch_size=1000)
        # created_at is stamped on insert (auto_now_add): each ticket's own set back after it.
        stored = list(Ticket.objects.filter(board=board).only("pk", "number"))
        for ticket in stored:
            ticket.created_at = created_at[ticket.number]
        Ticket.objects.bulk_update(stored, ["created_at"], batch_size=1000)
        through = Ticket.assignees.through
        through.objects.bulk_create(
            through(ticket_id=pk, user_id=rng.choice(agents).pk)
            for pk in Ticket.objects.filter(board=board).values_list("pk", flat=True)
        )
        FeedbackResponse.objects.bulk_create(
            FeedbackResponse(
                board=board, kind=kind, score=rng.randint(0, 10) if kind == "nps" else rng.randint(1, 5),
                email=f"f{i}@example.com",
                received_at=now - timedelta(minutes=rng.randint(60, COMPANY_DAYS * 24 * 60)),
            )
            for i in range(100) for kind in ("nps", "csat")
        )  # fmt: skip
        board.next_number = per_board + 1
        board.save(update_fields=["next_number"])
    today = timezone.localdate()
    return {
        "user": manager.pk,
        "token": token_create(user=manager)[1],
        "session": signed_in(manager),
        "from": str(today - timedelta(days=COMPANY_DAYS)),
        "to": str(today),
        "tickets": boards * per_board,
    }


def company_reads(company):
    """(name, path, auth, baseline) of the company view over its boards, after its baseline."""
    query = f"from={company['from']}&to={company['to']}"
    return [
        (
            f"baseline: company metrics, {COMPANY_BOARDS} boards (raw SQL, JSON)",
            f"/bench/baseline/company/?user={company['user']}&{query}",
            "token",
            True,
        ),
        (f"company metrics API, {COMPANY_BOARDS} boards", f"/api/metrics/?{query}", "token", False),
        (f"company metrics page (HTML), {COMPANY_BOARDS} boards", f"/metrics/?{query}", "session", None),
    ]  # fmt: skip


MIXED_CLIENTS = 20
MIXED_CASE = f"mixed writes, {MIXED_CLIENTS} clients on one board"
# Answers a correct client gets while others write the same board: a full WIP column or a
# ticket moved meanwhile (409), a ticket deleted meanwhile (404). Anything else is an error.
EXPECTED_REFUSALS = {404, 409}


def mixed_writers(board, ctx):
    """One function per kind of write; each sends its request(s) through `send(method, path,
    body, kind)` and returns nothing. Targets are the seeded tickets (never deleted); a client
    deletes only tickets it created, and changes the membership of a user of its own."""
    bid, columns, size = board["id"], board["columns"], board["size"]
    base = f"/api/boards/{bid}"

    def ticket():
        return f"{base}/tickets/{random.randint(1, size)}/"

    def create_and_delete(send, index):
        status, body = send("POST", f"{base}/tickets/", {"title": "Mixed"}, "create")
        if status == 201 and random.random() < 0.5:
            send("DELETE", f"{base}/tickets/{body['number']}/", None, "delete")

    def move(send, index):
        body = {"column": random.choice(columns), "position": random.randint(0, 5)}
        send("POST", f"{ticket()}move/", body, "move")

    def edit(send, index):
        send("PATCH", ticket(), {"title": f"Edited {random.random():.6f}"}, "edit")

    def comment(send, index):
        send("POST", f"{ticket()}comments/", {"body": "Any news?"}, "comment")

    def checklist(send, index):
        url = f"{ticket()}checklist/"
        status, body = send("POST", url, {"text": "Call back"}, "checklist")
        if status == 201:
            send("PATCH", f"{url}{body['id']}/", {"done": True, "position": 0}, "checklist")

    def chat(send, index):
        send("POST", f"{base}/messages/", {"body": "Standup in 5"}, "chat")

    def attachment(send, index):
        send("POST", f"{ticket()}attachments/", ("notes.txt", b"notes"), "attachment")

    def feedback(send, index):
        body = {"kind": "nps", "score": random.choice([2, 9]), "email": "c@example.com"}
        send("POST", f"{base}/feedback/intake/", body, "feedback")

    def members(send, index):
        user = ctx["spare_users"][index]
        status, body = send("POST", f"{base}/members/", {"user": user}, "member")
        if status == 201:
            send("PATCH", f"{base}/members/{body['id']}/", {"role": "guest"}, "member")
            send("DELETE", f"{base}/members/{body['id']}/", None, "member")

    return [create_and_delete, move, edit, comment, checklist, chat, attachment, feedback, members]


def _encode(body):
    """JSON, or for a (name, bytes) pair a multipart upload of that one file."""
    if isinstance(body, tuple):
        name, content = body
        boundary = "csboard-bench-boundary"
        data = (
            (
                f'--{boundary}\r\nContent-Disposition: form-data; name="files"; filename="{name}"'
                f"\r\nContent-Type: text/plain\r\n\r\n"
            ).encode()
            + content
            + f"\r\n--{boundary}--\r\n".encode()
        )
        return data, f"multipart/form-data; boundary={boundary}"
    return (json.dumps(body) if body is not None else None), "application/json"


def drive_mixed(port, board, ctx, seconds, clients=MIXED_CLIENTS):
    """`clients` clients at once on one board, each doing one kind of write again and again
    (all kinds at once); returns the case's numbers and its errors by kind of write."""
    writers = mixed_writers(board, ctx)
    latencies, errors, answers = [], Counter(), Counter()
    lock = threading.Lock()
    deadline = time.perf_counter() + seconds

    def worker(index):
        auth = {"Authorization": f"Token {ctx['token']}", "Host": "127.0.0.1"}
        secret = {"X-Feedback-Secret": board["feedback_secret"], "Host": "127.0.0.1"}

        def send(method, path, body, kind):
            data, content_type = _encode(body)
            headers = {**(secret if kind == "feedback" else auth), "Content-Type": content_type}
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
            start = time.perf_counter()
            conn.request(method, path, body=data, headers=headers)
            response = conn.getresponse()
            payload = response.read()
            elapsed = time.perf_counter() - start
            conn.close()
            with lock:
                latencies.append(elapsed)
                answers[kind] += 1
                if response.status >= 400 and response.status not in EXPECTED_REFUSALS:
                    errors[f"{kind} {response.status}"] += 1
            parsed = json.loads(payload) if payload.startswith(b"{") else None
            return response.status, parsed

        write = writers[index % len(writers)]
        while time.perf_counter() < deadline:
            write(send, index)

    return {
        **run_clients(worker, clients, latencies),
        "errors": sum(errors.values()),
        "errors_by_kind": dict(errors),
        "requests_by_kind": dict(answers),
    }


def run_clients(worker, clients: int, latencies: list) -> dict:
    """Run `worker(index)` in `clients` threads until they finish; the latencies they filled
    in, as requests, requests per second and p50/p95."""
    threads = [threading.Thread(target=worker, args=(i,)) for i in range(clients)]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - started
    latencies.sort()
    return {
        "requests": len(latencies),
        "rps": len(latencies) / wall,
        "p50_ms": 1000 * statistics.median(latencies),
        "p95_ms": 1000 * latencies[int(0.95 * (len(latencies) - 1))],
    }


def headers_for(auth, ctx):
    if auth == "session":
        return {"Cookie": f"sessionid={ctx['session']}"}
    return {"Authorization": f"Token {ctx['token']}"}


def in_process(method, path, auth, ctx, body=None):
    """One request in-process with Django's test client: the response and its SQL statements."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(HTTP_HOST="127.0.0.1")
    extra = {"HTTP_" + k.upper().replace("-", "_"): v for k, v in headers_for(auth, ctx).items()}
    with CaptureQueriesContext(connection) as queries:
        if method == "GET":
            response = client.get(path, **extra)
        else:
            response = client.post(path, json.dumps(body), content_type="application/json", **extra)
    if response.status_code >= 400:
        raise SystemExit(f"{method} {path} answered {response.status_code}")
    return response, len(queries)


def cards_in(html: bytes, board_id: int) -> int:
    """The ticket cards a page draws: the tickets it links to."""
    return len(set(re.findall(rb"/boards/%d/tickets/(\d+)/" % board_id, html)))


def wire(port, path, auth, ctx) -> dict:
    """One GET over HTTP asking for gzip: the bytes received (headers and body) and the
    encoding answered."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    headers = {**headers_for(auth, ctx), "Host": "127.0.0.1", "Accept-Encoding": "gzip"}
    conn.request("GET", path, headers=headers)
    response = conn.getresponse()
    body = response.read()  # http.client does not decode: these are the bytes sent
    head = sum(len(k) + len(v) + 4 for k, v in response.getheaders())
    conn.close()
    return {
        "wire_kb": (len(body) + head) / 1024,
        "encoding": response.getheader("Content-Encoding") or "identity",
        "vary": response.getheader("Vary") or "",
    }


def drive(port, request_for, auth, ctx, seconds, clients, method="GET"):
    """`clients` clients sending `request_for()` ((path, body)) again and again for `seconds`."""
    headers = {
        **headers_for(auth, ctx),
        "Content-Type": "application/json",
        "Host": "127.0.0.1",
        "Accept-Encoding": "gzip",
    }
    latencies, errors = [], []
    lock = threading.Lock()
    deadline = time.perf_counter() + seconds

    def worker(_index):
        mine, bad = [], 0
        while time.perf_counter() < deadline:
            path, body = request_for()
            data = json.dumps(body) if body is not None else None
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
            start = time.perf_counter()
            conn.request(method, path, body=data, headers=headers)
            response = conn.getresponse()
            response.read()
            elapsed = time.perf_counter() - start
            conn.close()
            if response.status >= 400 and response.status != 409:
                bad += 1
            mine.append(elapsed)
        with lock:
            latencies.extend(mine)
            errors.append(bad)

    return {**run_clients(worker, clients, latencies), "errors": sum(errors)}


def rows_written() -> int:
    """Rows inserted, updated and deleted in every table so far, as PostgreSQL counts them: this
    backend's pending counters flushed first, then a fresh snapshot."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_stat_force_next_flush()")
        cursor.execute("SELECT pg_stat_clear_snapshot()")
        cursor.execute(
            "SELECT sum(n_tup_ins + n_tup_upd + n_tup_del), "
            "json_object_agg(relname, n_tup_ins + n_tup_upd + n_tup_del) "
            "FROM pg_stat_user_tables"
        )
        total, by_table = cursor.fetchone()
    return int(total), by_table


def written_by(method, path, body, ctx) -> dict:
    """One write in-process (the server not started yet: no other backend writes meanwhile):
    its SQL statements, and the rows it wrote, in all and by table."""
    before, before_by = rows_written()
    _response, statements = in_process(method, path, "token", ctx, body)
    after, after_by = rows_written()
    tables = {t: n - before_by.get(t, 0) for t, n in after_by.items() if n != before_by.get(t, 0)}
    return {"statements": statements, "rows_written": after - before, "tables": tables}


def write_accounting(ctx, groups) -> list[dict]:
    """Statements and rows written per move (to the top of each sweep column) and per create,
    each the median of 3 requests."""
    rows = []
    moves = ctx["moves"]
    mid = f"/api/boards/{moves['id']}"
    cases = [
        (
            f"move to the top of a {n:,}-ticket column",
            n,
            lambda n=n: (
                f"{mid}/tickets/{moves['source'].pop()}/move/",
                {"column": moves["targets"][n], "position": 0},
            ),
        )
        for n in SWEEP_SIZES
    ]
    for size, board in ctx["boards"].items():
        cases.append(
            (
                "ticket create API",
                size,
                lambda b=board: (f"/api/boards/{b['id']}/tickets/", {"title": "Counted"}),
            )
        )
    for name, size, request_for in cases:
        runs = [written_by("POST", *request_for(), ctx) for _ in range(3)]
        runs.sort(key=lambda r: r["rows_written"])
        median = runs[1]
        rows.append({"group": "writes", "case": name, "size": size, "clients": 1, **median})
        print(
            f"{size:>5} {name:<45} {median['statements']} statements, "
            f"{median['rows_written']} rows written {median['tables']}",
            flush=True,
        )
    return rows


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(workers):
    port = free_port()
    uvicorn = Path(sys.executable).with_name("uvicorn")
    server = subprocess.Popen(
        [
            str(uvicorn),
            "csboard.asgi:application",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--workers",
            str(workers),
            "--log-level",
            "warning",
            "--no-access-log",
        ],
        cwd=ROOT,
        env=os.environ.copy(),
    )
    for _ in range(100):
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/healthz", headers={"Host": "127.0.0.1"})
            if conn.getresponse().status == 200:
                return server, port
        except OSError:
            time.sleep(0.2)
    server.terminate()
    raise SystemExit("uvicorn did not come up")


def report(row):
    extra = ""
    if row.get("ratio") is not None:
        extra += f"  ×{row['ratio']:.2f}"
    if row.get("cards"):
        extra += (
            f"  {row['html_kb']:.0f} KB, {row['cards']} cards, {row['kb_per_card']:.2f} KB a card,"
            f" {row['wire_kb']:.0f} KB on the wire ({row['encoding']})"
        )
    print(
        f"{row['size']:>5} {row['clients']:>2}c {row['case']:<52} {row['rps']:6.0f} req/s  "
        f"p50 {row['p50_ms']:7.1f} ms  p95 {row['p95_ms']:7.1f} ms  "
        f"{row.get('statements', '—')} statements{extra}",
        flush=True,
    )


def run_cases(port, ctx, cases, size, clients, seconds, board_id=None) -> list[dict]:
    """Each read of `cases` ((name, path, auth, baseline)) in turn, its ×baseline against the
    baseline run just before it."""
    rows, baseline_p50 = [], None
    for name, path, auth, is_baseline in cases:
        response, statements = in_process("GET", path, auth, ctx)
        row = {
            "group": "reads",
            "case": name,
            "size": size,
            "clients": clients,
            "statements": statements,
            "baseline": is_baseline,
        }
        if response["Content-Type"].startswith("text/html"):
            html = response.content
            drawn = board_id is not None and ("board" in name or "cards" in name)
            cards = cards_in(html, board_id) if drawn else 0
            row |= {
                "html_kb": len(html) / 1024,
                "cards": cards,
                "kb_per_card": len(html) / 1024 / cards if cards else None,
            }
        row |= wire(port, path, auth, ctx)
        row |= drive(port, lambda p=path: (p, None), auth, ctx, seconds, clients)
        if is_baseline:
            baseline_p50 = row["p50_ms"]
            row["ratio"] = 1.0
        else:
            row["ratio"] = row["p50_ms"] / baseline_p50 if is_baseline is False else None
        rows.append(row)
        report(row)
    return rows


def run_reads(port, ctx, sizes, client_counts, seconds) -> list[dict]:
    rows = []
    for size in sizes:
        board = ctx["boards"][size]
        for clients in client_counts:
            cases = reads_for(board, ctx["user"])
            rows += run_cases(port, ctx, cases, size, clients, seconds, board_id=board["id"])
    return rows


def run_company(port, ctx, client_counts, seconds) -> list[dict]:
    """The company metrics over COMPANY_BOARDS boards, as their manager reads them."""
    company = ctx["company"]
    as_manager = {**ctx, "token": company["token"], "session": company["session"]}
    rows = []
    for clients in client_counts:
        cases = company_reads(company)
        rows += run_cases(port, as_manager, cases, company["tickets"], clients, seconds)
    return rows


def run_writes(port, ctx, sizes, seconds) -> list[dict]:
    """Creates, and moves of a random ticket to the top of a random column, 1 client."""
    rows = []
    for size in sizes:
        board = ctx["boards"][size]
        bid, columns = board["id"], board["columns"]

        def create(bid=bid):
            return f"/api/boards/{bid}/tickets/", {"title": "Benchmark ticket"}

        def move(bid=bid, columns=columns, size=size):
            number = random.randint(1, size)
            return f"/api/boards/{bid}/tickets/{number}/move/", {
                "column": random.choice(columns),
                "position": 0,
            }

        for name, request_for in (("ticket create API", create), ("ticket move API", move)):
            row = {"group": "writes-latency", "case": name, "size": size, "clients": 1}
            row |= drive(port, request_for, "token", ctx, seconds, 1, method="POST")
            rows.append(row)
            report(row)
    return rows


def run_sweep(port, ctx, seconds) -> list[dict]:
    """Moves of source tickets, one client, to the top of target columns of 100, 1,000 and
    5,000 tickets (each move adds one: the sizes hold within a few per cent)."""
    rows = []
    moves = ctx["moves"]
    mid = f"/api/boards/{moves['id']}"
    for n in SWEEP_SIZES:

        def move(n=n):
            number = moves["source"].pop() if moves["source"] else random.randint(1, SWEEP_SOURCE)
            return f"{mid}/tickets/{number}/move/", {"column": moves["targets"][n], "position": 0}

        row = {"group": "sweep", "case": f"move to the top of a {n:,}-ticket column"}
        row |= {"size": n, "clients": 1}
        row |= drive(port, move, "token", ctx, seconds, 1, method="POST")
        rows.append(row)
        report(row)
    return rows


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,5000")
    parser.add_argument("--clients", default="1,20", help="numbers of concurrent clients")
    parser.add_argument("--seconds", type=float, default=4.0, help="per case")
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--only", default=",".join(GROUPS), help=f"a subset of {','.join(GROUPS)}")
    parser.add_argument("--out", default=str(ROOT / "bench" / "results.json"))
    parser.add_argument("--label", default="", help="what code this run measured")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    client_counts = [int(c) for c in args.clients.split(",")]
    groups = set(args.only.split(","))
    if groups - set(GROUPS):
        raise SystemExit(f"--only takes {', '.join(GROUPS)}")

    started = time.perf_counter()
    recreate_database()
    ctx = seed(sizes)
    if "company" in groups:
        ctx["company"] = seed_company()
    seeded = time.perf_counter() - started
    rows = write_accounting(ctx, groups) if groups & {"writes", "sweep"} else []
    server, port = start_server(args.workers)
    try:
        if "reads" in groups:
            rows += run_reads(port, ctx, sizes, client_counts, args.seconds)
        if "company" in groups:
            rows += run_company(port, ctx, client_counts, args.seconds)
        if "writes" in groups:
            rows += run_writes(port, ctx, sizes, args.seconds)
        if "sweep" in groups:
            rows += run_sweep(port, ctx, args.seconds)
        if "mixed" in groups:
            size = 1000 if 1000 in sizes else sizes[0]
            row = {"group": "mixed", "case": MIXED_CASE, "size": size, "clients": MIXED_CLIENTS}
            row |= drive_mixed(port, ctx["boards"][size], ctx, args.seconds)
            rows.append(row)
            report(row)
            print(f"      errors: {row['errors_by_kind'] or 0}", flush=True)
    finally:
        server.terminate()
        server.wait(timeout=10)
    meta = {
        "label": args.label,
        "when": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "commit": subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
        ).stdout.strip(),
        "order_field": ctx["order_field"],
        "workers": args.workers,
        "seconds": args.seconds,
        "clients": client_counts,
        "sizes": sizes,
        "cores": os.cpu_count(),
        "seed_s": round(seeded),
        "total_s": round(time.perf_counter() - started),
    }
    Path(args.out).write_text(json.dumps({"meta": meta, "rows": rows}, indent=2) + "\n")
    print(f"{args.out}: {len(rows)} rows in {meta['total_s']} s (seeding {meta['seed_s']} s)")
    failed = sum(row.get("errors", 0) for row in rows)
    if failed:
        raise SystemExit(f"{failed} request(s) answered with an error: see {args.out}")


if __name__ == "__main__":
    main()
