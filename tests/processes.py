"""The bot's real processes, started by tests that need more than one: the LINE simulator
(`python -m simulator`), the Procfile's `web` (gunicorn) and `worker` (`flask --app app worker`),
each in a session of its own with its output in a log file; killed with SIGKILL and started again
as a process manager would. Used by tests/e2e/test_several_processes.py and tests/chaos/."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

from bench.processes import free_port
from core.config import PROJECT_ROOT

BIN = Path(sys.executable).parent
GUNICORN = BIN / "gunicorn"

__all__ = ["BIN", "GUNICORN", "Processes", "answers", "bot_env", "free_port", "wait_until"]


def wait_until(what: str, ready, seconds: float, every: float = 0.2):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        result = ready()
        if result:
            return result
        time.sleep(every)
    pytest.fail(f"gave up waiting for {what} after {seconds:.0f} s")


def answers(url: str) -> bool:
    try:
        return requests.get(url, timeout=2).status_code == 200
    except requests.RequestException:
        return False


def bot_env(database_url: str, sim_url: str, secret: str, folder: Path, **settings: str) -> dict:
    """The environment of the bot's web and worker processes: this database, the simulator as LINE."""
    env = dict(os.environ, BOT_ENV="test", DATABASE_URL=database_url, LINE_API_URL=sim_url,
               LINE_API_DATA_URL=sim_url, LINE_CHANNEL_SECRET=secret, LINE_CHANNEL_ACCESS_TOKEN="token",
               SECRET_KEY="several-processes-secret-key-of-32-chars", BOT_TIMEZONE="Asia/Taipei",
               LOG_LEVEL="INFO", PROMETHEUS_MULTIPROC_DIR=str(folder / "prometheus"))
    env.pop("WEB_CONCURRENCY", None)
    env.update(settings)
    return env


class Processes:
    """The processes a test starts; each one's output goes to a log file of its own (appended to
    when it is started again)."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.running: dict[str, subprocess.Popen] = {}
        self.commands: dict[str, tuple[list[str], dict]] = {}

    def start(self, name: str, argv: list[str], env: dict) -> subprocess.Popen:
        log = open(self.folder / f"{name}.log", "ab")
        proc = subprocess.Popen(argv, cwd=PROJECT_ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
                                start_new_session=True)
        log.close()
        self.running[name] = proc
        self.commands[name] = (argv, env)
        return proc

    def simulator(self, name: str = "simulator", quota: str = "none") -> str:
        """The LINE simulator on a free port; its URL once it answers."""
        port = free_port()
        self.start(name, [sys.executable, "-m", "simulator", "--port", str(port), "--quota", quota],
                   dict(os.environ, LOG_LEVEL="WARNING"))
        url = f"http://127.0.0.1:{port}"
        wait_until("the simulator", lambda: answers(f"{url}/__sim/faults"), 30)
        return url

    def web(self, name: str, env: dict, threads: int = 4) -> str:
        """The Procfile's `web` with one gunicorn worker (a machine's worth); its URL (not waited for)."""
        port = free_port()
        self.start(name, [str(GUNICORN), "--workers", "1", "--threads", str(threads), "--bind",
                          f"127.0.0.1:{port}", "app:app"], env)
        return f"http://127.0.0.1:{port}"

    def worker(self, name: str, env: dict) -> subprocess.Popen:
        """The Procfile's `worker`."""
        return self.start(name, [sys.executable, "-m", "flask", "--app", "app", "worker"], env)

    def kill(self, name: str) -> None:
        """SIGKILL to the process and everything it started (gunicorn's workers): a machine that dies."""
        proc = self.running[name]
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        proc.wait(10)

    def restart(self, name: str) -> subprocess.Popen:
        """Start it again with the same command (the same port for a web server)."""
        argv, env = self.commands[name]
        return self.start(name, argv, env)

    def log(self, name: str) -> str:
        return (self.folder / f"{name}.log").read_text(errors="replace")

    def stop_all(self) -> None:
        for proc in self.running.values():
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGTERM)
        for proc in self.running.values():
            try:
                proc.wait(15)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(5)
