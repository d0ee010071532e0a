"""Every time the shops' API answers is in the store's time zone with its offset, and every "last
valid day" follows one rule, whatever zone `BOT_TIMEZONE` names (tests/zones.py runs each test in
Taipei, Los Angeles and Kolkata).

The walk goes through every endpoint the README's walk-through uses and the rest of the API's
answers: look-ups, an order (again: the same answer), a refund, a redeem (200, 409, 410), metrics.
"""
from __future__ import annotations

from datetime import date, timedelta

from api.keys import create_key
from app import create_app
from rewards import coupons, ledger, membership
from core.timeutil import end_of_local_day, local_midnight

from ..zones import date_times, not_in_zone
from .conftest import CheckedClient


def _seed(rt):
    """A member with points, a coupon valid through 2026-12-31 and one that expired yesterday; an API key."""
    now = rt.clock.now()
    with rt.db.session() as s:
        member = membership.get_or_create(s, "U" + "5" * 32, now - timedelta(days=30))
        membership.join(s, member, now - timedelta(days=30), display_name="王小明")
        member.phone, member.phone_verified_at = "+886912345678", now  # verified (the till finds only these)
        # earned at 00:30 on 19 November in the store's zone (still the 18th in UTC east of it)
        ledger.credit(s, member, 80, "bonus", "welcome", {"points": 80}, "seed:welcome",
                      local_midnight(date(2026, 11, 19), now) + timedelta(minutes=30), rt.settings)
        titles = {"zh": "九折券", "en": "10% off"}
        good = coupons.issue(s, member, "campaign", 100, end_of_local_day(date(2026, 12, 31), now), now, titles)
        gone = coupons.issue(s, member, "campaign", 50, end_of_local_day(now.date() - timedelta(days=1), now),
                             now - timedelta(days=10), titles, valid_from=now - timedelta(days=10))
        _row, key = create_key(s, "pos-times", now)
        return member.member_code, good.code, gone.code, key


def test_every_time_the_api_answers_carries_the_store_zone_offset(zoned_app, spec):
    rt = zoned_app.extensions["bot"]
    tz = rt.clock.tz
    code, good, gone, key = _seed(rt)
    api = CheckedClient(zoned_app.test_client(), spec)
    auth = {"Authorization": "Bearer " + key}
    order = {"channel": "STORE", "order_id": "POS-1001", "member_code": code, "amount": 1250,
             "placed_at": "2026-11-20T03:03:00Z", "store_id": "信義店"}  # sent in UTC: answered in the store's zone
    answers = [
        api.get(f"/api/v1/members/{code}", headers=auth),
        api.get("/api/v1/members?line_user_id=U" + "5" * 32, headers=auth),
        api.get("/api/v1/members?phone=0912345678", headers=auth),
        api.post("/api/v1/orders", json=order, headers=auth),
        api.post("/api/v1/orders", json=order, headers=auth),
        api.post("/api/v1/orders/store/POS-1001/refunds", json={"refund_id": "R-1", "amount": 250}, headers=auth),
        api.post(f"/api/v1/coupons/{good}/redeem", json={"channel": "store", "store_id": "信義店"}, headers=auth),
        api.post(f"/api/v1/coupons/{good}/redeem", json={"channel": "store"}, headers=auth),
        api.post(f"/api/v1/coupons/{gone}/redeem", json={"channel": "online"}, headers=auth),
        api.get("/api/v1/metrics?month=2026-11", headers=auth),
        api.get("/api/v1/metrics", headers=auth),
        api.get(f"/api/v1/members/{code}", headers=auth),
    ]
    assert [a.status for a in answers] == [200, 200, 200, 201, 200, 201, 200, 409, 410, 200, 200, 200]
    written = date_times([a.json for a in answers])
    # redeemed_at (200, 409 field and message), valid_until (the member's coupon, twice; the 410's field)
    assert len(written) >= 5, written
    assert not_in_zone(written, tz) == []


def test_last_valid_days_follow_one_rule_in_the_store_zone(zoned_app, spec):
    rt = zoned_app.extensions["bot"]
    now = rt.clock.now()
    code, good, _gone, key = _seed(rt)
    body = CheckedClient(zoned_app.test_client(), spec).get(
        f"/api/v1/members/{code}", headers={"Authorization": "Bearer " + key}).json
    assert body["points_expiring_next"] == {"amount": 80, "date": "2027-11-19"}  # 12 months, through that day
    (coupon,) = [c for c in body["coupons"] if c["code"] == good]
    assert coupon["last_day"] == "2026-12-31"
    offset = now.strftime("%z")
    assert coupon["valid_until"] == f"2027-01-01T00:00:00{offset[:3]}:{offset[3:]}"


def test_the_configured_zone_is_the_clock_zone(database_url):
    app = create_app({"BOT_ENV": "test", "DATABASE_URL": database_url, "BOT_TIMEZONE": "Asia/Kolkata",
                      "INBOX_MODE": "sync"})
    try:
        assert str(app.extensions["bot"].clock.tz) == "Asia/Kolkata"
        assert app.extensions["bot"].clock.now().utcoffset() == timedelta(hours=5, minutes=30)
    finally:
        app.extensions["inbox_worker"].shutdown()
        app.extensions["bot"].db.dispose()
