#!/usr/bin/env python
"""`make bench`: CS Board under its production server, driven over HTTP on loopback.

Seeds boards of 100, 1,000 and 5,000 tickets in a fresh PostgreSQL database, starts uvicorn (the production ASGI server) with
the production settings (workers as in the Dockerfile), and drives each case with concurrent
clients for a fixed time. For every case it reports requests per second, p50 and p95 latency,
SQL queries per request (counted in-process with Django's test client), and, for an API case, the
ratio of its p50 to its baseline's: the same rows it answers with, fetched with one raw SQL query
and written out as JSON by a minimal Django view (bench/urls.py): the ticket rows of a list page
for the ticket list API, the board and its columns for the board API. Cases with no like-for-like
baseline (pages, writes, the filtered list) show none. A last case has 20 clients do every
kind of write at once on one board (creates, deletes, moves, edits, comments, checklists, chat,
attachments, feedback intake, member changes) and counts its errors, which must be 0 (`make
bench` fails otherwise). Results go to bench/results.md and bench/results.json.
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
import textwrap
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


def recreate_database(name: str = DB_NAME):
    """Drop and create the benchmark's own database (never the development or test one)."""
    import psycopg2

    conn = psycopg2.connect(host="127.0.0.1", port=5432, user="postgres", dbname="postgres")
    conn.autocommit = True
    with conn.cursor() as cur:
        cur.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        cur.execute(f"CREATE DATABASE {name}")
    conn.close()


def seed(sizes):
    """One board per size, plus a user who is admin everywhere; returns what the cases need."""
    import django

    django.setup()
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django.core.management import call_command

    from accounts.models import User
    from accounts.services import token_create
    from boards.services import board_create, tag_create
    from feedback.services import feedback_secret_rotate
    from tickets.models import Priority, Status, Ticket

    call_command("migrate", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    user = User.objects.create_user("bench", "bench@example.com", "bench-password-1")
    helper = User.objects.create_user("helper", "helper@example.com", "bench-password-1")
    token = token_create(user=user)[1]
    # The helper (a member everywhere) prefers the zoomed-out board: reference and title only.
    helper.preferences = {"board_zoomed_out": True}
    helper.save(update_fields=["preferences"])

    def signed_in(person):
        session = SessionStore()
        session[SESSION_KEY] = str(person.pk)
        session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        session[HASH_SESSION_KEY] = person.get_session_auth_hash()
        session.create()
        return session.session_key

    rng = random.Random(42)
    boards = {}
    for size in sizes:
        board = board_create(
            name=f"Bench {size}",
            key=f"B{size}",
            created_by=user,
            template="customer-success",
        )
        board.memberships.create(user=helper, role=20)
        columns = list(board.columns.order_by("position"))
        tags = [tag_create(board=board, name=f"tag{i}") for i in range(6)]
        tickets = []
        for number in range(1, size + 1):
            column = columns[number % len(columns)]
            tickets.append(
                Ticket(
                    board=board,
                    number=number,
                    title=f"Customer request {number}: invoice question",
                    description="A customer wrote in. " * 5,
                    column=column,
                    position=number // len(columns),
                    status=rng.choice(Status.values),
                    priority=rng.choice(Priority.values),
                    customer_name=f"Customer {number}",
                    customer_email=f"c{number}@example.com",
                    customer_company=f"Company {number % 97}",
                    created_by=user,
                )
            )
        Ticket.objects.bulk_create(tickets, batch_size=1000)
        board.next_number = size + 1
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
        boards[size] = {
            "id": board.pk,
            "columns": [c.pk for c in columns],
            "size": size,
            "feedback_secret": feedback_secret_rotate(board=board),
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
        "zoom_session": signed_in(helper),
        "boards": boards,
    }


TICKET_ROWS = "baseline: ticket rows (raw SQL, 50 rows)"
BOARD_ROWS = "baseline: board and columns (raw SQL)"


def cases_for(board, user_id):
    """(name, method, path, body factory or None, auth, baseline it is compared with) for one
    board; the baselines come first, so that their p50 is known when the others run."""
    bid, columns, size = board["id"], board["columns"], board["size"]

    def create_body():
        return {"title": "Benchmark ticket"}

    def move_target():
        number = random.randint(1, size)
        return f"/api/boards/{bid}/tickets/{number}/move/", {
            "column": random.choice(columns),
            "position": 0,
        }

    baseline = f"/bench/baseline/{bid}"
    return [
        (TICKET_ROWS, "GET", f"{baseline}/tickets/?page_size=50", None, "token", TICKET_ROWS),
        (BOARD_ROWS, "GET", f"{baseline}/board/?user={user_id}", None, "token", BOARD_ROWS),
        ("board page (HTML)", "GET", f"/boards/{bid}/", None, "session", None),
        ("board page, zoomed out (HTML)", "GET", f"/boards/{bid}/", None, "zoom_session", None),
        ("board API", "GET", f"/api/boards/{bid}/", None, "token", BOARD_ROWS),
        (
            "ticket list API (50 rows)",
            "GET",
            f"/api/boards/{bid}/tickets/?page_size=50",
            None,
            "token",
            TICKET_ROWS,
        ),
        (
            "filtered list API",
            "GET",
            f"/api/boards/{bid}/tickets/?priority=high&q=invoice",
            None,
            "token",
            None,
        ),
        (
            "ticket page (HTML)",
            "GET",
            f"/boards/{bid}/tickets/{max(1, size // 2)}/",
            None,
            "session",
            None,
        ),
        ("ticket create API", "POST", f"/api/boards/{bid}/tickets/", create_body, "token", None),
        ("ticket move API", "POST", None, move_target, "token", None),
    ]


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
    if auth in ("session", "zoom_session"):
        return {"Cookie": f"sessionid={ctx[auth]}"}
    return {"Authorization": f"Token {ctx['token']}"}


def resolve(path, body_factory):
    if path is None:  # the move case picks its ticket and column per request
        return body_factory()
    return path, body_factory() if body_factory else None


def measure(case, ctx):
    """One request of this case, in-process: its SQL queries, and for a page its HTML size and
    the number of ticket cards it draws (the zoomed-out board must stay usable)."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    name, method, path, body_factory, auth, _baseline = case
    client = Client(HTTP_HOST="127.0.0.1")
    extra = {"HTTP_" + k.upper().replace("-", "_"): v for k, v in headers_for(auth, ctx).items()}
    path, body = resolve(path, body_factory)
    with CaptureQueriesContext(connection) as queries:
        if method == "GET":
            response = client.get(path, **extra)
        else:
            response = client.post(path, json.dumps(body), content_type="application/json", **extra)
    if response.status_code >= 400:
        raise SystemExit(f"{name}: {method} {path} answered {response.status_code}")
    page = {"html_kb": None, "cards": None}
    if response["Content-Type"].startswith("text/html"):
        page = {
            "html_kb": len(response.content) / 1024,
            "cards": response.content.count(b'class="column__item"'),
        }
    return len(queries), page


def drive(port, case, ctx, seconds, clients):
    _name, method, path, body_factory, auth, _baseline = case
    headers = {**headers_for(auth, ctx), "Content-Type": "application/json", "Host": "127.0.0.1"}
    latencies, errors = [], []
    lock = threading.Lock()
    deadline = time.perf_counter() + seconds

    def worker(_index):
        mine, bad = [], 0
        while time.perf_counter() < deadline:
            req_path, body = resolve(path, body_factory)
            data = json.dumps(body) if body is not None else None
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            start = time.perf_counter()
            conn.request(method, req_path, body=data, headers=headers)
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


def write_results(rows, args):
    stamp = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    lines = [
        "# Benchmark results",
        "",
        f"`make bench`, {stamp}: uvicorn (ASGI) with {args.workers} workers (production settings) on",
        f"loopback, PostgreSQL and Redis on the same machine, {args.clients} concurrent clients for",
        f"{args.seconds} s per case, {os.cpu_count()} cores. Latencies are whole HTTP requests, one",
        "connection each. Queries are SQL queries per request. ×baseline is the case's p50 over the",
        "p50 of the baseline named beside it: the same rows the API case answers with, one raw SQL",
        "query, JSON, a minimal view (the ticket rows of a 50-row page for the ticket list API; the",
        "board and its columns with their ticket counts for the board API). Pages, writes and the",
        "filtered list have no like-for-like baseline.",
        "",
        "HTML KB and cards: the page's size and the ticket cards it draws (the rest of a long",
        'column behind "Show N more").',
        "",
        "| tickets | case | req/s | p50 ms | p95 ms | queries | ×baseline | baseline | errors "
        "| HTML KB | cards |",
        "| ---: | --- | ---: | ---: | ---: | ---: | ---: | --- | ---: | ---: | ---: |",
    ]
    for r in rows:
        ratio = "—" if r["ratio"] is None else f"{r['ratio']:.2f}"
        baseline = (
            "—" if r["baseline"] in (None, r["case"]) else r["baseline"].removeprefix("baseline: ")
        )
        kb = f"{r['html_kb']:.0f}" if r.get("html_kb") is not None else ""
        cards = r.get("cards") if r.get("cards") is not None else ""
        lines.append(
            f"| {r['size']:,} | {r['case']} | {r['rps']:.0f} | {r['p50_ms']:.1f} | "
            f"{r['p95_ms']:.1f} | {r['queries']} | {ratio} | {baseline} | {r['errors']} | "
            f"{kb} | {cards} |"
        )
    for r in rows:
        if "requests_by_kind" in r:
            kinds = ", ".join(
                f"{kind} {count}" for kind, count in sorted(r["requests_by_kind"].items())
            )
            note = (
                f"{r['case'].capitalize()} ({r['size']:,} tickets): each client does one kind of "
                "write again and again, all kinds at once (a 409 for a full column or a ticket "
                "moved meanwhile, and a 404 for one deleted meanwhile, are answers, not errors). "
                f"Requests by kind: {kinds}. Errors: {r['errors']}"
                + (f" ({r['errors_by_kind']})" if r["errors"] else "")
                + "."
            )
            lines += ["", *textwrap.wrap(note, width=96)]
    # Other benchmarks (bench/sla_sweep.py) keep their own sections between markers.
    path = ROOT / "bench" / "results.md"
    previous = path.read_text() if path.exists() else ""
    own = "".join(re.findall(r"\n<!-- begin:.*?<!-- end:[^>]*-->\n", previous, re.S))
    path.write_text("\n".join(lines) + "\n" + own)
    (ROOT / "bench" / "results.json").write_text(json.dumps(rows, indent=2) + "\n")
    print("\n".join(lines))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100,1000,5000")
    parser.add_argument("--seconds", type=float, default=4.0)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--workers", type=int, default=3)
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]

    recreate_database()
    ctx = seed(sizes)
    server, port = start_server(args.workers)
    rows = []
    try:
        for size in sizes:
            baseline_p50 = {}
            for case in cases_for(ctx["boards"][size], ctx["user"]):
                name, baseline = case[0], case[-1]
                queries, page = measure(case, ctx)
                result = drive(port, case, ctx, args.seconds, args.clients)
                if name == baseline:
                    baseline_p50[name] = result["p50_ms"]
                rows.append(
                    {
                        "size": size,
                        "case": name,
                        "queries": queries,
                        "baseline": baseline,
                        "ratio": result["p50_ms"] / baseline_p50[baseline] if baseline else None,
                        **page,
                        **result,
                    }
                )
                print(
                    f"{size:>5} {name:<40} {result['rps']:7.0f} req/s  "
                    f"p50 {result['p50_ms']:6.1f} ms  p95 {result['p95_ms']:6.1f} ms  "
                    f"{queries} queries"
                    + (
                        f"  {page['html_kb']:.0f} KB, {page['cards']} cards"
                        if page["cards"]
                        else ""
                    ),
                    flush=True,
                )
        # The team case: every kind of write at once on one board (1,000 tickets if seeded).
        size = 1000 if 1000 in sizes else sizes[0]
        result = drive_mixed(port, ctx["boards"][size], ctx, args.seconds)
        rows.append(
            {"size": size, "case": MIXED_CASE, "queries": "—", "baseline": None, "ratio": None}
            | result
        )
        print(
            f"{size:>5} {MIXED_CASE:<40} {result['rps']:7.0f} req/s  "
            f"p50 {result['p50_ms']:6.1f} ms  p95 {result['p95_ms']:6.1f} ms  "
            f"{result['errors']} errors {result['errors_by_kind'] or ''}",
            flush=True,
        )
    finally:
        server.terminate()
        server.wait(timeout=10)
    write_results(rows, args)
    failed = sum(row["errors"] for row in rows)
    if failed:
        raise SystemExit(f"{failed} request(s) answered with an error: see bench/results.md")


if __name__ == "__main__":
    main()
