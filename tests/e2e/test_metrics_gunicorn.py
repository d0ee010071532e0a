"""/metrics under gunicorn with several workers (the Procfile's `web`): each scrape, whichever worker
answers it, counts the webhook events every worker received (prometheus-client's multiprocess mode,
set up by gunicorn.conf.py)."""
from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests
from prometheus_client.parser import text_string_to_metric_families

from core import migrate
from core.config import PROJECT_ROOT
from simulator.webhook_sender import WebhookSender

SECRET = "gunicorn-test-secret"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def received(base: str) -> float:
    text = requests.get(base + "/metrics", headers={"Authorization": "Bearer scrape-me"}, timeout=10).text
    return next((s.value for f in text_string_to_metric_families(text) for s in f.samples
                 if s.name == "bot_webhook_events_total" and s.labels == {"outcome": "received"}), 0.0)


@pytest.mark.skipif(shutil.which("gunicorn", path=str(Path(sys.executable).parent)) is None, reason="no gunicorn")
def test_metrics_add_up_every_gunicorn_worker(tmp_path):
    url = f"sqlite:///{tmp_path}/bot.db"
    migrate.upgrade(url)
    port = free_port()
    env = dict(os.environ, BOT_ENV="development", DATABASE_URL=url, LINE_CHANNEL_SECRET=SECRET,
               METRICS_TOKEN="scrape-me", INBOX_MODE="off", LOG_LEVEL="WARNING",
               PROMETHEUS_MULTIPROC_DIR=str(tmp_path / "prometheus"), LINE_API_URL="http://127.0.0.1:9",
               LINE_API_DATA_URL="http://127.0.0.1:9")
    proc = subprocess.Popen([str(Path(sys.executable).parent / "gunicorn"), "--workers", "3", "--bind",
                             f"127.0.0.1:{port}", "app:app"], cwd=PROJECT_ROOT, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.time() + 60
        while time.time() < deadline:
            try:
                if requests.get(base + "/healthz", timeout=2).status_code == 200:
                    break
            except requests.RequestException:
                time.sleep(0.3)
        else:
            pytest.fail("gunicorn did not start: " + proc.stderr.read1(4000).decode(errors="replace"))
        sender = WebhookSender(base + "/callback", SECRET)
        for i in range(12):  # new connections: the workers share them out
            status, _ = sender.post([sender.follow(f"U{i:032x}")])
            assert status == 200
        assert {received(base) for _ in range(8)} == {12.0}
    finally:
        proc.terminate()
        proc.wait(20)
