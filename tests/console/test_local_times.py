"""The console shows times in the store's zone (BOT_TIMEZONE), never UTC: a known instant, seeded
as an order, a ledger row, a redeemed coupon, a join, an API key and an audit entry, reads as local
time on every page that shows it; the member's data export and audit details carry the zone's offset
(tests/zones.py runs each test in Taipei, Los Angeles and Kolkata)."""
from __future__ import annotations

import json
import re
from datetime import datetime, timedelta, timezone

from api.keys import create_key
from console import staff as accounts
from core import formats
from rewards import audit, coupons, ledger

from ..zones import date_times, not_in_zone
from .conftest import PASSWORD, ConsoleClient
from .people import add_member, add_order

KNOWN = datetime(2026, 11, 20, 5, 47, tzinfo=timezone.utc)  # 13:47 in Taipei, 21:47 the day before in LA
PAGES = ("/console/", "/console/members", "/console/broadcasts", "/console/audit", "/console/api-keys",
         "/console/surveys", "/console/inbox", "/console/unanswered", "/console/journey", "/console/rewards",
         "/console/staff", "/console/content", "/console/segments")
WITH_OFFSET = re.compile(r"(?:Z|[+-]\d{2}:?\d{2})$")


def _admin(app) -> ConsoleClient:
    rt = app.extensions["bot"]
    with rt.db.session() as s:
        accounts.create_staff(s, "admin@shop.example", PASSWORD, "admin", rt.clock.now())
    client = ConsoleClient(app.test_client())
    assert client.login("admin@shop.example").status_code == 302
    return client


def _seed_at_known_instant(rt) -> str:
    with rt.db.session() as s:
        member = add_member(s, KNOWN, name="王小明")
        add_order(s, member, 1250, KNOWN)
        ledger.credit(s, member, 120, "bonus", "welcome", {"points": 120}, "seed:known", KNOWN, rt.settings)
        coupon = coupons.issue(s, member, "campaign", 100, KNOWN + timedelta(days=30), KNOWN - timedelta(days=1),
                               {"zh": "九折券", "en": "10% off"})
        coupon.redeemed_at = KNOWN
        create_key(s, "pos-known", KNOWN)
        audit.record(s, "system", "test.known", "member:" + member.member_code, {}, KNOWN)
        return member.member_code


def test_pages_show_a_known_instant_in_the_store_zone_not_utc(zoned_app):
    rt = zoned_app.extensions["bot"]
    code = _seed_at_known_instant(rt)
    admin = _admin(zoned_app)
    local = formats.local(KNOWN, rt.clock.tz)  # e.g. "2026-11-20 13:47" in Taipei
    utc = KNOWN.strftime("%Y-%m-%d %H:%M")
    assert local != utc
    for path in (*PAGES, f"/console/members/{code}"):
        page = admin.get(path)
        assert page.status_code == 200, path
        text = page.get_data(as_text=True)
        assert utc not in text, path
        assert not_in_zone([t for t in date_times(text) if WITH_OFFSET.search(t)], rt.clock.tz) == [], path
    member_page = admin.get(f"/console/members/{code}").get_data(as_text=True)
    assert member_page.count(local) >= 4  # joined, consent, the order, the ledger row, the redeemed coupon
    assert local in admin.get("/console/api-keys").get_data(as_text=True)
    assert formats.local(KNOWN, rt.clock.tz, "%Y-%m-%d %H:%M:%S") in admin.get("/console/audit").get_data(as_text=True)


def test_the_data_export_and_audit_details_carry_the_store_zone_offset(zoned_app):
    rt = zoned_app.extensions["bot"]
    code = _seed_at_known_instant(rt)
    admin = _admin(zoned_app)
    export = admin.post(f"/console/members/{code}/export")
    assert export.status_code == 200
    data = json.loads(export.get_data(as_text=True))
    written = date_times(data)
    assert data["orders"][0]["placed_at"] == KNOWN.astimezone(rt.clock.tz).isoformat()
    assert len(written) >= 8 and not_in_zone(written, rt.clock.tz) == []
    # an account locked by wrong passwords: the audit entry says until when, in the store's zone
    with rt.db.session() as s:
        accounts.create_staff(s, "viewer@shop.example", PASSWORD, "viewer", rt.clock.now())
    stranger = ConsoleClient(zoned_app.test_client())
    for _ in range(5):
        stranger.login("viewer@shop.example", "wrong-password")
    page = admin.get("/console/audit").get_data(as_text=True)
    until = [t for t in date_times(page) if WITH_OFFSET.search(t)]
    assert until and not_in_zone(until, rt.clock.tz) == []
