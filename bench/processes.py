"""What the benchmarks start outside the process they measure: a free port, and the LINE simulator
(`python -m simulator`) in a process of its own."""
from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import requests

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def simulator_process(quota: str | None = None) -> Iterator[tuple[str, int]]:
    """The simulator on a free port (`quota`: its monthly limit, "none" for no limit; else its
    default), quiet but for warnings; yields its URL and pid once it answers."""
    port = free_port()
    command = [sys.executable, "-m", "simulator", "--port", str(port)] + (["--quota", quota] if quota else [])
    proc = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            env={**os.environ, "LOG_LEVEL": "WARNING"})
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(200):
            try:
                requests.get(f"{url}/__sim/calls", timeout=1)
                break
            except requests.ConnectionError:
                time.sleep(0.1)
        yield url, proc.pid
    finally:
        proc.terminate()
        proc.wait(timeout=10)
