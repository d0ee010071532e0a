"""rewards/spends.py: points spent at the till, once per order; cancelled once; a refund's share back.
The races run real threads with their own sessions, on SQLite and PostgreSQL."""
from __future__ import annotations

from collections import Counter
from dataclasses import replace

import pytest
from sqlalchemy import func, select

from core.field_errors import FieldErrors
from rewards import ledger, orders, spends
from rewards.errors import NotAMember, SpendConflict, SpendNotFound, SpendTooLarge
from rewards.models import Member, PointsLedger, PointsSpend

from rewards_testkit import run_together


def outcome(result) -> str:
    return type(result).__name__ if isinstance(result, BaseException) else "ok"


def test_a_spend_is_one_debit_with_its_key_and_reason(session, make_member, give_points, now, settings):
    m = make_member()
    give_points(m, 300)
    result = spends.spend_points(session, m, "POS-1", 120, now, replace(settings, point_value=3))
    spend = result.spend
    assert result.created and (spend.points, spend.discount, spend.balance_after) == (120, 360, 180)
    row = ledger.entry_for_key(session, f"spend:{spend.id}")
    assert (row.delta, row.kind, row.reason_code) == (-120, "redeem", "spend_till")
    assert row.reason_params == {"points": 120, "discount": 360, "order": "POS-1"}


def test_a_replay_is_the_first_spend_and_other_points_conflict(session, make_member, give_points, now, settings):
    m, other = make_member(), make_member()
    give_points(m, 300)
    first = spends.spend_points(session, m, "POS-1", 100, now, settings).spend
    again = spends.spend_points(session, m, " POS-1 ", 100, now, settings)
    assert not again.created and again.spend.id == first.id
    with pytest.raises(SpendConflict):
        spends.spend_points(session, m, "POS-1", 101, now, settings)
    with pytest.raises(SpendConflict):
        spends.spend_points(session, other, "POS-1", 100, now, settings)
    assert ledger.balance_of(session, m.id) == 200


def test_too_many_points_leave_nothing_behind(session, make_member, give_points, now, settings):
    m = make_member()
    give_points(m, 10)
    with pytest.raises(SpendTooLarge) as err:
        spends.spend_points(session, m, "POS-1", 11, now, settings)
    assert err.value.http_status == 409 and err.value.fields == {"balance": 10, "points": 11}
    assert session.scalar(select(func.count()).select_from(PointsSpend)) == 0
    assert ledger.balance_of(session, m.id) == 10


@pytest.mark.parametrize("points", [0, -1, 2.5, "3", True, None])
def test_points_are_a_positive_whole_number(session, make_member, give_points, now, settings, points):
    m = make_member()
    give_points(m, 10)
    with pytest.raises(FieldErrors) as err:
        spends.spend_points(session, m, "POS-1", points, now, settings)
    assert set(err.value.problems) == {"points"}


def test_a_friend_cannot_spend(session, make_member, now, settings):
    with pytest.raises(NotAMember):
        spends.spend_points(session, make_member(status="friend"), "POS-1", 1, now, settings)


def test_cancel_once_and_only_the_members_own(session, make_member, give_points, now, settings):
    m, other = make_member(), make_member()
    give_points(m, 100)
    spend = spends.spend_points(session, m, "POS-1", 60, now, settings).spend
    with pytest.raises(SpendNotFound):
        spends.cancel(session, other, spend.spend_id, now, settings)
    first = spends.cancel(session, m, spend.spend_id, now, settings)
    again = spends.cancel(session, m, spend.spend_id, now, settings)
    assert first.created and not again.created
    assert (again.spend.status, again.spend.points_returned, again.spend.cancel_balance) == ("cancelled", 60, 100)
    assert session.scalar(select(func.count()).select_from(PointsLedger)
                          .where(PointsLedger.reason_code == "spend_cancelled")) == 1


def test_refunds_give_back_the_share_never_more_than_spent(session, make_member, give_points, now, settings):
    m = make_member()
    give_points(m, 100)
    spends.spend_points(session, m, "POS-1", 7, now, settings)
    order = orders.record_fields(session, m, "store", "POS-1", 3, now, None, None, now, settings).order
    given = [orders.refund(session, order, f"R{i}", 1, now, settings).spent_points_returned for i in range(3)]
    assert given == [2, 2, 3]  # 7*1//3, 7*2//3 - 2, all 7 once fully refunded
    assert session.scalar(select(PointsSpend.points_returned)) == 7
    assert ledger.balance_of(session, m.id) == 100


# -- races, on both databases ---------------------------------------------------------------------------

def test_fifty_spends_at_once_give_exactly_as_many_as_fit(session, session_factory, make_member, give_points, now,
                                                          settings):
    m = make_member()
    give_points(m, 1000)
    session.commit()

    def work(s, i):
        spends.spend_points(s, s.get(Member, m.id), f"RACE-{i}", 70, now, settings)
        return "ok"
    results = run_together(session_factory, 50, work)
    assert Counter(map(outcome, results)) == Counter({"ok": 14, "SpendTooLarge": 36})  # 14 x 70 = 980
    session.expire_all()
    assert ledger.balance_of(session, m.id) == 20 == ledger.ledger_sum(session, m.id)
    assert session.scalar(select(func.count()).select_from(PointsSpend)) == 14


def test_replays_at_once_spend_once(session, session_factory, make_member, give_points, now, settings):
    m = make_member()
    give_points(m, 1000)
    session.commit()

    def work(s, i):
        result = spends.spend_points(s, s.get(Member, m.id), "TAP", 100, now, settings)
        return result.spend.spend_id, result.created
    results = run_together(session_factory, 12, work)
    assert Counter(created for _sid, created in results) == Counter({True: 1, False: 11}), results
    assert len({sid for sid, _created in results}) == 1
    session.expire_all()
    assert ledger.balance_of(session, m.id) == 900


def test_cancels_and_refunds_at_once_give_back_once(session, session_factory, make_member, give_points, now,
                                                    settings):
    m = make_member()
    give_points(m, 500)
    spend = spends.spend_points(session, m, "POS-1", 500, now, settings).spend
    order = orders.record_fields(session, m, "store", "POS-1", 99, now, None, None, now, settings).order
    session.commit()

    def work(s, i):
        if i % 3 == 0:
            return orders.refund(s, s.get(type(order), order.id), f"R{i}", 10, now, settings).spent_points_returned
        return spends.cancel(s, s.get(Member, m.id), spend.spend_id, now, settings).created
    results = run_together(session_factory, 9, work)
    assert not [r for r in results if isinstance(r, BaseException)], results
    assert [r for i, r in enumerate(results) if i % 3].count(True) == 1
    session.expire_all()
    assert session.get(PointsSpend, spend.id).points_returned == 500
    assert ledger.balance_of(session, m.id) == 500 == ledger.ledger_sum(session, m.id)
