"""A body sent without a length (Transfer-Encoding: chunked) over its room's cap is 413 under a real
gunicorn, as one with a Content-Length is, on every room: the webhook, the API and the console."""
from __future__ import annotations

import os

import requests

from core import migrate, request_guard
from simulator.webhook_sender import WebhookSender

from . import gunicorn_server

SECRET = "chunked-bodies-secret"


def chunked(size: int, piece: int = 16 * 1024):
    """`size` bytes as a generator, which requests sends chunked (no Content-Length)."""
    sent = 0
    while sent < size:
        n = min(piece, size - sent)
        yield b"x" * n
        sent += n


@gunicorn_server.needs_gunicorn
def test_a_chunked_body_over_the_cap_is_413_on_every_room(tmp_path):
    url = f"sqlite:///{tmp_path}/bot.db"
    migrate.upgrade(url)
    env = dict(os.environ, BOT_ENV="development", DATABASE_URL=url, LINE_CHANNEL_SECRET=SECRET, INBOX_MODE="off",
               LOG_LEVEL="WARNING", PROMETHEUS_MULTIPROC_DIR=str(tmp_path / "prometheus"),
               LINE_API_URL="http://127.0.0.1:9", LINE_API_DATA_URL="http://127.0.0.1:9")
    with gunicorn_server.running(env, tmp_path / "gunicorn.log") as base:
        for path, limit, content_type in [
                ("/callback", request_guard.WEBHOOK_MAX_BYTES, "application/json"),
                ("/api/v1/orders", request_guard.API_MAX_BYTES, "application/json"),
                ("/console/login", request_guard.DEFAULT_MAX_BYTES, "application/x-www-form-urlencoded")]:
            response = requests.post(base + path, data=chunked(limit + 1),
                                     headers={"X-Line-Signature": "x", "Content-Type": content_type}, timeout=30)
            assert response.request.headers.get("Transfer-Encoding") == "chunked"
            assert response.status_code == 413, (path, response.status_code)
        api = requests.post(base + "/api/v1/orders", data=chunked(request_guard.API_MAX_BYTES * 3),
                            headers={"Content-Type": "application/json"}, timeout=30)
        assert api.status_code == 413 and api.json()["error"]["code"] == "body_too_large"

        # a signed webhook body sent chunked, within the cap, is read whole and accepted
        sender = WebhookSender(base + "/callback", SECRET)
        body = sender.body([sender.follow("U" + "1" * 32)])
        padded = body[:-1] + b" " * (request_guard.WEBHOOK_MAX_BYTES - len(body)) + b"}"
        assert len(padded) == request_guard.WEBHOOK_MAX_BYTES
        response = requests.post(base + "/callback", data=iter([padded[:1000], padded[1000:]]), timeout=30,
                                 headers={"X-Line-Signature": sender.sign(padded), "Content-Type": "application/json"})
        assert response.status_code == 200
