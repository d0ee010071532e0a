"""Bodies are capped per room and refused with 413 from their length, before anything reads them."""
from __future__ import annotations

import io

import pytest

from core import request_guard


class CountingStream(io.BytesIO):
    """A request body that remembers how much of it was read."""

    def __init__(self, size):
        super().__init__(b"{" + b" " * (size - 2) + b"}")
        self.read_bytes = 0

    def read(self, n=-1):
        chunk = super().read(n)
        self.read_bytes += len(chunk)
        return chunk


def test_a_huge_unsigned_webhook_body_is_413_before_the_signature_check(client):
    body = CountingStream(20 * 1024 * 1024)
    response = client.post("/callback", input_stream=body, content_length=20 * 1024 * 1024,
                           headers={"X-Line-Signature": "x", "Content-Type": "application/json"})
    assert response.status_code == 413
    assert body.read_bytes == 0


def test_a_body_without_a_length_is_cut_off_at_the_cap(client):
    body = CountingStream(request_guard.WEBHOOK_MAX_BYTES * 4)
    # a chunked body as a server such as gunicorn hands it over (no length, stream ends by itself)
    response = client.post("/callback", input_stream=body, headers={"X-Line-Signature": "x"},
                           environ_overrides={"wsgi.input_terminated": True})
    assert response.status_code == 413
    assert body.read_bytes <= request_guard.WEBHOOK_MAX_BYTES + 64 * 1024


def test_the_api_answers_413_as_json(client, api_key):
    big = b'{"a": "' + b"x" * (request_guard.API_MAX_BYTES + 10) + b'"}'
    response = client.post("/api/v1/orders", data=big, headers={**api_key, "Content-Type": "application/json"})
    assert response.status_code == 413 and response.json["error"]["code"] == "body_too_large"


def test_a_console_form_over_the_cap_is_413(client):
    response = client.post("/console/login", data={"email": "x" * (request_guard.DEFAULT_MAX_BYTES + 10)})
    assert response.status_code == 413


def test_real_webhook_bodies_fit(client):
    assert request_guard.WEBHOOK_MAX_BYTES >= 100 * 1024  # LINE's bodies: a few KB
    response = client.post("/callback", data=b"{}", headers={"X-Line-Signature": "x"})
    assert response.status_code == 400  # the signature check, not the cap


def test_an_event_id_longer_than_the_column_loses_only_itself(app, client, sender):
    from sqlalchemy import select

    from core.models import InboxEvent

    good = sender.text("U" + "4" * 32, "點數")
    long = sender.text("U" + "5" * 32, "點數")
    long["webhookEventId"] = "X" * 300
    odd = sender.text("U" + "6" * 32, "點數")
    odd["webhookEventId"] = "a\x00b"
    body = sender.body([long, good, odd])
    response = client.post("/callback", data=body, headers={"X-Line-Signature": sender.sign(body)},
                           content_type="application/json")
    assert response.status_code == 200
    with app.extensions["bot"].db.session() as s:
        assert list(s.scalars(select(InboxEvent.webhook_event_id))) == [good["webhookEventId"]]


@pytest.mark.parametrize("path, limit", [("/callback", request_guard.WEBHOOK_MAX_BYTES),
                                         ("/api/v1/orders", request_guard.API_MAX_BYTES),
                                         ("/console/login", request_guard.DEFAULT_MAX_BYTES)])
def test_a_chunked_body_over_the_cap_is_413(client, path, limit):
    # as gunicorn hands a chunked body over: no length, the stream ends by itself; one byte too many
    response = client.post(path, input_stream=io.BytesIO(b"x" * (limit + 1)),
                           headers={"Transfer-Encoding": "chunked", "X-Line-Signature": "x",
                                    "Content-Type": "application/json"},
                           environ_overrides={"wsgi.input_terminated": True})
    assert response.status_code == 413


def test_a_chunked_body_within_the_cap_is_read_whole(client, sender):
    body = sender.body([sender.follow("U" + "7" * 32)])
    padded = body[:-1] + b" " * (request_guard.WEBHOOK_MAX_BYTES - len(body)) + b"}"
    response = client.post("/callback", input_stream=io.BytesIO(padded),
                           headers={"Transfer-Encoding": "chunked", "X-Line-Signature": sender.sign(padded),
                                    "Content-Type": "application/json"},
                           environ_overrides={"wsgi.input_terminated": True})
    assert response.status_code == 200
