"""The card page's data, and the till's look-up of its rotating code."""
from __future__ import annotations

from datetime import timedelta

import pytest

from api.keys import create_key
from rewards import card_codes


@pytest.fixture
def till(rt):
    with rt.db.session() as s:
        _row, key = create_key(s, "pos-liff", rt.clock.now())
    return {"Authorization": "Bearer " + key}


def test_the_card_shows_codes_points_tier_progress_and_the_carrier(client, scene, bearer, clock):
    member_id = scene.member(einvoice_carrier="/AB.+-12", language="en")
    scene.order(member_id, "o-1", clock.now() - timedelta(days=1), amount=2_000)
    card = client.get("/liff/api/card", headers=bearer(scene.uid(member_id))).json
    assert card["language"] == "en" and card["member_code"] == "T00000001"
    assert card["code"].startswith("T00000001-") and len(card["code"]) == len("T00000001-") + 6
    assert card["qr"].startswith("<svg") and card["barcode"].startswith("<svg")
    assert card["points"] == "20" and card["tier"] == "Member"
    assert card["progress"] == "NT$8,000 more to reach Silver" and card["progress_percent"] == 20
    assert card["carrier"]["text"] == "/AB.+-12" and card["carrier"]["barcode"].startswith("<svg")
    assert 0 < card["seconds_left"] <= card_codes.WINDOW_SECONDS


def test_the_barcodes_hold_the_code_and_nothing_else(client, scene, bearer):
    from bot import barcodes

    uid = scene.uid(scene.member(phone="+886912345678", display_name="王小明"))
    card = client.get("/liff/api/card", headers=bearer(uid)).json
    assert card["barcode"] == barcodes.code128_svg(card["code"]) and card["qr"] == barcodes.qr_svg(card["code"])
    assert card["carrier"] is None
    for private in ("0912", "912345678", "王小明"):
        assert private not in card["qr"] + card["barcode"] + card["code"]


def test_the_till_accepts_the_current_code_only(client, scene, bearer, till, clock):
    uid = scene.uid(scene.member())
    code = client.get("/liff/api/card", headers=bearer(uid)).json["code"]
    found = client.get(f"/api/v1/members/{code}", headers=till)
    assert found.status_code == 200 and found.json["member_code"] == "T00000001"
    key = card_codes.key_from(client.application.extensions["bot"].config.SECRET_KEY)
    later = clock.now() + timedelta(seconds=card_codes.WINDOW_SECONDS + card_codes.GRACE_SECONDS)
    assert card_codes.member_code_of(key, code, later) is None  # an old screenshot
    stale = card_codes.current(key, "T00000001", clock.now() - timedelta(minutes=10)).code
    refused = client.get(f"/api/v1/members/{stale}", headers=till)
    assert refused.status_code == 410 and refused.json["error"]["code"] == "card_code_expired"
    forged = code[:-6] + ("000000" if not code.endswith("000000") else "111111")
    assert client.get(f"/api/v1/members/{forged}", headers=till).status_code == 410


def test_a_code_stays_good_for_a_grace_moment_after_it_changes(clock):
    key = card_codes.key_from("k" * 40)
    now = clock.now()
    code = card_codes.current(key, "T00000001", now)
    edge = code.valid_until - now.timestamp()
    assert card_codes.member_code_of(key, code.code, now + timedelta(seconds=edge + card_codes.GRACE_SECONDS - 1)) == "T00000001"
    assert card_codes.member_code_of(key, code.code, now + timedelta(seconds=edge + card_codes.GRACE_SECONDS)) is None
    assert card_codes.member_code_of(key, code.code.replace("T0", "T9"), now) is None  # another member's code


def test_wallet_history_and_stores(client, scene, bearer, clock, rt):
    from rewards import coupons
    from rewards.models import Member

    member_id = scene.member()
    now = clock.now()
    with rt.db.session() as s:
        member = s.get(Member, member_id)
        for n, (until, used) in enumerate([(now + timedelta(days=9), False), (now + timedelta(days=9), True),
                                           (now - timedelta(days=1), False)]):
            c = coupons.issue(s, member, "welcome", 100 + n, until, now - timedelta(days=30), ("禮", "Gift"),
                              uniqueness_key=f"t-{n}")
            if used:
                c.redeemed_at = now - timedelta(days=2)
    scene.order(member_id, "o-1", now - timedelta(days=1), amount=1_000)
    uid = scene.uid(member_id)
    wallet = client.get("/liff/api/wallet", headers=bearer(uid)).json
    assert [len(wallet[k]) for k in ("active", "used", "expired")] == [1, 1, 1]
    assert wallet["active"][0]["barcode"].startswith("<svg") and "barcode" not in wallet["used"][0]
    history = client.get("/liff/api/history", headers=bearer(uid)).json
    assert history["rows"][0]["delta"] == "+10" and "NT$1,000" in history["rows"][0]["text"]
    assert client.get("/liff/api/stores", headers=bearer(uid)).json["stores"] == []


def test_only_a_code_shaped_as_the_cards_counts_as_one():
    assert card_codes.is_rotating("T00000001-123456") and card_codes.is_rotating(" t00000001-123456 ")
    for other in ("T00000001", "T00000001-12345", "T00000001-1234567", "-123456", "T0000-0001-12345x",
                  "ÊČú-123456", "A" * 17 + "-123456"):
        assert not card_codes.is_rotating(other), other
