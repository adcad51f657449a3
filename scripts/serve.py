"""`make run`'s last step: CS Board's processes from Procfile.dev (web, worker, beat), supervised.

- A port that cannot be served is one line and a non-zero exit before anything starts
  (`serve.py --check` does only that: the Makefile asks it first, before installing anything).
- Every process gets the same HOST and PORT, so the links in the worker's emails follow the port
  the web process serves (`honcho start` gave the worker PORT + 100).
- When one process exits, the others are stopped and the last line says which one stopped and
  why: never a half-running app. Each runs in a process group of its own; whatever is left in
  one (a uvicorn whose shell was killed, a pool process of a killed worker) is stopped too.
  Ctrl-C, SIGTERM and a closed terminal stop the set the same way, and each process gets SIGTERM
  if this supervisor itself is killed (Linux).

Standard library only, so that the system Python runs it on a fresh clone."""

import ctypes
import errno
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PROCFILE = ROOT / "Procfile.dev"
DEFAULT_HOST, DEFAULT_PORT = "127.0.0.1", 8000
# How long the others get to finish what they are doing (a task, a request) once told to stop: a
# Celery worker takes several seconds to shut down.
GRACE_SECONDS = 15
PROCFILE_LINE = re.compile(r"^([A-Za-z0-9_-]+):\s*(.+)$")
COLOURS = ["36", "33", "35", "32", "34"]
PR_SET_PDEATHSIG = 1


# --- The port ----------------------------------------------------------------------------------
def _bind_error(host: str, port: int) -> OSError | None:
    """Bind as uvicorn does (SO_REUSEADDR, IPv6 for an address with a colon), then let go."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, port))
        except socket.gaierror:
            return OSError(errno.EADDRNOTAVAIL, "unknown host")
        except OSError as error:
            return error
    return None


def _free_port_after(host: str, port: int) -> int:
    candidates = range(port + 1, min(port + 200, 65536))
    return next((p for p in candidates if _bind_error(host, p) is None), port + 100)


def port_problem(host: str, port: str) -> str | None:
    """Why `make run` cannot serve on host:port, in one line; None when it can."""
    if not port.isdigit() or not 0 < int(port) < 65536:
        return f"PORT={port} is not a port number: choose one with PORT={DEFAULT_PORT} make run"
    number = int(port)
    error = _bind_error(host, number)
    if error is None:
        return None
    if error.errno == errno.EADDRNOTAVAIL:
        return (
            f"HOST={host} is not an address of this machine: "
            f"choose another with HOST={DEFAULT_HOST} make run"
        )
    another = f"choose another with PORT={_free_port_after(host, number)} make run"
    if error.errno == errno.EADDRINUSE:
        return f"Port {number} is in use: {another}"
    if error.errno == errno.EACCES:
        return f"Port {number} needs root: {another}"
    return f"Port {number} cannot be served ({error.strerror}): {another}"


# --- The processes -----------------------------------------------------------------------------
def procfile() -> dict[str, str]:
    lines = (PROCFILE_LINE.match(line) for line in PROCFILE.read_text().splitlines())
    return {match[1]: match[2] for match in lines if match}


class Console:
    """Every process's lines, prefixed with the time and its name, one line at a time."""

    def __init__(self, names: list[str]):
        self.width = max(len(name) for name in [*names, "system"])
        self.colours = dict(zip(names, COLOURS * 2, strict=False)) if sys.stdout.isatty() else {}
        self.lock = threading.Lock()

    def say(self, name: str, text: str) -> None:
        prefix = f"{datetime.now():%H:%M:%S} {name:<{self.width}} |"
        if name in self.colours:
            prefix = f"\033[{self.colours[name]}m{prefix}\033[0m"
        with self.lock:
            sys.stdout.write(f"{prefix} {text.rstrip()}\n")
            sys.stdout.flush()

    def pump(self, name: str, stream) -> None:
        for line in iter(stream.readline, b""):
            self.say(name, line.decode("utf-8", "replace"))
        stream.close()


def _die_with_parent() -> None:  # runs in the child, before exec
    if sys.platform.startswith("linux"):
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)


def _why(returncode: int) -> str:
    if returncode < 0 or returncode > 128:  # killed by a signal (itself, or its shell's child)
        number = -returncode if returncode < 0 else returncode - 128
        if number in signal.valid_signals():
            return f"was killed ({signal.Signals(number).name})"
    return "exited" if returncode == 0 else f"exited with status {returncode}"


def _signal_group(group: int, sig: int) -> bool:
    """Send `sig` to a process group; False when nothing is left in it."""
    try:
        os.killpg(group, sig)
    except (ProcessLookupError, PermissionError):
        return False
    return True


def _group_empty(process: subprocess.Popen) -> bool:
    process.poll()  # reaped, the group's leader no longer counts
    return not _signal_group(process.pid, 0)


def _empty_groups(processes: list[subprocess.Popen]) -> None:
    """End whatever is left in the processes' groups: SIGTERM, then SIGKILL."""
    for sig in (signal.SIGTERM, signal.SIGKILL):
        left = [p for p in processes if not _group_empty(p) and _signal_group(p.pid, sig)]
        _wait(lambda left=left: all(_group_empty(p) for p in left), GRACE_SECONDS / 2)


def _wait(condition, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while not condition() and time.monotonic() < deadline:
        time.sleep(0.1)


def serve(host: str, port: str) -> int:
    commands = procfile()
    console = Console(list(commands))
    environment = {**os.environ, "HOST": host, "PORT": port}
    processes: dict[str, subprocess.Popen] = {}
    stop_asked = threading.Event()

    def ask_to_stop(number, frame):
        if stop_asked.is_set():  # a second Ctrl-C: no more waiting
            for process in processes.values():
                _signal_group(process.pid, signal.SIGKILL)
        stop_asked.set()

    for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, ask_to_stop)

    for name, command in commands.items():
        processes[name] = subprocess.Popen(
            command,
            shell=True,
            cwd=ROOT,
            env=environment,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own group: Ctrl-C reaches this supervisor only
            preexec_fn=_die_with_parent,  # no thread runs yet
        )
        console.say("system", f"{name} started (pid {processes[name].pid})")
    readers = [
        threading.Thread(target=console.pump, args=(name, process.stdout), daemon=True)
        for name, process in processes.items()
    ]
    for reader in readers:
        reader.start()

    while not stop_asked.is_set() and all(p.poll() is None for p in processes.values()):
        stop_asked.wait(0.1)
    stopped = [(name, p.returncode) for name, p in processes.items() if p.returncode is not None]
    for name, returncode in stopped:
        console.say("system", f"{name} {_why(returncode)}")

    # Each command runs under `exec`: its pid is the program itself, which shuts down cleanly on
    # SIGTERM (a worker finishes its task and stops its pool). Then nothing may stay behind.
    running = [name for name, process in processes.items() if process.poll() is None]
    if running:
        console.say("system", f"stopping {', '.join(running)} (Ctrl-C again to kill at once)")
    for name in running:
        processes[name].terminate()
    _wait(lambda: all(p.poll() is not None for p in processes.values()), GRACE_SECONDS)
    _empty_groups(list(processes.values()))
    for process in processes.values():
        process.wait()
    for reader in readers:
        reader.join(timeout=2)

    print(flush=True)
    if not stopped:
        print("  CS Board stopped.", flush=True)
        return 0
    name, returncode = stopped[0]
    others = " and ".join(other for other in processes if other != name)
    print(
        f"  CS Board stopped: {name} {_why(returncode)}, so {others} were stopped too.\n"
        "  Its last lines are above; `make run` starts them all again.",
        flush=True,
    )
    return 1


def main(argv: list[str]) -> int:
    host = os.environ.get("HOST") or DEFAULT_HOST
    port = os.environ.get("PORT") or str(DEFAULT_PORT)
    problem = port_problem(host, port)
    if problem:
        print(problem, file=sys.stderr)
        return 1
    if argv == ["--check"]:
        return 0
    return serve(host, port)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
