"""The fake Messaging API through a Flask test client: validation, LINE's rules, faults."""
import time
import uuid
from concurrent.futures import ThreadPoolExecutor

import requests

from simulator.app import create_app
from simulator.platform import LinePlatform

from .conftest import AUTH, new_user_id

PUSH = "/v2/bot/message/push"
REPLY = "/v2/bot/message/reply"
MULTICAST = "/v2/bot/message/multicast"
TEXT = {"type": "text", "text": "hello"}


def post(client, path, body, headers=None):
    return client.post(path, json=body, headers={**AUTH, **(headers or {})})


def clocked(**platform_options):
    """A test client over a platform whose clock the test moves: ``now[0] += seconds``."""
    now = [1000.0]
    platform = LinePlatform(clock=lambda: now[0], **platform_options)
    return create_app(platform).test_client(), platform, now


def test_valid_push_is_delivered_and_answered_like_line(client, platform):
    uid = new_user_id()
    r = post(client, PUSH, {"to": uid, "messages": [TEXT, {"type": "sticker", "packageId": "446", "stickerId": "1988"}]})
    assert r.status_code == 200
    sent = r.get_json()["sentMessages"]
    assert len(sent) == 2 and all(s["id"].isdigit() and s["quoteToken"] for s in sent)
    assert r.headers["X-Line-Request-Id"]
    assert [d["message"] for d in platform.delivered(uid)] == [TEXT, {"type": "sticker", "packageId": "446", "stickerId": "1988"}]
    assert platform.delivered(uid)[0]["how"] == "push"
    assert platform.errors() == []
    call = platform.calls_to(PUSH)[0]
    assert call.status == 200 and call.headers["authorization"] == "Bearer test-token" and call.body["to"] == uid


def test_invalid_push_is_recorded_with_errors_answered_400_and_not_delivered(client, platform):
    uid = new_user_id()
    r = post(client, PUSH, {"to": uid, "messages": [{"type": "text"}]})
    assert r.status_code == 400
    body = r.get_json()
    assert body["message"] == "The request body has 1 error(s)"
    assert body["details"] == [{"message": "'text' is a required property", "property": "messages[0]"}]
    assert platform.calls_to(PUSH)[0].errors == [f"POST {PUSH}: messages[0]: 'text' is a required property"]
    assert platform.delivered(uid) == []


def test_missing_authorization_is_an_error(client, platform):
    r = client.post(PUSH, json={"to": new_user_id(), "messages": [TEXT]})
    assert r.status_code == 401
    assert any("Authorization" in e for e in platform.errors())


def test_an_endpoint_outside_the_spec_is_an_error(client, platform):
    r = client.get("/v2/bot/message/everything", headers=AUTH)
    assert r.status_code == 404
    assert platform.errors() == ["GET /v2/bot/message/everything: not an endpoint of the Messaging API"]


def test_other_documented_endpoints_answer_their_documented_success(client, platform):
    assert client.post("/v2/bot/chat/loading/start", json={"chatId": new_user_id(), "loadingSeconds": 5},
                       headers=AUTH).status_code == 202
    assert client.get("/v2/bot/followers/ids", headers=AUTH).status_code == 200
    assert platform.errors() == []


def test_retry_key_is_accepted_once_then_answered_409_with_the_sent_messages(client, platform):
    uid, key = new_user_id(), str(uuid.uuid4())
    first = post(client, PUSH, {"to": uid, "messages": [TEXT]}, {"X-Line-Retry-Key": key})
    again = post(client, PUSH, {"to": uid, "messages": [TEXT]}, {"X-Line-Retry-Key": key})
    assert first.status_code == 200
    assert again.status_code == 409
    assert again.get_json() == {"message": "The retry key is already accepted",
                                "sentMessages": first.get_json()["sentMessages"]}
    assert len(platform.delivered(uid)) == 1
    assert post(client, PUSH, {"to": uid, "messages": [TEXT]}, {"X-Line-Retry-Key": str(uuid.uuid4())}).status_code == 200


def test_a_retry_key_whose_request_failed_may_be_used_again(client, platform):
    uid, key = new_user_id(), str(uuid.uuid4())
    platform.inject(PUSH, 500)
    assert post(client, PUSH, {"to": uid, "messages": [TEXT]}, {"X-Line-Retry-Key": key}).status_code == 500
    assert post(client, PUSH, {"to": uid, "messages": [TEXT]}, {"X-Line-Retry-Key": key}).status_code == 200
    assert len(platform.delivered(uid)) == 1


def test_retry_keys_are_forgotten_after_a_day():
    client, _, now = clocked()
    key = str(uuid.uuid4())
    assert post(client, PUSH, {"to": new_user_id(), "messages": [TEXT]}, {"X-Line-Retry-Key": key}).status_code == 200
    now[0] += 24 * 3600 + 1
    assert post(client, PUSH, {"to": new_user_id(), "messages": [TEXT]}, {"X-Line-Retry-Key": key}).status_code == 200


def test_a_reply_token_works_once(client, platform):
    uid = new_user_id()
    token = platform.mint_reply_token(uid)
    first = post(client, REPLY, {"replyToken": token, "messages": [TEXT]})
    assert first.status_code == 200 and len(first.get_json()["sentMessages"]) == 1
    again = post(client, REPLY, {"replyToken": token, "messages": [TEXT]})
    assert again.status_code == 400 and again.get_json() == {"message": "Invalid reply token"}
    assert post(client, REPLY, {"replyToken": "f" * 32, "messages": [TEXT]}).status_code == 400
    assert [(d["how"], d["message"]) for d in platform.delivered(uid)] == [("reply", TEXT)]


def test_a_reply_token_expires():
    client, platform, now = clocked(reply_token_ttl=60)
    token = platform.mint_reply_token(new_user_id())
    now[0] += 61
    assert post(client, REPLY, {"replyToken": token, "messages": [TEXT]}).status_code == 400


def test_injected_429_carries_retry_after_and_delivers_nothing(client, platform):
    uid = new_user_id()
    platform.faults.rate_limit("^/v2/bot/message/push$", retry_after=7, count=2)
    for _ in range(2):
        r = post(client, PUSH, {"to": uid, "messages": [TEXT]})
        assert r.status_code == 429 and r.headers["Retry-After"] == "7"
    assert post(client, PUSH, {"to": uid, "messages": [TEXT]}).status_code == 200
    assert len(platform.delivered(uid)) == 1
    assert [c.status for c in platform.calls_to(PUSH)] == [429, 429, 200]


def test_injected_500_monthly_limit_and_bad_request(client, platform):
    platform.faults.server_error("/push")
    platform.faults.monthly_limit("/push")
    platform.faults.bad_request("/push", "Failed to send messages")
    body = {"to": new_user_id(), "messages": [TEXT]}
    assert post(client, PUSH, body).status_code == 500
    r = post(client, PUSH, body)
    assert (r.status_code, r.get_json()) == (429, {"message": "You have reached your monthly limit."})
    r = post(client, PUSH, body)
    assert (r.status_code, r.get_json()) == (400, {"message": "Failed to send messages"})
    assert post(client, PUSH, body).status_code == 200


def test_injected_delay_then_the_normal_answer(client, platform):
    platform.inject("/profile/", None, delay=0.3)
    started = time.monotonic()
    r = client.get("/v2/bot/profile/U1234abcd", headers=AUTH)
    assert time.monotonic() - started >= 0.3
    assert r.status_code == 200 and r.get_json()["displayName"] == "User abcd"
    platform.inject("/push", 503, delay=0.2)
    started = time.monotonic()
    assert post(client, PUSH, {"to": new_user_id(), "messages": [TEXT]}).status_code == 503
    assert time.monotonic() - started >= 0.2
    platform.inject("/push", 500, count=5)
    platform.clear_faults()
    assert post(client, PUSH, {"to": new_user_id(), "messages": [TEXT]}).status_code == 200


def test_multicast_delivers_to_each_and_rejects_more_than_500(client, platform):
    users = [new_user_id() for _ in range(3)]
    r = post(client, MULTICAST, {"to": users, "messages": [TEXT]})
    assert (r.status_code, r.get_json()) == (200, {})
    assert all(platform.delivered(u)[0]["how"] == "multicast" for u in users)
    too_many = [new_user_id() for _ in range(501)]
    r = post(client, MULTICAST, {"to": too_many, "messages": [TEXT]})
    assert r.status_code == 400
    assert platform.calls_to(MULTICAST)[-1].errors
    assert platform.delivered(too_many[0]) == []


def test_quota_counts_push_and_multicast_recipients_not_replies(client, platform):
    uid = new_user_id()
    post(client, PUSH, {"to": uid, "messages": [TEXT, TEXT]})
    post(client, MULTICAST, {"to": [new_user_id(), new_user_id()], "messages": [TEXT]})
    post(client, REPLY, {"replyToken": platform.mint_reply_token(uid), "messages": [TEXT]})
    assert client.get("/v2/bot/message/quota/consumption", headers=AUTH).get_json() == {"totalUsage": 3}
    assert client.get("/v2/bot/message/quota", headers=AUTH).get_json() == {"type": "limited", "value": 1000}
    platform.quota_limit = 4
    r = post(client, MULTICAST, {"to": [new_user_id(), new_user_id()], "messages": [TEXT]})
    assert (r.status_code, r.get_json()) == (429, {"message": "You have reached your monthly limit."})


def test_blocked_users_receive_nothing(client, platform):
    uid = new_user_id()
    platform.set_friendship(uid, "blocked")
    assert post(client, PUSH, {"to": uid, "messages": [TEXT]}).status_code == 200
    assert platform.delivered(uid) == []


def test_profiles_of_registered_and_unknown_users(client, platform):
    platform.add_user("U" + "1" * 32, "小明", "zh-TW", "https://example.com/p.png")
    assert client.get("/v2/bot/profile/" + "U" + "1" * 32, headers=AUTH).get_json() == {
        "userId": "U" + "1" * 32, "displayName": "小明", "language": "zh-TW", "pictureUrl": "https://example.com/p.png"}
    assert client.get("/v2/bot/profile/Uffff0042", headers=AUTH).get_json() == {
        "userId": "Uffff0042", "displayName": "User 0042", "language": "zh-TW"}
    assert client.get("/v2/bot/profile/Cgroup", headers=AUTH).status_code == 404


def test_rich_menu_life_cycle(client, platform):
    menu = {"size": {"width": 2500, "height": 843}, "selected": True, "name": "main", "chatBarText": "Menu",
            "areas": [{"bounds": {"x": 0, "y": 0, "width": 1250, "height": 843},
                       "action": {"type": "postback", "data": "action=points"}}]}
    menu_id = post(client, "/v2/bot/richmenu", menu).get_json()["richMenuId"]
    uid = new_user_id()
    assert client.post(f"/v2/bot/user/all/richmenu/{menu_id}", headers=AUTH).status_code == 400  # no image yet
    png = {**AUTH, "Content-Type": "image/png"}
    assert client.post(f"/v2/bot/richmenu/{menu_id}/content", data=b"\x89PNG" + b"0" * 100, headers=png).status_code == 200
    assert platform.rich_menus.images[menu_id].size == 104
    assert client.post(f"/v2/bot/user/all/richmenu/{menu_id}", headers=AUTH).status_code == 200
    assert client.get("/v2/bot/user/all/richmenu", headers=AUTH).get_json() == {"richMenuId": menu_id}
    assert client.post(f"/v2/bot/user/{uid}/richmenu/{menu_id}", headers=AUTH).status_code == 200
    assert client.get(f"/v2/bot/user/{uid}/richmenu", headers=AUTH).get_json() == {"richMenuId": menu_id}
    listed = client.get("/v2/bot/richmenu/list", headers=AUTH).get_json()["richmenus"]
    assert [m["richMenuId"] for m in listed] == [menu_id]
    image = client.get(f"/v2/bot/richmenu/{menu_id}/content", headers=AUTH)
    assert image.data.startswith(b"\x89PNG") and image.content_type == "image/png"
    assert client.delete(f"/v2/bot/user/{uid}/richmenu", headers=AUTH).status_code == 200
    assert client.delete("/v2/bot/user/all/richmenu", headers=AUTH).status_code == 200
    assert client.delete(f"/v2/bot/richmenu/{menu_id}", headers=AUTH).status_code == 200
    assert client.get(f"/v2/bot/richmenu/{menu_id}", headers=AUTH).status_code == 404
    assert platform.errors() == []


def test_control_endpoints(client, platform):
    r = client.post("/__sim/faults", json={"path": "/push", "status": 429, "headers": {"Retry-After": 2}})
    assert r.status_code == 201
    assert post(client, PUSH, {"to": new_user_id(), "messages": [TEXT]}).headers["Retry-After"] == "2"
    calls = client.get("/__sim/calls").get_json()
    assert calls["validationEnabled"] is True and calls["calls"][0]["status"] == 429
    client.post("/__sim/faults", json={"path": "/push", "status": 500})
    assert client.delete("/__sim/faults").status_code == 200
    assert client.post("/__sim/faults", json={"status": 500}).status_code == 400
    assert client.post("/__sim/reset").status_code == 200
    assert platform.calls == []


def test_without_the_spec_files_calls_are_checked_against_the_line_bot_sdk_models(tmp_path, caplog):
    platform = LinePlatform(openapi_dir=tmp_path)
    assert platform.validation_enabled is True
    assert "line-bot-sdk's models instead" in caplog.text
    client = create_app(platform).test_client()
    assert post(client, PUSH, {"to": new_user_id(), "messages": [TEXT]}).status_code == 200
    bad = post(client, PUSH, {"to": new_user_id(), "messages": [{"type": "text"}]})
    assert bad.status_code == 400 and "text" in bad.get_data(as_text=True)
    assert post(client, "/v2/bot/no/such/endpoint", {}).status_code == 404
    calls = client.get("/__sim/calls").get_json()
    assert calls["validationEnabled"] is True and calls["validatedBy"] == "line-bot-sdk models"
    assert calls["errors"] and all("/v2/bot/" in e for e in calls["errors"])


def test_concurrent_requests_with_one_retry_key_deliver_once(sim):
    uid, key = new_user_id(), str(uuid.uuid4())
    headers = {**AUTH, "X-Line-Retry-Key": key}
    body = {"to": uid, "messages": [TEXT]}
    with ThreadPoolExecutor(8) as pool:
        statuses = list(pool.map(lambda _: requests.post(sim.url + PUSH, json=body, headers=headers, timeout=5).status_code,
                                 range(8)))
    assert sorted(statuses) == [200] + [409] * 7
    assert len(sim.platform.delivered(uid)) == 1


def test_a_sender_in_another_process_registers_friends_and_reply_tokens(client, platform):
    uid = new_user_id()
    assert client.post("/__sim/users/bulk", json={"users": [{"userId": uid, "displayName": "小美"}]}).status_code == 200
    assert platform.users[uid].display_name == "小美"
    reply = client.post("/__sim/reply-tokens", json={"tokens": {"tok-1": uid}})
    assert reply.status_code == 200 and reply.get_json() == {"accepted": 1}
    body = {"replyToken": "tok-1", "messages": [{"type": "text", "text": "hi"}]}
    assert post(client, "/v2/bot/message/reply", body).status_code == 200
    assert post(client, "/v2/bot/message/reply", body).status_code == 400  # once only


def test_a_sender_in_another_process_waits_for_the_reply_to_its_event(sim):
    """As a person reads the answer before writing again: GET /__sim/reply-tokens/<token>?wait=S
    answers as soon as a reply used the token, or after S seconds."""
    uid = new_user_id()
    requests.post(sim.url + "/__sim/reply-tokens", json={"tokens": {"tok-w": uid}}, timeout=5).raise_for_status()
    assert requests.get(sim.url + "/__sim/reply-tokens/tok-w?wait=0.2", timeout=5).json() == {"replied": False}
    body = {"replyToken": "tok-w", "messages": [{"type": "text", "text": "hi"}]}
    headers = {"Authorization": "Bearer t", "Content-Type": "application/json"}
    with ThreadPoolExecutor(1) as pool:
        waiting = pool.submit(lambda: requests.get(sim.url + "/__sim/reply-tokens/tok-w?wait=20", timeout=30).json())
        time.sleep(0.3)
        started = time.monotonic()
        assert requests.post(sim.url + "/v2/bot/message/reply", json=body, headers=headers, timeout=5).status_code == 200
        assert waiting.result() == {"replied": True} and time.monotonic() - started < 5
    assert requests.get(sim.url + "/__sim/reply-tokens/tok-w?wait=x", timeout=5).status_code == 400


def test_the_bulk_rich_menu_link_takes_at_most_500_users(client, platform):
    menu_id = platform.rich_menus.create({"size": {"width": 2500, "height": 843}, "selected": False, "name": "m",
                                          "chatBarText": "menu", "areas": []})
    platform.rich_menus.upload_image(menu_id, b"\x89PNG" + b"0" * 10, "image/png")
    users = [new_user_id() for _ in range(501)]
    assert post(client, "/v2/bot/richmenu/bulk/link", {"richMenuId": menu_id, "userIds": users}).status_code == 400
    assert post(client, "/v2/bot/richmenu/bulk/link", {"richMenuId": menu_id, "userIds": users[:500]}).status_code == 202
    assert platform.rich_menus.linked(users[0]) == menu_id and platform.rich_menus.linked(users[500]) is None
    assert post(client, "/v2/bot/richmenu/bulk/unlink", {"userIds": users[:2]}).status_code == 202
    assert platform.rich_menus.linked(users[0]) is None
