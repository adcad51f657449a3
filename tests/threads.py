"""Run the same work in real threads released at the same moment, each on its own connection."""

import threading

from django.db import connection


def run_at_once(count: int, work) -> tuple[list, list[BaseException]]:
    """Run `work(index)` in `count` threads released together; collect results and errors."""
    barrier = threading.Barrier(count)
    results, errors = [], []
    lock = threading.Lock()

    def target(index):
        try:
            barrier.wait()
            result = work(index)
            with lock:
                results.append(result)
        except BaseException as exc:
            with lock:
                errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=target, args=(index,)) for index in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results, errors
