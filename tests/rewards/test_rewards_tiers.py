from dataclasses import replace
from datetime import date, datetime, timedelta

from sqlalchemy import func, select

from rewards import orders, tiers
from rewards.models import AuditLog, Outbox

from rewards_testkit import TZ


def order(session, member, now, settings, amount, placed_at=None, n=[0]):
    n[0] += 1
    return orders.record_fields(session, member, "store", f"T-{n[0]}", amount, placed_at or now, "S01", None, now,
                               settings)


def test_spend_is_net_over_the_rolling_window(session, make_member, now, settings):
    m = make_member()
    order(session, m, now, settings, 5000, placed_at=now - timedelta(days=400))  # outside 12 months
    o = order(session, m, now, settings, 8000, placed_at=now - timedelta(days=30)).order
    orders.refund(session, o, "R", 1000, now, settings)
    assert tiers.spend_in_window(session, m.id, now, settings) == 7000
    assert m.tier == "member"


def test_upgrade_at_once_and_once(session, make_member, now, settings):
    m = make_member()
    order(session, m, now, settings, 6000)
    assert tiers.evaluate_upgrade(session, m, now, settings) is None
    r = order(session, m, now, settings, 4000)
    assert r.tier_changed and m.tier == "silver" and m.tier_since == now
    assert tiers.evaluate_upgrade(session, m, now, settings) is None
    r = order(session, m, now, settings, 25_000)  # straight on to gold
    assert r.tier == "gold"
    kinds = session.execute(select(Outbox.params).where(Outbox.kind == "tier_up")).scalars().all()
    assert [(p["old_tier"], p["new_tier"]) for p in kinds] == [("member", "silver"), ("silver", "gold")]


def test_tier_status(session, make_member, now, settings):
    m = make_member()
    order(session, m, now, settings, 4000, placed_at=now - timedelta(days=330))  # drops out before the review
    order(session, m, now, settings, 7000)
    st = tiers.tier_status(session, m, now, settings)
    assert (st.tier.code, st.spend, st.next_tier.code, st.spend_to_next) == ("silver", 11_000, "gold", 19_000)
    assert st.next_review == date(2027, 1, 1)
    # at 2027-01-01 the 4,000 (placed 2025-12-25) no longer counts: 3,000 more keeps silver
    assert (st.spend_counted_at_review, st.spend_to_keep, st.keeps_tier) == (7000, 3000, False)
    top = make_member(tier="gold")
    st = tiers.tier_status(session, top, now, settings)
    assert st.next_tier is None and st.spend_to_next is None and st.spend_to_keep == 30_000


def test_yearly_review_downgrades_once_and_only_in_the_review_month(session, make_member, now, settings):
    keep = make_member(tier="silver")
    drop = make_member(tier="gold", tier_since=now - timedelta(days=200))
    order(session, keep, now, settings, 12_000)
    order(session, drop, now, settings, 2_000)
    review_time = datetime(2027, 1, 1, 0, 5, tzinfo=TZ)
    s = tiers.yearly_review(session, review_time, settings)
    assert s.ran and (s.downgraded, s.upgraded) == (1, 0) and s.review_date == date(2027, 1, 1)
    session.refresh(keep), session.refresh(drop)
    assert (keep.tier, drop.tier) == ("silver", "member")
    assert drop.tier_since == datetime(2027, 1, 1, tzinfo=TZ)
    notice = session.scalar(select(Outbox).where(Outbox.kind == "tier_down"))
    assert notice.member_id == drop.id and notice.params["old_tier"] == "gold"
    again = tiers.yearly_review(session, review_time + timedelta(days=3), settings)
    assert not again.ran and again.note == "already done"
    assert session.scalar(select(func.count()).select_from(AuditLog).where(AuditLog.action == "tier_review")) == 1


def test_no_review_outside_the_review_month(session, make_member, now, settings):
    m = make_member(tier="gold", tier_since=now - timedelta(days=200))
    s = tiers.yearly_review(session, now, settings)  # 20 November
    assert not s.ran and s.note == "not the review month"
    session.refresh(m)
    assert m.tier == "gold"
    s = tiers.yearly_review(session, datetime(2027, 2, 1, 9, tzinfo=TZ), settings)
    assert not s.ran


def test_late_review_spares_members_upgraded_after_the_review_instant(session, make_member, settings):
    jan3 = datetime(2027, 1, 3, 10, tzinfo=TZ)
    m = make_member(tier="member")
    order(session, m, jan3, settings, 11_000)  # upgrades on 3 Jan, after the review instant
    assert m.tier == "silver"
    s = tiers.yearly_review(session, jan3 + timedelta(hours=1), settings)  # the worker was down on the 1st
    assert s.ran and s.downgraded == 0
    session.refresh(m)
    assert m.tier == "silver"


def test_review_month_is_configurable(session, make_member, settings):
    april = replace(settings, tier_review_month=4)
    m = make_member(tier="silver", tier_since=datetime(2026, 1, 1, tzinfo=TZ))
    assert not tiers.yearly_review(session, datetime(2027, 1, 1, 9, tzinfo=TZ), april).ran
    s = tiers.yearly_review(session, datetime(2027, 4, 1, 9, tzinfo=TZ), april)
    assert s.ran and s.downgraded == 1
    session.refresh(m)
    assert m.tier == "member"


def test_a_tier_brought_from_another_programme_is_kept_through_its_tier_until(session, make_member, settings):
    held = make_member(tier="gold", tier_since=datetime(2026, 1, 5, tzinfo=TZ), tier_until=date(2027, 6, 30))
    ended = make_member(tier="gold", tier_since=datetime(2026, 1, 5, tzinfo=TZ), tier_until=date(2026, 12, 31))
    s = tiers.yearly_review(session, datetime(2027, 1, 1, 0, 5, tzinfo=TZ), settings)
    assert s.ran and s.downgraded == 1
    session.refresh(held), session.refresh(ended)
    assert (held.tier, ended.tier) == ("gold", "member")


def test_a_tier_held_through_the_next_review_needs_no_spend_to_keep(session, make_member, settings):
    """So the tier-keep warning (messaging/tier_keep.py) is not sent to someone whose tier holds anyway."""
    now = datetime(2026, 12, 1, 10, tzinfo=TZ)  # the next review: 2027-01-01
    held = make_member(tier="gold", tier_since=datetime(2026, 1, 5, tzinfo=TZ), tier_until=date(2027, 6, 30))
    ends = make_member(tier="gold", tier_since=datetime(2026, 1, 5, tzinfo=TZ), tier_until=date(2026, 12, 31))
    assert tiers.tier_status(session, held, now, settings).keeps_tier
    status = tiers.tier_status(session, ends, now, settings)
    assert not status.keeps_tier and status.spend_to_keep == settings.tier("gold").threshold
