"""`flask --app app metrics serve`: /metrics on a private bind, without the token, and nothing else."""
from __future__ import annotations

import subprocess
import sys

import requests

from core import migrate
from core.config import PROJECT_ROOT
from tests.processes import answers, bot_env, free_port, wait_until


def test_metrics_serve_answers_metrics_only(tmp_path):
    database_url = f"sqlite:///{tmp_path}/bot.db"
    migrate.upgrade(database_url)
    port = free_port()
    env = bot_env(database_url, "http://127.0.0.1:9", "secret", tmp_path)
    env.pop("PROMETHEUS_MULTIPROC_DIR")
    server = subprocess.Popen([sys.executable, "-m", "flask", "--app", "app", "metrics", "serve", "--port", str(port)],
                              cwd=PROJECT_ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_until("metrics serve", lambda: answers(f"http://127.0.0.1:{port}/metrics"), 30)
        body = requests.get(f"http://127.0.0.1:{port}/metrics", timeout=5).text
        assert "# TYPE" in body and "outbox" in body
        assert requests.get(f"http://127.0.0.1:{port}/healthz", timeout=5).status_code == 404
    finally:
        server.kill()
        server.wait()
