"""The one LINE client against the simulator: timeouts, retry keys, blob host, error mapping."""
from __future__ import annotations

import uuid

import pytest

from bot.line_client import LineApiError, LineClient


@pytest.fixture
def client(simulator_server, line):
    c = LineClient("token", simulator_server.url, simulator_server.url, timeout=1.0)
    yield c
    c.close()


def test_push_carries_its_retry_key(client, line):
    key = str(uuid.uuid4())
    client.push("U" + "a" * 32, [{"type": "text", "text": "hi"}], retry_key=key)
    [call] = line.calls_to("/v2/bot/message/push")
    assert call.headers["x-line-retry-key"] == key
    assert call.headers["authorization"] == "Bearer token"


def test_a_repeated_retry_key_is_recognised(client, line):
    key = str(uuid.uuid4())
    client.push("U" + "b" * 32, [{"type": "text", "text": "hi"}], retry_key=key)
    with pytest.raises(LineApiError) as err:
        client.push("U" + "b" * 32, [{"type": "text", "text": "hi"}], retry_key=key)
    assert err.value.is_retry_key_accepted
    assert len(line.delivered("U" + "b" * 32)) == 1


def test_every_call_has_a_timeout(client, line):
    line.inject(r"^/v2/bot/message/push$", None, delay=3.0)
    with pytest.raises(LineApiError) as err:
        client.push("U" + "c" * 32, [{"type": "text", "text": "hi"}], retry_key=str(uuid.uuid4()))
    assert err.value.is_timeout


def test_429_exposes_retry_after_and_monthly_limit(client, line):
    line.inject(r"^/v2/bot/message/push$", 429, headers={"Retry-After": "7"}, body={"message": "Too many requests"})
    with pytest.raises(LineApiError) as err:
        client.push("U" + "d" * 32, [{"type": "text", "text": "hi"}], retry_key=str(uuid.uuid4()))
    assert err.value.status == 429 and err.value.retry_after == 7 and not err.value.is_monthly_limit
    line.inject(r"^/v2/bot/message/push$", 429, body={"message": "You have reached your monthly limit."})
    with pytest.raises(LineApiError) as err:
        client.push("U" + "d" * 32, [{"type": "text", "text": "hi"}], retry_key=str(uuid.uuid4()))
    assert err.value.is_monthly_limit


def test_blob_uploads_go_to_the_data_host_only(simulator_server, line):
    # the api host is unreachable: an upload that went there would fail
    c = LineClient("token", "http://127.0.0.1:9", simulator_server.url, timeout=2.0)
    menu_id = LineClient("token", simulator_server.url, simulator_server.url).create_rich_menu({
        "size": {"width": 2500, "height": 843}, "selected": False, "name": "m", "chatBarText": "menu",
        "areas": [{"bounds": {"x": 0, "y": 0, "width": 2500, "height": 843},
                   "action": {"type": "postback", "data": "action=help"}}]})
    c.upload_rich_menu_image(menu_id, _tiny_png())
    [upload] = [call for call in line.calls if call.path.endswith("/content")]
    assert upload.headers["content-type"] == "image/png"


def _tiny_png() -> bytes:
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (2500, 843), "white").save(buffer, "PNG")
    return buffer.getvalue()
