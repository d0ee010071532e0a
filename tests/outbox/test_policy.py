"""The messaging policy: quiet hours, weekly cap, opt-in, blocked and erased members."""
from __future__ import annotations

from dataclasses import replace
from datetime import datetime, time, timedelta, timezone

from sqlalchemy import select, update

from messaging import policy
from messaging.policy import HOLD, SEND, SKIP
from rewards.models import Member, Outbox
from rewards.settings import ProgramSettings

from ..conftest import TAIPEI
from .helpers import add_members, queue_rows

SETTINGS = ProgramSettings()


def at(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 11, day, hour, minute, tzinfo=TAIPEI)


def member(db, **fields) -> Member:
    (mid,) = add_members(db, 1, at(1, 12), **fields)
    with db.session() as s:
        return s.get(Member, mid)


def decide(db, m, category, now, settings=SETTINGS):
    with db.session() as s:
        return policy.decide(s, m, category, now, settings)


def test_marketing_in_the_evening_waits_until_nine_the_next_morning(db):
    m = member(db)
    for evening in (at(20, 21), at(20, 22, 30), at(20, 23, 59)):
        d = decide(db, m, "marketing", evening)
        assert (d.action, d.reason, d.until) == (HOLD, "quiet_hours", at(21, 9))


def test_marketing_after_midnight_waits_until_nine_the_same_morning(db):
    m = member(db)
    for night in (at(21, 0), at(21, 3, 15), at(21, 8, 59)):
        assert decide(db, m, "marketing", night).until == at(21, 9)


def test_marketing_goes_between_nine_and_nine(db):
    m = member(db)
    for day in (at(20, 9), at(20, 14), at(20, 20, 59)):
        assert decide(db, m, "marketing", day).action == SEND


def test_quiet_hours_follow_the_settings(db):
    m = member(db)
    lunch = replace(SETTINGS, quiet_start=time(12, 0), quiet_end=time(13, 30))
    assert decide(db, m, "marketing", at(20, 12, 10), lunch).until == at(20, 13, 30)
    assert decide(db, m, "marketing", at(20, 22), lunch).action == SEND
    never = replace(SETTINGS, quiet_start=time(0, 0), quiet_end=time(0, 0))
    assert decide(db, m, "marketing", at(20, 23), never).action == SEND


def test_quiet_hours_are_read_in_the_timezone_of_now(db):
    m = member(db)
    ten_pm_in_taipei = at(20, 22)
    assert decide(db, m, "marketing", ten_pm_in_taipei).until == at(21, 9)
    same_instant_in_utc = ten_pm_in_taipei.astimezone(timezone.utc)  # 14:00 in UTC: not quiet there
    assert decide(db, m, "marketing", same_instant_in_utc).action == SEND


def test_service_messages_go_at_once_even_at_night(db):
    m = member(db, marketing_opt_in=False)
    assert decide(db, m, "service", at(20, 23, 30)).action == SEND
    assert decide(db, m, "service", at(21, 2)).action == SEND


def test_unsubscribed_members_get_no_marketing(db):
    m = member(db, marketing_opt_in=False)
    d = decide(db, m, "marketing", at(20, 14))
    assert (d.action, d.reason) == (SKIP, "unsubscribed")


def test_blocked_and_erased_members_get_nothing(db):
    blocked = member(db, is_blocked=True)
    (erased_id,) = add_members(db, 1, at(1, 12), start=500)
    with db.session() as s:
        s.execute(update(Member).where(Member.id == erased_id)
                  .values(status="erased", line_user_id=None, erased_at=at(2, 12)))
        erased = s.get(Member, erased_id)
    for category in ("service", "marketing"):
        assert decide(db, blocked, category, at(20, 14)).reason == "blocked"
        assert decide(db, erased, category, at(20, 14)).reason == "erased"
        assert decide(db, blocked, category, at(20, 14)).action == SKIP


def _sent_marketing(db, member_id, *when):
    for i, sent_at in enumerate(when):
        queue_rows(db, [member_id], sent_at, category="marketing", key=f"sent{i}")
        with db.session() as s:
            s.execute(update(Outbox).where(Outbox.dedup_key == f"sent{i}:{member_id}")
                      .values(status="sent", sent_at=sent_at))


def test_the_third_marketing_message_in_seven_days_is_skipped(db):
    m = member(db)
    now = at(20, 14)
    _sent_marketing(db, m.id, now - timedelta(days=6), now - timedelta(hours=1))
    d = decide(db, m, "marketing", now)
    assert (d.action, d.reason) == (SKIP, "weekly_cap")
    assert decide(db, m, "service", now).action == SEND  # the cap is for marketing only


def test_the_cap_window_rolls(db):
    m = member(db)
    now = at(20, 14)
    _sent_marketing(db, m.id, now - timedelta(days=7, minutes=1), now - timedelta(days=1))
    assert decide(db, m, "marketing", now).action == SEND
    with db.session() as s:
        assert policy.recent_marketing_counts(s, [m.id], now) == {m.id: 1}


def test_the_cap_follows_the_settings(db):
    m = member(db)
    now = at(20, 14)
    _sent_marketing(db, m.id, now - timedelta(days=1))
    assert decide(db, m, "marketing", now, replace(SETTINGS, marketing_weekly_cap=1)).reason == "weekly_cap"


def test_predicting_a_broadcasts_skips(db):
    now = at(20, 14)
    ok = add_members(db, 5, now, start=1)
    add_members(db, 2, now, start=10, marketing_opt_in=False)
    add_members(db, 3, now, start=20, is_blocked=True)
    capped = add_members(db, 1, now, start=30)
    _sent_marketing(db, capped[0], now - timedelta(days=1), now - timedelta(days=2))
    with db.session() as s:
        everyone = list(s.scalars(select(Member)))
        assert policy.predict_skips(s, everyone, now, SETTINGS) == {"unsubscribed": 2, "blocked": 3, "weekly_cap": 1}
        assert policy.predict_skips(s, everyone, now, SETTINGS, category="service") == {"blocked": 3}
        # the one-query version the broadcast forecast uses says the same
        ids = select(Member.id)
        for category in ("marketing", "service"):
            assert policy.predict_skips_of(s, ids, now, SETTINGS, category) == (
                11, policy.predict_skips(s, everyone, now, SETTINGS, category=category))
    assert len(ok) == 5
