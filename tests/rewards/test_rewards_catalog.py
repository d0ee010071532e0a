from datetime import datetime, timedelta

import pytest
from sqlalchemy import func, select

from rewards import catalog, ledger
from rewards.errors import InsufficientPoints, NotAMember, OutOfStock, RewardInactive, RewardNotFound
from rewards.models import Coupon, PointsLedger

from rewards_testkit import TZ


@pytest.fixture
def coffee(session, now):
    return catalog.create_reward(session, "美式咖啡", "Americano", 100, 80, now, stock=2)


def test_list_rewards(session, now, coffee):
    cheap = catalog.create_reward(session, "貼紙", "Sticker", 10, 0, now)
    catalog.create_reward(session, "舊品", "Old", 5, 0, now, active=False)
    assert [r.id for r in catalog.list_rewards(session)] == [cheap.id, coffee.id]
    assert len(catalog.list_rewards(session, active_only=False)) == 3
    assert catalog.get_reward(session, coffee.id) is coffee
    with pytest.raises(RewardNotFound):
        catalog.get_reward(session, 999_999)


def test_affordable(session, make_member, give_points, now, coffee):
    m = make_member()
    give_points(m, 50)
    sticker = catalog.create_reward(session, "貼紙", "Sticker", 10, 0, now)
    assert [r.id for r in catalog.affordable(session, m)] == [sticker.id]


def test_redeem_debits_takes_stock_and_gives_a_coupon(session, make_member, give_points, now, settings, coffee):
    m = make_member()
    give_points(m, 250)
    c = catalog.redeem_reward(session, m, coffee, "nonce-1", now, settings)
    assert (c.kind, c.value, c.reward_id, c.member_id, c.title_en) == ("reward", 80, coffee.id, m.id, "Americano")
    assert c.valid_until == datetime(2027, 2, 19, tzinfo=TZ)  # valid through 90 days later
    assert (m.balance, coffee.stock) == (150, 1)
    row = ledger.entry_for_key(session, f"redeem:{m.id}:nonce-1")
    assert (row.delta, row.kind, row.reason_code, row.reason_params["reward_zh"]) == (-100, "redeem", "redeem_reward",
                                                                              "美式咖啡")


def test_double_tap_redeems_once(session, make_member, give_points, now, settings, coffee):
    m = make_member()
    give_points(m, 250)
    first = catalog.redeem_reward(session, m, coffee, "tap", now, settings)
    second = catalog.redeem_reward(session, m, coffee, "tap", now + timedelta(seconds=1), settings)
    assert second.id == first.id and (m.balance, coffee.stock) == (150, 1)
    third = catalog.redeem_reward(session, m, coffee, "tap-2", now, settings)
    assert third.id != first.id and (m.balance, coffee.stock) == (50, 0)


def test_insufficient_points_changes_nothing(session, make_member, give_points, now, settings, coffee):
    m = make_member()
    give_points(m, 99)
    with pytest.raises(InsufficientPoints):
        catalog.redeem_reward(session, m, coffee, "n", now, settings)
    assert (m.balance, coffee.stock) == (99, 2)
    assert session.scalar(select(func.count()).select_from(Coupon)) == 0
    assert session.scalar(select(func.count()).select_from(PointsLedger).where(PointsLedger.kind == "redeem")) == 0


def test_out_of_stock_and_inactive(session, make_member, give_points, now, settings, coffee):
    m = make_member()
    give_points(m, 1000)
    catalog.redeem_reward(session, m, coffee, "a", now, settings)
    catalog.redeem_reward(session, m, coffee, "b", now, settings)
    with pytest.raises(OutOfStock):
        catalog.redeem_reward(session, m, coffee, "c", now, settings)
    assert (m.balance, coffee.stock) == (800, 0)
    tea = catalog.create_reward(session, "茶", "Tea", 50, 50, now, active=False)
    with pytest.raises(RewardInactive):
        catalog.redeem_reward(session, m, tea, "d", now, settings)
    assert m.balance == 800


def test_unlimited_stock_stays_unlimited(session, make_member, give_points, now, settings):
    m = make_member()
    give_points(m, 100)
    free = catalog.create_reward(session, "貼紙", "Sticker", 10, 0, now)
    for i in range(3):
        catalog.redeem_reward(session, m, free, f"n{i}", now, settings)
    assert free.stock is None and m.balance == 70


def test_only_members_redeem(session, make_member, now, settings, coffee):
    with pytest.raises(NotAMember):
        catalog.redeem_reward(session, make_member(status="friend"), coffee, "n", now, settings)
