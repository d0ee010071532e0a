from dataclasses import replace
from datetime import datetime

from sqlalchemy import func, select

from rewards.gifts import give_welcome_gift
from rewards.models import Coupon

from rewards_testkit import TZ


def titles(kind, value):
    """The edge's words for a gift coupon (bot.texts.coupon_titles in the app)."""
    return f"{kind} {value} zh", f"{kind} {value} en"


def test_welcome_points_once(session, make_member, now, settings):
    m = make_member()
    gift = give_welcome_gift(session, m, now, settings, titles)
    assert (gift.kind, gift.points, gift.entry.delta, m.balance) == ("points", 50, 50, 50)
    assert gift.entry.idempotency_key == f"welcome:{m.id}"
    assert give_welcome_gift(session, m, now, settings, titles) is None
    # switching the programme to coupons later gives nobody a second gift
    assert give_welcome_gift(session, m, now, replace(settings, welcome_gift_kind="coupon"), titles) is None
    assert m.balance == 50


def test_welcome_coupon_once(session, make_member, now, settings):
    coupon_settings = replace(settings, welcome_gift_kind="coupon")
    m = make_member()
    gift = give_welcome_gift(session, m, now, coupon_settings, titles)
    c = gift.coupon
    assert (gift.kind, c.kind, c.value, c.uniqueness_key) == ("coupon", "welcome", 100, f"welcome:{m.id}")
    assert (c.title_zh, c.title_en) == ("welcome 100 zh", "welcome 100 en")
    assert c.valid_until == datetime(2026, 12, 21, tzinfo=TZ)  # valid through 30 days later
    assert give_welcome_gift(session, m, now, coupon_settings, titles) is None
    assert give_welcome_gift(session, m, now, settings, titles) is None
    assert m.balance == 0
    assert session.scalar(select(func.count()).select_from(Coupon)) == 1


def test_nothing_configured_gives_nothing(session, make_member, now, settings):
    assert give_welcome_gift(session, make_member(), now, replace(settings, welcome_gift_points=0), titles) is None
