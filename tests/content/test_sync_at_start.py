"""Who syncs the content library into the live database: the web (gunicorn) and the worker as they start,
and `flask content sync`; no other command. An operator's `flask apikey list`, run from a shell with
another BOT_PUBLIC_URL, rewrote the library's picture addresses in the live database."""
from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests
from sqlalchemy import select

from content.models import ContentItem
from core.config import PROJECT_ROOT
from core.db import Database

from ..e2e.test_metrics_gunicorn import free_port

LIBRARY = PROJECT_ROOT / "content" / "library"
BIN = Path(sys.executable).parent


def settings(database_url: str, tmp_path: Path, public_url: str) -> dict[str, str]:
    return {**os.environ, "BOT_ENV": "development", "DATABASE_URL": database_url, "CONTENT_LIBRARY_DIR": str(LIBRARY),
            "BOT_PUBLIC_URL": public_url, "INSTANCE_PATH": str(tmp_path / "instance"), "LOG_LEVEL": "WARNING",
            "LINE_API_URL": "http://127.0.0.1:9", "LINE_API_DATA_URL": "http://127.0.0.1:9", "INBOX_MODE": "off"}


def flask(env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    done = subprocess.run([sys.executable, "-m", "flask", "--app", "app", *args], cwd=PROJECT_ROOT, env=env,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return done


def library_rows(database_url: str) -> dict[str, tuple]:
    db = Database(database_url)
    try:
        with db.session() as s:
            return {row.slug: (row.image_url, row.source_digest, row.status, row.updated_at)
                    for row in s.scalars(select(ContentItem))}
    finally:
        db.dispose()


def picture_addresses(database_url: str) -> set[str]:
    return {url.split("/library/images/")[0] for url, *_ in library_rows(database_url).values() if url}


def wait_for_addresses(database_url: str, address: str, proc: subprocess.Popen, seconds: float = 60) -> None:
    deadline = time.time() + seconds
    while time.time() < deadline and proc.poll() is None:
        if picture_addresses(database_url) == {address}:
            return
        time.sleep(0.3)
    pytest.fail(f"not synced with {address} (process ended: {proc.poll()}): {picture_addresses(database_url)}")


def stop(proc: subprocess.Popen) -> None:
    proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(20)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(5)


def test_a_cli_command_changes_no_content_row(database_url, tmp_path):
    flask(settings(database_url, tmp_path, "https://bot.shop.example"), "content", "sync")
    synced = library_rows(database_url)
    assert len(synced) == len(list(LIBRARY.glob("*.md"))) and picture_addresses(database_url) == {
        "https://bot.shop.example"}

    flask(settings(database_url, tmp_path, "http://127.0.0.1:5000"), "apikey", "list")
    assert library_rows(database_url) == synced


def test_the_worker_syncs_the_library_as_it_starts(database_url, tmp_path):
    proc = subprocess.Popen([sys.executable, "-m", "flask", "--app", "app", "worker"], cwd=PROJECT_ROOT,
                            env=settings(database_url, tmp_path, "https://worker.shop.example"),
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_for_addresses(database_url, "https://worker.shop.example", proc)
    finally:
        stop(proc)


@pytest.mark.skipif(not (BIN / "gunicorn").exists(), reason="no gunicorn")
def test_the_web_syncs_the_library_as_it_starts(database_url, tmp_path):
    port = free_port()
    env = settings(database_url, tmp_path, "https://web.shop.example")
    env["PROMETHEUS_MULTIPROC_DIR"] = str(tmp_path / "prometheus")
    proc = subprocess.Popen([str(BIN / "gunicorn"), "--workers", "1", "--bind", f"127.0.0.1:{port}", "app:app"],
                            cwd=PROJECT_ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        wait_for_addresses(database_url, "https://web.shop.example", proc)
        assert requests.get(f"http://127.0.0.1:{port}/healthz", timeout=10).status_code == 200
    finally:
        stop(proc)
    shutil.rmtree(tmp_path / "prometheus", ignore_errors=True)
