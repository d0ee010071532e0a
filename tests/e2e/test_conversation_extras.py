"""Small things customers noticed: a coupon in chat carries its code as a QR image behind a signed,
expiring link; a staff points adjustment is told to the member with its reason; the shops' API's
store_id names a store of the library on the receipt (an unknown id is shown as written)."""
from __future__ import annotations

from datetime import timedelta
from urllib.parse import urlsplit

import pytest

from api.keys import create_key
from bot.outbox import sender as outbox_sender
from rewards import adjustments, coupons, membership

from .chat import words
from .test_conversation import EN, ZH, app, members  # noqa: F401 - the app with the shipped library, its members


def _coupon(rt, uid, clock):  # noqa: F811
    with rt.db.session() as s:
        member = membership.by_line_user(s, uid)
        return coupons.issue(s, member, "campaign", 150, clock.now() + timedelta(days=10), clock.now(),
                             ("週年慶折價券", "Anniversary coupon")).code


def test_a_coupon_in_chat_carries_a_scannable_code_behind_a_signed_expiring_link(chat, members, rt, client, clock):  # noqa: F811
    zh, _en = members
    code = _coupon(rt, zh, clock)
    shown = chat.say(zh, "優惠券")
    bubble = next(b for b in shown[0]["contents"]["contents"] if code in words([b]))
    url = urlsplit(bubble["hero"]["url"])
    assert url.scheme == "https" and url.path == f"/qr/coupon/{code}.png"
    image = client.get(f"{url.path}?{url.query}")
    assert image.status_code == 200 and image.data[:8] == b"\x89PNG\r\n\x1a\n"
    assert client.get(f"{url.path}?{url.query.replace('sig=', 'sig=x')}").status_code == 403
    # a member card's link cannot be bent into a coupon's (signed for another purpose)
    card = chat.say(zh, "會員卡")[0]["contents"]["hero"]["url"]
    assert client.get(f"/qr/coupon/{code}.png?{urlsplit(card).query}").status_code == 403
    clock.advance(timedelta(hours=25))
    assert client.get(f"{url.path}?{url.query}").status_code == 403  # expired


def test_a_used_coupons_image_is_gone(chat, members, rt, client, clock):  # noqa: F811
    zh, _en = members
    code = _coupon(rt, zh, clock)
    url = urlsplit(chat.say(zh, "優惠券")[0]["contents"]["contents"][-1]["hero"]["url"])
    with rt.db.session() as s:
        coupons.redeem_coupon(s, code, "store", "store-xinyi", "POS-1", clock.now())
    assert client.get(f"/qr/coupon/{code}.png?{url.query}").status_code == 404


def test_a_staff_points_adjustment_is_told_with_its_reason(chat, members, rt, line, clock):  # noqa: F811
    zh, en = members
    with rt.db.session() as s:
        adjustments.adjust_points(s, membership.by_line_user(s, zh), 120, "門市活動補發", "staff@example.com",
                                  clock.now(), rt.settings)
        adjustments.adjust_points(s, membership.by_line_user(s, en), 30, "make-up for a missed receipt",
                                  "staff@example.com", clock.now(), rt.settings)
    outbox_sender.drain(rt)
    zh_got = [d["message"].get("text") or "" for d in line.delivered(zh)]
    en_got = [d["message"].get("text") or "" for d in line.delivered(en)]
    assert any("120 點" in t and "門市活動補發" in t for t in zh_got)
    assert any("30 points" in t and "make-up for a missed receipt" in t for t in en_got)


@pytest.mark.parametrize("store_id,shown", [("store-xinyi", "信義店"), ("信義店", "信義店"), ("POP-UP-7", "POP-UP-7")])
def test_the_apis_store_id_names_a_library_store_on_the_receipt(chat, members, rt, client, line, clock, store_id,
                                                               shown):  # noqa: F811
    zh, _en = members
    with rt.db.session() as s:
        _row, key = create_key(s, "pos-test", clock.now())
        code = membership.by_line_user(s, zh).member_code
    response = client.post("/api/v1/orders", headers={"Authorization": "Bearer " + key},
                           json={"channel": "store", "order_id": "A-1", "member_code": code, "amount": 1200,
                                 "placed_at": clock.now().isoformat(), "store_id": store_id})
    assert response.status_code == 201, response.get_json()
    outbox_sender.drain(rt)
    receipt = [d["message"].get("text") or "" for d in line.delivered(zh) if "1,200" in str(d["message"])]
    assert receipt and shown in receipt[0]
