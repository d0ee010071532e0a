"""SQLite's writers take turns through core/db.WriterQueue: one at a time across processes (an
flock), woken at once, an urgent unit before the others waiting in its process."""
from __future__ import annotations

import subprocess
import sys
import threading
import time

from core.db import Database, WriterQueue


def test_an_urgent_writer_goes_before_the_others_waiting(tmp_path):
    queue = WriterQueue(str(tmp_path / "db-writer"))
    order: list[str] = []
    holding, release = threading.Event(), threading.Event()

    def first():
        with queue.turn():
            holding.set()
            release.wait(5)
            order.append("first")

    def later(name: str, urgent: bool):
        with queue.turn(urgent):
            order.append(name)

    threads = [threading.Thread(target=first)]
    threads[0].start()
    holding.wait(5)
    for name, urgent in (("slow-1", False), ("slow-2", False), ("urgent", True)):
        threads.append(threading.Thread(target=later, args=(name, urgent)))
        threads[-1].start()
        time.sleep(0.05)  # queued in this order
    release.set()
    for thread in threads:
        thread.join(5)
    assert order[:2] == ["first", "urgent"] and sorted(order[2:]) == ["slow-1", "slow-2"]
    queue.close()


def test_a_turn_is_reentrant_in_its_thread(tmp_path):
    queue = WriterQueue(str(tmp_path / "db-writer"))
    with queue.turn():
        with queue.turn(urgent=True):
            pass
    with queue.turn():  # free again
        pass
    queue.close()


def test_another_process_waits_for_the_turn(tmp_path):
    path = tmp_path / "db-writer"
    queue = WriterQueue(str(path))
    script = ("import sys, time; from core.db import WriterQueue; q = WriterQueue(sys.argv[1])\n"
              "print('ready', flush=True); t = time.monotonic()\n"
              "with q.turn(): print(round(time.monotonic() - t, 2), flush=True)")
    with queue.turn():
        other = subprocess.Popen([sys.executable, "-c", script, str(path)], stdout=subprocess.PIPE, text=True)
        assert other.stdout.readline().strip() == "ready"
        time.sleep(0.5)
    waited = float(other.communicate(timeout=20)[0])
    assert waited >= 0.4  # it had to wait until this process's turn ended
    queue.close()


def test_only_a_sqlite_file_has_a_queue(tmp_path):
    db = Database(f"sqlite:///{tmp_path}/bot.db")
    assert db.writers is not None and db.writers.path == f"{tmp_path}/bot.db-writer"
    db.dispose()
    memory = Database("sqlite://")
    assert memory.writers is None
    memory.dispose()
