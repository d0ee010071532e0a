"""Segments: every filter, the live count, saving and reusing, and who may save."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from console.segment_form import describe
from core.field_errors import FieldErrors
from insights import rfm
from insights import segments as seg
from insights.models import Segment
from rewards.models import AuditLog

from .people import add_member, add_order


@pytest.fixture
def people(app, clock):
    """A small, varied membership; returns {name: member id}."""
    rt = app.extensions["bot"]
    now = clock.now()
    day = timedelta(days=1)
    with rt.db.session() as s:
        made = {}

        def member(name, joined_days_ago, **kw):
            made[name] = add_member(s, now - joined_days_ago * day, name=name, **kw)
            return made[name]

        gold = member("gold-vip", 700, tier="gold", tags=["vip", "interest:咖啡"], birthday_month=3, birthday_day=1)
        for k in range(6):
            add_order(s, gold, 8_000, now - (5 + 30 * k) * day)
        silver = member("silver-online", 400, tier="silver", tags=["interest:茶"], birthday_month=11, birthday_day=20)
        add_order(s, silver, 12_000, now - 40 * day, channel="online")
        add_order(s, silver, 3_000, now - 500 * day, channel="online")
        newbie = member("newbie", 10, tags=["咖啡"])
        add_order(s, newbie, 800, now - 2 * day)
        member("unsubscribed", 200, marketing_opt_in=False)
        member("blocked", 100, is_blocked=True, birthday_month=3, birthday_day=9)
        lapsed = member("lapsed", 900)
        add_order(s, lapsed, 5_000, now - 400 * day)
        refunded = member("refund-only", 50)
        add_order(s, refunded, 2_000, now - 20 * day, status="refunded", net_amount=0)
        add_member(s, None, name="friend", status="friend", created_at=now - 5 * day)
        add_member(s, now - 300 * day, name=None, status="erased", line_user_id=None)
        rfm.score_all(s, now)
        return {k: v.id for k, v in made.items()}


def names(app, clock, **filters):
    rt = app.extensions["bot"]
    with rt.db.session() as s:
        f = seg.SegmentFilter.from_dict(filters, ("member", "silver", "gold"))
        ids = seg.member_ids(s, f, clock.now())
        from rewards.models import Member
        found = sorted(s.scalars(select(Member.display_name).where(Member.id.in_(ids))))
        assert seg.count(s, f, clock.now()).total == len(found)
        return found


EVERYONE = ["blocked", "gold-vip", "lapsed", "newbie", "refund-only", "silver-online", "unsubscribed"]


@pytest.mark.parametrize("filters,expected", [
    ({}, EVERYONE),
    ({"tiers": ["gold", "silver"]}, ["gold-vip", "silver-online"]),
    ({"tags": ["vip", "咖啡"]}, ["gold-vip", "newbie"]),
    ({"interests": ["咖啡"]}, ["gold-vip"]),
    ({"interests": ["茶", "咖啡"]}, ["gold-vip", "silver-online"]),
    ({"birth_months": [3]}, ["blocked", "gold-vip"]),
    ({"joined_from": "2026-05-01"}, ["blocked", "newbie", "refund-only", "unsubscribed"]),
    ({"joined_to": "2025-11-01"}, ["gold-vip", "lapsed", "silver-online"]),
    ({"last_purchase_from": "2026-10-01"}, ["gold-vip", "newbie", "silver-online"]),
    ({"last_purchase_to": "2025-12-31"}, ["lapsed"]),
    ({"spend_12m_min": 10_000}, ["gold-vip", "silver-online"]),
    ({"spend_12m_max": 0}, ["blocked", "lapsed", "refund-only", "unsubscribed"]),
    ({"orders_min": 2}, ["gold-vip", "silver-online"]),
    ({"orders_max": 0}, ["blocked", "refund-only", "unsubscribed"]),
    ({"channels": ["online"]}, ["silver-online"]),
    ({"channels": ["store"]}, ["gold-vip", "lapsed", "newbie"]),
    ({"subscribed": "no"}, ["unsubscribed"]),
    ({"rfm": ["loyal", "champions"]}, ["gold-vip"]),
    ({"rfm": ["at_risk"]}, ["silver-online"]),
    ({"rfm": ["lost", "hibernating"]}, ["lapsed"]),
    ({"tiers": ["member"], "orders_min": 1, "subscribed": "yes"}, ["lapsed", "newbie"]),
    # relative conditions, and members who never bought said out loud
    ({"last_purchase_over_days": 30}, ["lapsed", "silver-online"]),
    ({"last_purchase_over_days": 30, "never_bought": "include"},
     ["blocked", "lapsed", "refund-only", "silver-online", "unsubscribed"]),
    ({"last_purchase_to": "2025-12-31", "never_bought": "include"},
     ["blocked", "lapsed", "refund-only", "unsubscribed"]),
    ({"never_bought": "only"}, ["blocked", "refund-only", "unsubscribed"]),
    ({"last_purchase_within_days": 7}, ["gold-vip", "newbie"]),
    ({"joined_within_days": 30}, ["newbie"]),
    ({"joined_within_days": 101}, ["blocked", "newbie", "refund-only"]),
    ({"joined_within_days": 100}, ["newbie", "refund-only"]),
    ({"birthday_in": ["this_month"]}, ["silver-online"]),
    ({"birthday_in": ["next_month"]}, []),
])
def test_each_filter(app, clock, people, filters, expected):
    assert names(app, clock, **filters) == expected


def test_relative_conditions_are_evaluated_when_used(app, clock, people):
    """Saved once, a relative segment moves with the day it is used; an absolute one does not."""
    rt = app.extensions["bot"]
    f = seg.SegmentFilter.from_dict({"birthday_in": ["next_month"]})
    g = seg.SegmentFilter.from_dict(seg.SegmentFilter.from_dict({"last_purchase_within_days": 7}).to_dict())
    from rewards.models import Member

    def who(filter_, now):
        with rt.db.session() as s:
            return sorted(s.scalars(select(Member.display_name).where(
                Member.id.in_(seg.member_ids(s, filter_, now)))))

    assert who(f, clock.now()) == []
    assert who(f, clock.now() + timedelta(days=100)) == ["blocked", "gold-vip"]  # in February: March birthdays
    assert who(g, clock.now()) == ["gold-vip", "newbie"]
    assert who(g, clock.now() + timedelta(days=4)) == ["newbie"]  # gold-vip's purchase is 9 days old by then
    assert who(g, clock.now() + timedelta(days=10)) == []


def test_never_buyers_are_named_in_the_description():
    left_out = dict(describe(seg.SegmentFilter.from_dict({"last_purchase_to": "2026-01-01"})))
    assert left_out["從未消費 never bought"] == "不包含 left out"
    included = dict(describe(seg.SegmentFilter.from_dict({"last_purchase_over_days": 90,
                                                               "never_bought": "include"})))
    assert included["從未消費 never bought"] == "包含 included"
    assert "more than 90 days ago" in included["最近消費 last purchase"]
    with pytest.raises(FieldErrors) as caught:
        seg.SegmentFilter.from_dict({"never_bought": "maybe", "birthday_in": ["someday"]})
    assert set(caught.value.problems) == {"never_bought", "birthday_in"}


def test_bad_filters_are_named():
    with pytest.raises(FieldErrors) as caught:
        seg.SegmentFilter.from_dict({"tiers": ["platinum"], "birth_months": [13], "joined_from": "2026-13-01",
                                     "spend_12m_min": "-5", "orders_min": 5, "orders_max": 2, "colour": "red"},
                                    ("member", "gold"))
    assert set(caught.value.problems) == {"tiers", "birth_months", "joined_from", "spend_12m_min", "orders_max",
                                          "colour"}


def test_a_filter_round_trips_through_its_saved_form():
    f = seg.SegmentFilter.from_dict({"tiers": ["gold"], "joined_from": "2026-01-01", "orders_min": "2",
                                     "subscribed": "yes"})
    assert seg.SegmentFilter.from_dict(f.to_dict()) == f
    assert f.to_dict() == {"tiers": ["gold"], "joined_from": "2026-01-01", "orders_min": 2, "subscribed": "yes"}


def test_live_count_endpoint(login_as, people):
    viewer = login_as("viewer")
    data = viewer.get("/console/segments/count?tiers=gold&tiers=silver").get_json()
    assert (data["count"], data["reachable"]) == (2, 2)
    # the preview comes with the count, so the table never shows members the count left out
    assert data["preview"].count("<tr>") == 2 and "gold-vip" in data["preview"] and "newbie" not in data["preview"]
    assert "銀卡" in data["preview"] and ">silver<" not in data["preview"]  # tier names, not codes
    everyone = viewer.get("/console/segments/count").get_json()
    assert (everyone["count"], everyone["reachable"]) == (7, 5)  # minus the unsubscribed and the blocked
    bad = viewer.get("/console/segments/count?birth_months=13")
    assert bad.status_code == 400 and "birth_months" in bad.get_json()["error"]["fields"]


def test_builder_page_shows_count_and_preview(login_as, people):
    page = login_as("viewer").get("/console/segments/new?tags=vip").get_data(as_text=True)
    assert 'id="audience-count">1<' in page and "gold-vip" in page
    assert "儲存分眾" not in page  # viewers read, they don't save


def test_save_rename_reuse_and_archive(app, login_as, people):
    marketer = login_as("marketer")
    response = marketer.post("/console/segments", {"name": "咖啡愛好者", "tags": "咖啡, vip", "subscribed": "yes"})
    assert response.status_code == 302
    with app.extensions["bot"].db.session() as s:
        saved = s.scalar(select(Segment).where(Segment.name == "咖啡愛好者"))
        assert saved.definition == {"tags": ["咖啡", "vip"], "subscribed": "yes"}
        assert saved.created_by == "marketer@shop.example"
    page = marketer.get(f"/console/segments/{saved.id}").get_data(as_text=True)
    assert 'id="audience-count">2<' in page
    assert "咖啡愛好者" in marketer.get("/console/segments").get_data(as_text=True)
    # the same name twice is refused
    assert marketer.post("/console/segments", {"name": "咖啡愛好者", "tiers": "gold"}).status_code == 400
    marketer.post(f"/console/segments/{saved.id}", {"name": "VIP", "tags": "vip"})
    csv = marketer.get(f"/console/segments/{saved.id}/members.csv").get_data(as_text=True)
    assert "gold-vip" in csv and "newbie" not in csv
    marketer.post(f"/console/segments/{saved.id}", {"what": "archive"})
    assert f"/console/segments/{saved.id}\"" not in marketer.get("/console/segments").get_data(as_text=True)
    with app.extensions["bot"].db.session() as s:
        actions = list(s.scalars(select(AuditLog.action).where(AuditLog.target == f"segment:{saved.id}")
                                 .order_by(AuditLog.id)))
    assert actions == ["segment.create", "segment.update", "segment.archive"]


def test_viewers_cannot_save_segments(app, login_as, people):
    assert login_as("viewer").post("/console/segments", {"name": "x", "tiers": "gold"}).status_code == 403
    with app.extensions["bot"].db.session() as s:
        assert s.scalar(select(Segment)) is None
