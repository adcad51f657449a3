"""The embedded default of `make run`: SQLite and no Redis, under the local settings, for real (a
database file of its own, in subprocesses: never the test suite's PostgreSQL)."""

import contextlib
import http.cookiejar
import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from django.conf import settings

from csboard.celery import app

pytestmark = pytest.mark.system

ROOT = Path(__file__).resolve().parents[2]
LOAD = Path(__file__).with_name("sqlite_load.py")
SERVE = ROOT / "scripts" / "serve.py"
VENV_BIN = Path(sys.executable).parent


def _local_env(tmp_path: Path, **env) -> dict:
    inherited = {
        k: v
        for k, v in os.environ.items()
        if k not in {"REDIS_URL", "DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE", "SITE_URL"}
    }
    return {
        **inherited,
        "DJANGO_SETTINGS_MODULE": "csboard.settings.local",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'csboard.sqlite3'}",
        "EMAIL_URL": "memorymail://",
        **env,
    }


def _python(tmp_path: Path, *args, **env) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, *args],
        cwd=ROOT,
        env=_local_env(tmp_path, **env),
        capture_output=True,
        text=True,
        timeout=120,
    )


def _json(result: subprocess.CompletedProcess):
    assert result.returncode == 0, result.stdout + result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


@pytest.fixture(scope="module")
def migrated(tmp_path_factory):
    """A migrated SQLite database with a board, a member and an admin (one per module: migrating
    takes seconds)."""
    folder = tmp_path_factory.mktemp("embedded")
    result = _python(folder, "manage.py", "migrate", "--noinput")
    assert result.returncode == 0, result.stdout + result.stderr
    # Every model's constraints hold on SQLite too: no system check says one is not created.
    assert "WARNINGS" not in result.stderr, result.stderr
    (folder / "board.json").write_text(json.dumps(_json(_python(folder, str(LOAD), "setup"))))
    return folder


def test_web_and_worker_write_to_sqlite_at_once_without_database_is_locked(migrated):
    # Given two web-like processes creating and moving tickets and two worker-like processes
    # sweeping and delivering the reminders of those (overdue) tickets, all starting together
    start_at, seconds = time.time() + 8, 5
    roles = ["web", "web", "worker", "worker"]
    processes = [
        subprocess.Popen(
            [sys.executable, str(LOAD), role, str(start_at), str(seconds)],
            cwd=ROOT,
            env=_local_env(migrated),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for role in roles
    ]
    results = []
    for process in processes:
        stdout, stderr = process.communicate(timeout=120)
        finished = subprocess.CompletedProcess(process.args, process.returncode, stdout, stderr)
        results.append(_json(finished))
        assert "database is locked" not in stderr

    # Then no write failed, and the database holds every one of them, numbered without gaps
    assert [result["errors"] for result in results] == [[], [], [], []]
    created = sum(result["done"] for result in results if result["role"] == "web")
    delivered = sum(result["delivered"] for result in results if result["role"] == "worker")
    assert created >= 4
    assert delivered > 0
    state = _json(_python(migrated, str(LOAD), "check"))
    assert state["errors"] == []
    assert state["numbers"] == list(range(1, created + 1))
    assert state["positions"] == list(range(created))
    assert state["overdue_reminders"] == state["sent"] == created


def test_custom_fields_and_rules_on_them_work_on_sqlite(migrated):
    result = _json(_python(migrated, str(LOAD), "fields"))

    assert result["values"] == result["options"]
    assert result["runs"] == ["ok"]
    assert result["priority"] == "urgent"
    assert result["page"] == 200
    assert result["card_shows"]


def test_sqlite_connections_use_wal_a_busy_timeout_and_immediate_transactions(migrated):
    code = (
        "import json, django; django.setup(); from django.db import connection; "
        "c = connection.cursor(); "
        "mode = c.execute('PRAGMA journal_mode').fetchone()[0]; "
        "busy = c.execute('PRAGMA busy_timeout').fetchone()[0]; "
        "from django.conf import settings; "
        "print(json.dumps([mode, busy, connection.transaction_mode, "
        "settings.CELERY_WORKER_CONCURRENCY]))"
    )

    mode, busy_ms, transaction_mode, concurrency = _json(_python(migrated, "-c", code))

    assert mode == "wal"
    assert busy_ms == 20_000
    assert transaction_mode == "IMMEDIATE"
    assert concurrency == 1  # one worker process: SQLite serves one writer at a time


def test_the_worker_runs_two_processes_when_make_run_is_on_postgresql(tmp_path):
    code = (
        "import django; django.setup(); from django.conf import settings; "
        "print(settings.CELERY_WORKER_CONCURRENCY)"
    )

    result = _python(tmp_path, "-c", code, DATABASE_URL="postgres://postgres@127.0.0.1/csboard")

    assert result.stdout.strip().splitlines()[-1] == "2", result.stderr


def test_the_spool_broker_and_what_tasks_print_raise_no_warning(tmp_path):
    # Without Redis: kombu warned that the broker URL names no host; the console email backend's
    # output was logged as a warning, line by line, by the worker.
    code = (
        "import django; django.setup(); from csboard.celery import app; "
        "app.connection_for_write().as_uri(); print(app.conf.worker_redirect_stdouts_level)"
    )

    result = _python(tmp_path, "-c", code)

    assert result.stdout.strip().splitlines()[-1] == "INFO", result.stderr
    assert "WARNING" not in result.stderr


# --- The port, and the links that follow it ----------------------------------------------------
@pytest.fixture
def busy_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen()
        yield sock.getsockname()[1]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_make_run_on_a_busy_port_is_one_line_before_anything_runs(busy_port):
    # `make -n` prints the commands it would run: none may come before the refusal.
    result = subprocess.run(
        ["make", "-n", "run", f"PORT={busy_port}", "HOST=127.0.0.1"],
        cwd=ROOT,
        # Under `make test`, a make of our own would say which directory it enters and leaves.
        env={k: v for k, v in os.environ.items() if k not in ("MAKEFLAGS", "MAKELEVEL", "MFLAGS")},
        capture_output=True,
        text=True,
    )

    assert result.returncode != 0
    assert result.stdout == ""
    [line] = result.stderr.splitlines()
    suggested = int(re.search(r"choose another with PORT=(\d+) make run", line)[1])
    assert f"Port {busy_port} is in use: choose another with PORT={suggested} make run" in line
    assert suggested != busy_port


def test_serve_refuses_a_port_taken_meanwhile_in_one_line_and_starts_nothing(busy_port, tmp_path):
    result = _python(tmp_path, str(SERVE), PORT=str(busy_port), HOST="127.0.0.1")

    assert result.returncode == 1
    assert result.stdout == ""
    [line] = result.stderr.splitlines()
    assert line.startswith(f"Port {busy_port} is in use: choose another with PORT=")


@pytest.mark.parametrize(
    ("env", "problem"),
    [
        ({"PORT": "web"}, "PORT=web is not a port number: choose one with PORT=8000 make run"),
        ({"PORT": "70000"}, "PORT=70000 is not a port number: choose one with PORT=8000 make run"),
        (
            {"HOST": "192.0.2.1"},
            "HOST=192.0.2.1 is not an address of this machine: "
            "choose another with HOST=127.0.0.1 make run",
        ),
    ],
)
def test_a_port_or_host_that_cannot_be_served_is_one_line(tmp_path, env, problem):
    result = _python(tmp_path, str(SERVE), "--check", **{"PORT": str(_free_port()), **env})

    assert result.returncode == 1
    assert result.stderr.splitlines() == [problem]


@pytest.mark.parametrize(
    ("env", "site_url"),
    [
        ({"HOST": "127.0.0.1", "PORT": "8100"}, "http://127.0.0.1:8100"),
        ({"HOST": "0.0.0.0", "PORT": "8100"}, "http://localhost:8100"),
        ({"HOST": "::1", "PORT": "8100"}, "http://[::1]:8100"),
        (
            {"HOST": "127.0.0.1", "PORT": "8100", "SITE_URL": "https://cs.example/"},
            "https://cs.example",
        ),
    ],
)
def test_links_in_emails_follow_the_host_and_port_served(tmp_path, env, site_url):
    code = (
        "import django; django.setup(); from django.conf import settings; print(settings.SITE_URL)"
    )

    result = _python(tmp_path, "-c", code, **env)

    assert result.stdout.strip().splitlines()[-1] == site_url, result.stderr


# --- The whole set, as make run starts it --------------------------------------------------------
class Running:
    """scripts/serve.py in a process group of its own, its console collected in a file."""

    def __init__(self, folder: Path, port: int):
        self.port = port
        self.base = f"http://127.0.0.1:{port}"
        self.console_file = folder / f"console-{port}.log"
        app.control.purge()  # the worker consumes from the test Redis: nothing left over
        env = _local_env(
            folder,
            HOST="127.0.0.1",
            PORT=str(port),
            # The test Redis as broker, not the spool folder in var/ that `make run` uses.
            REDIS_URL=settings.REDIS_URL,
            PATH=f"{VENV_BIN}{os.pathsep}{os.environ['PATH']}",
        )
        self.process = subprocess.Popen(
            [sys.executable, str(SERVE)],
            cwd=ROOT,
            env=env,
            stdout=self.console_file.open("w"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def console(self) -> str:
        return self.console_file.read_text()

    def wait_for(self, *texts: str, timeout: float = 90) -> None:
        deadline = time.monotonic() + timeout
        while not all(text in self.console() for text in texts):
            assert self.process.poll() is None, self.console()
            assert time.monotonic() < deadline, self.console()
            time.sleep(0.25)

    def pid_of(self, name: str) -> int:
        return int(re.search(rf"{name} started \(pid (\d+)\)", self.console())[1])

    def stop(self) -> None:
        """Whatever happened in the test: nothing of this run stays behind."""
        pids = [self.process.pid]
        for name in ("web", "worker", "beat"):
            with contextlib.suppress(TypeError):  # it never started
                pids.append(self.pid_of(name))
        for pid in pids:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(pid, signal.SIGKILL)
        self.process.wait()


@pytest.fixture
def running(migrated):
    started = Running(migrated, _free_port())
    try:
        started.wait_for("Uvicorn running on", "celery@", " ready.", "beat: Starting...")
        yield started
    finally:
        started.stop()


def _nothing_left(running: Running) -> bool:
    """No process left in the groups of web, worker and beat, and their port free again."""
    for name in ("web", "worker", "beat"):
        try:
            os.killpg(running.pid_of(name), 0)
        except ProcessLookupError:
            continue
        return False
    with socket.socket() as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind(("127.0.0.1", running.port))
        except OSError:
            return False
    return True


def _board_of(running: Running) -> int:
    return json.loads((running.console_file.parent / "board.json").read_text())["board"]


def _get(opener, url: str, data: dict | None = None) -> int:
    body = urllib.parse.urlencode(data).encode() if data is not None else None
    request = urllib.request.Request(url, data=body, headers={"Referer": url})
    try:
        with opener.open(request, timeout=30) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def test_a_403_or_404_is_one_console_line_and_nothing_warns(running):
    # When a member opens the settings (admins only), a missing board and an unknown address
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(
        urllib.request.ProxyHandler({}), urllib.request.HTTPCookieProcessor(jar)
    )
    _get(opener, f"{running.base}/accounts/login/")
    csrf = next(cookie.value for cookie in jar if cookie.name == "csrftoken")
    login = {"csrfmiddlewaretoken": csrf, "username": "member", "password": "x" * 12}
    assert _get(opener, f"{running.base}/accounts/login/", login) == 200  # redirected, signed in
    board = f"/boards/{_board_of(running)}"
    answers = {
        f"{board}/settings/": 403,
        "/boards/999999/": 404,
        "/no-such-page/": 404,
        "/api/boards/999999/": 404,
    }
    for path, status in answers.items():
        assert _get(opener, f"{running.base}{path}") == status
    # draws the board, filtered and not (its first cards per column are read without
    # PostgreSQL's arrays here: tickets.selectors.first_per_column),
    for query in ("", "?priority=normal", "?expand=1"):
        assert _get(opener, f"{running.base}{board}/{query}") == 200
    # and streams a static file and a CSV export (Django warned on the first streamed answer)
    assert _get(opener, f"{running.base}/static/css/tokens.css") == 200
    assert _get(opener, f"{running.base}{board}/export/tickets.csv") == 200
    running.wait_for(*(f'"GET {path} HTTP/1.1" {status}' for path, status in answers.items()))
    time.sleep(0.5)

    # Then each is one line on the console, no traceback, and nothing warns
    console = running.console()
    for path in answers:
        mentions = re.compile(rf"(?<![\w/]){re.escape(path)}")  # not /boards/1/ in /api/boards/1/
        assert len([line for line in console.splitlines() if mentions.search(line)]) == 1, console
    assert "Traceback" not in console
    assert "WARNING" not in console, console
    # (Celery's warning for a worker run as root is left: it can be acted on)
    warnings = [line for line in console.splitlines() if "Warning" in line]
    assert [line for line in warnings if "SecurityWarning" not in line] == [], console
    assert "No hostname was supplied" not in console


def test_when_a_process_dies_the_whole_set_stops_and_says_which(running):
    # Given worker and beat given the port that web serves (the links in their emails follow it)
    for name in ("worker", "beat"):
        environ = Path(f"/proc/{running.pid_of(name)}/environ").read_bytes().split(b"\0")
        assert f"PORT={running.port}".encode() in environ

    # When the worker dies
    os.kill(running.pid_of("worker"), signal.SIGKILL)

    # Then web and beat stop within seconds, nothing is left, and the last line says why
    running.process.wait(timeout=20)
    assert running.process.returncode == 1
    assert (
        running.console()
        .rstrip()
        .endswith(
            "CS Board stopped: worker was killed (SIGKILL), so web and beat were stopped too.\n"
            "  Its last lines are above; `make run` starts them all again."
        )
    ), running.console()
    assert _nothing_left(running)


def test_ctrl_c_stops_the_whole_set_cleanly(running):
    os.kill(running.process.pid, signal.SIGINT)

    running.process.wait(timeout=30)
    assert running.process.returncode == 0
    assert running.console().rstrip().endswith("CS Board stopped."), running.console()
    assert "ERROR" not in running.console(), running.console()
    assert _nothing_left(running)


def test_the_set_stops_when_its_supervisor_is_killed(running):
    # honcho, killed (or hung up on by a closed terminal), left all three running unsupervised.
    os.kill(running.process.pid, signal.SIGKILL)
    running.process.wait()

    deadline = time.monotonic() + 30
    while not _nothing_left(running):
        assert time.monotonic() < deadline, "processes left running without their supervisor"
        time.sleep(0.25)
