"""The Procfile's `web` for end-to-end tests: gunicorn serving app:app on a free port, in a process
(and session) of its own, so a test can send it real HTTP and kill it as a crash would."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import pytest
import requests

from core.config import PROJECT_ROOT

from .test_metrics_gunicorn import free_port

GUNICORN = Path(sys.executable).parent / "gunicorn"
needs_gunicorn = pytest.mark.skipif(not GUNICORN.exists(), reason="no gunicorn")


def start(env: dict, log_path: Path, workers: int = 1, threads: int = 1) -> tuple[subprocess.Popen, str]:
    """Start gunicorn and wait until /healthz answers; returns the process and its base URL."""
    port = free_port()
    log = open(log_path, "ab")
    proc = subprocess.Popen([str(GUNICORN), "--workers", str(workers), "--threads", str(threads), "--bind",
                             f"127.0.0.1:{port}", "app:app"], cwd=PROJECT_ROOT, env=env, stdout=log,
                            stderr=subprocess.STDOUT, start_new_session=True)
    log.close()
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail("gunicorn stopped: " + log_path.read_text(errors="replace")[-2000:])
        try:
            if requests.get(base + "/healthz", timeout=2).status_code == 200:
                return proc, base
        except requests.RequestException:
            time.sleep(0.2)
    stop(proc)
    pytest.fail("gunicorn did not answer /healthz within 60 s")


def stop(proc: subprocess.Popen) -> None:
    """SIGTERM its process group (a gunicorn that was killed already is left alone)."""
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(5)


@contextmanager
def running(env: dict, log_path: Path, workers: int = 1, threads: int = 1) -> Iterator[str]:
    proc, base = start(env, log_path, workers, threads)
    try:
        yield base
    finally:
        stop(proc)
