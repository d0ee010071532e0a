import random
from datetime import datetime, timedelta

import pytest
from sqlalchemy import func, select

from core.field_errors import FieldErrors
from rewards import ledger, orders
from rewards.errors import InsufficientPoints, NotAMember, OrderConflict, OrderNotFound, RefundConflict, RefundTooLarge
from rewards.models import Order, Outbox, PointsLedger, Refund
from rewards.order_input import OrderInput
from rewards.settings import ProgramSettings


PLACED = datetime.fromisoformat("2026-11-20T14:03:00+08:00")


def record(session, member, now, settings, external_id="BARS-1", amount=12345, channel="store", store_id="S01",
           items=None, placed_at=PLACED):
    return orders.record_fields(session, member, channel, external_id, amount, placed_at, store_id, items, now, settings)


@pytest.mark.parametrize("amount, pct, points", [
    (12345, 100, 123), (99, 100, 0), (100, 100, 1), (1250, 120, 14), (12345, 150, 184), (199, 150, 1),
    (0, 100, 0), (10_000, 120, 120),
])
def test_points_rounding(amount, pct, points):
    assert orders.points_for(amount, pct, ProgramSettings()) == points


def test_record_order_credits_points_and_queues_a_receipt(session, make_member, now, settings):
    m = make_member()
    r = record(session, m, now, settings, items=[{"sku": "A", "quantity": 1, "price": 12345}])
    assert (r.created, r.points_earned, r.balance, r.tier, r.tier_changed) == (True, 123, 123, "silver", True)
    assert r.order.status == "paid" and r.order.net_amount == 12345 and r.order.multiplier_pct == 100
    assert r.order.items == [{"sku": "A", "quantity": 1, "price": 12345}]
    earn = ledger.entry_for_key(session, f"order:{r.order.id}:earn")
    assert earn.delta == 123 and earn.order_id == r.order.id and earn.reason_code == "earn_order"
    receipt = session.scalar(select(Outbox).where(Outbox.dedup_key == f"receipt:{r.order.id}"))
    assert receipt.kind == "receipt" and receipt.category == "service"
    p = receipt.params
    assert (p["amount"], p["points"], p["multiplier_pct"], p["balance"], p["store_id"]) == (12345, 123, 100, 123, "S01")
    assert p["base_points"] == 123 and not any(isinstance(v, str) and "NT$" in v for v in p.values())  # no words


def _answer(result):
    """What a caller is told about a recorded order (the same on a replay)."""
    o = result.order
    return (o.channel, o.external_id, o.amount, o.placed_at, o.store_id, o.multiplier_pct, result.points_earned,
            result.balance, result.tier, result.tier_changed)


def test_same_order_again_gives_the_same_result(session, make_member, now, settings):
    m = make_member()
    first = record(session, m, now, settings)
    # the same instant written in another offset is the same request
    again = record(session, m, now + timedelta(minutes=5), settings,
                   placed_at=datetime.fromisoformat("2026-11-20T06:03:00+00:00"))
    assert again.created is False and again.order.id == first.order.id
    assert _answer(again) == _answer(first)
    assert m.balance == 123
    assert session.scalar(select(func.count()).select_from(PointsLedger)) == 1
    assert session.scalar(select(func.count()).select_from(Outbox).where(Outbox.kind == "receipt")) == 1


@pytest.mark.parametrize("change", [{"amount": 999}, {"store_id": "S02"}, {"items": [{"sku": "B", "quantity": 1, "price": 1}]},
                                    {"placed_at": PLACED + timedelta(minutes=1)}])
def test_same_id_different_content_conflicts(session, make_member, now, settings, change):
    m = make_member()
    record(session, m, now, settings)
    with pytest.raises(OrderConflict) as info:
        record(session, m, now, settings, **change)
    assert info.value.http_status == 409
    assert m.balance == 123


def test_same_id_for_another_member_conflicts_but_other_channel_is_another_order(session, make_member, now, settings):
    a, b = make_member(), make_member()
    record(session, a, now, settings)
    with pytest.raises(OrderConflict):
        record(session, b, now, settings)
    assert record(session, b, now, settings, channel="online").created


def test_multiplier_is_the_tier_before_the_order(session, make_member, now, settings):
    silver = make_member(tier="silver")
    r = record(session, silver, now, settings, amount=1250, external_id="S-1")
    assert (r.points_earned, r.order.multiplier_pct, r.order.tier_at_order) == (14, 120, "silver")
    # the order that lifts a member to silver still earns at x1.0
    m = make_member()
    r = record(session, m, now, settings, amount=10_000, external_id="UP-1")
    assert (r.points_earned, r.tier, r.tier_changed) == (100, "silver", True)
    notice = session.scalar(select(Outbox).where(Outbox.member_id == m.id, Outbox.kind == "tier_up"))
    assert notice.params["old_tier"] == "member" and notice.params["new_tier"] == "silver"
    r = record(session, m, now, settings, amount=1000, external_id="UP-2")
    assert (r.points_earned, r.tier_changed) == (12, False)


def test_small_order_earns_nothing_but_is_recorded(session, make_member, now, settings):
    m = make_member()
    r = record(session, m, now, settings, amount=99)
    assert r.created and r.points_earned == 0 and m.balance == 0
    assert session.scalar(select(func.count()).select_from(Outbox).where(Outbox.kind == "receipt")) == 1


def test_only_members_earn(session, make_member, now, settings):
    friend = make_member(status="friend")
    with pytest.raises(NotAMember):
        record(session, friend, now, settings)
    assert session.scalar(select(func.count()).select_from(Order)) == 0


@pytest.mark.parametrize("kw, field", [
    ({"channel": "moon"}, "channel"), ({"external_id": ""}, "order_id"), ({"amount": -5}, "amount"),
    ({"amount": "12.5"}, "amount"), ({"placed_at": datetime(2026, 11, 20)}, "placed_at"),
    ({"items": "{not json"}, "items"), ({"items": {"a": 1}}, "items"), ({"store_id": "S" * 33}, "store_id"),
])
def test_record_order_validates(session, make_member, now, settings, kw, field):
    m = make_member()
    args = dict(channel="store", external_id="V-1", amount=100, placed_at=PLACED, store_id="S01", items=None)
    args.update(kw)
    with pytest.raises(FieldErrors) as info:
        orders.record_fields(session, m, args["channel"], args["external_id"], args["amount"], args["placed_at"],
                            args["store_id"], args["items"], now, settings)
    assert field in info.value.problems


def test_parse_order(settings):
    now = PLACED + timedelta(days=1)
    item = '[{"sku": "A", "quantity": 1, "price": 100}]'
    ok = OrderInput.parse({"channel": " Store ", "order_id": 42, "member_code": "m1", "amount": "12345",
                           "placed_at": "2026-11-20T14:03:00+08:00", "store_id": "", "items": item}, now, settings,
                          from_text=True)
    assert ok == OrderInput("store", "42", "M1", 12345, PLACED, None, [{"sku": "A", "quantity": 1, "price": 100}])
    with pytest.raises(FieldErrors) as info:
        OrderInput.parse({"channel": "store", "order_id": "X", "member_code": "nope", "amount": -5,
                          "placed_at": "yesterday"}, now, settings)
    assert set(info.value.problems) == {"amount", "placed_at"}
    with pytest.raises(FieldErrors) as info:
        OrderInput.parse([], now, settings)
    assert "body" in info.value.problems
    with pytest.raises(FieldErrors) as info:
        OrderInput.parse({"amount": True}, now, settings)
    assert {"channel", "order_id", "member_code", "amount", "placed_at"} <= set(info.value.problems)
    with pytest.raises(FieldErrors) as info:  # a JSON body says numbers as numbers
        OrderInput.parse({"channel": "store", "order_id": 42, "member_code": "M1", "amount": "12345",
                          "placed_at": "2026-11-20T14:03:00+08:00"}, now, settings)
    assert set(info.value.problems) == {"order_id", "amount"}


def test_find_order(session, make_member, now, settings):
    m = make_member()
    r = record(session, m, now, settings)
    assert orders.find_order(session, "store", "BARS-1").id == r.order.id
    with pytest.raises(OrderNotFound):
        orders.find_order(session, "online", "BARS-1")


# -- refunds ------------------------------------------------------------------------------------------

def test_partial_refund_keeps_what_the_net_amount_earns(session, make_member, now, settings):
    m = make_member()
    o = record(session, m, now, settings).order
    rf = orders.refund(session, o, "R1", 6000, now, settings)
    assert (rf.created, rf.points_reversed, rf.shortfall, rf.balance) == (True, 60, 0, 63)
    assert (rf.order_status, rf.net_amount) == ("partially_refunded", 6345)
    again = orders.refund(session, o, "R1", 6000, now, settings)
    assert (again.created, again.points_reversed, again.balance, again.refund.id) == (False, 60, 63, rf.refund.id)
    with pytest.raises(RefundTooLarge) as info:
        orders.refund(session, o, "R2", 7000, now, settings)
    assert info.value.fields == {"amount": 7000, "refundable": 6345} and info.value.http_status == 422
    assert m.balance == 63
    notice = session.scalar(select(Outbox).where(Outbox.kind == "refund"))
    assert notice.params["points_reversed"] == 60 and notice.params["balance"] == 63


def test_refund_id_reused_with_another_amount_conflicts(session, make_member, now, settings):
    m = make_member()
    o = record(session, m, now, settings).order
    orders.refund(session, o, "R1", 100, now, settings)
    with pytest.raises(RefundConflict):
        orders.refund(session, o, "R1", 200, now, settings)


def test_full_refund_takes_all_points_back(session, make_member, now, settings):
    m = make_member()
    o = record(session, m, now, settings).order
    rf = orders.refund(session, o, "ALL", 12345, now, settings)
    assert (rf.points_reversed, rf.order_status, rf.net_amount, m.balance) == (123, "refunded", 0, 0)
    with pytest.raises(RefundTooLarge):
        orders.refund(session, o, "MORE", 1, now, settings)


def test_refund_validates(session, make_member, now, settings):
    o = record(session, make_member(), now, settings).order
    for rid, amount in (("", 10), ("R", 0), ("R", -1), ("R", "x")):
        with pytest.raises(FieldErrors):
            orders.refund(session, o, rid, amount, now, settings)


def test_many_partial_refunds_always_leave_exactly_the_net_points(session, make_member, now, settings):
    rnd = random.Random(7)
    for n in range(5):
        pct = rnd.choice([100, 120, 150])
        m = make_member(tier={100: "member", 120: "silver", 150: "gold"}[pct])
        o = record(session, m, now, settings, external_id=f"RR-{n}", amount=rnd.randint(1000, 50_000)).order
        k = 0
        while o.net_amount > 0:
            k += 1
            part = min(o.net_amount, rnd.randint(1, 9_000))
            orders.refund(session, o, f"r{k}", part, now, settings)
            taken = session.scalar(select(func.sum(Refund.points_reversed + Refund.shortfall))
                                   .where(Refund.order_id == o.id))
            assert o.points_earned - taken == orders.points_for(o.net_amount, o.multiplier_pct, settings)
        assert m.balance == 0


def test_refund_after_points_were_spent_goes_to_zero_and_records_the_shortfall(session, make_member, now, settings):
    m = make_member()
    o = record(session, m, now, settings).order
    ledger.debit(session, m, 100, "redeem", "redeem_reward", {"cost": 100}, "spend", now)
    rf = orders.refund(session, o, "R1", 12345, now, settings)
    assert (rf.points_reversed, rf.shortfall, rf.balance) == (23, 100, 0)
    row = ledger.entry_for_key(session, f"refund:{o.id}:R1")
    assert (row.delta, row.shortfall, row.kind) == (-23, 100, "refund")


def test_refund_takes_from_the_orders_own_lot_first(session, make_member, now, settings, give_points):
    m = make_member()
    old = give_points(m, 50, at=now - timedelta(days=300))  # would be consumed first otherwise
    o = record(session, m, now, settings).order
    orders.refund(session, o, "R1", 12345, now, settings)
    session.refresh(old)
    assert old.remaining == 50 and ledger.entry_for_key(session, f"order:{o.id}:earn").remaining == 0


def test_refund_never_downgrades_mid_year(session, make_member, now, settings):
    m = make_member()
    o = record(session, m, now, settings).order
    assert m.tier == "silver"
    orders.refund(session, o, "R1", 12345, now, settings)
    session.refresh(m)
    assert m.tier == "silver"


# -- points spent, then refunded: a debt the next earnings repay (issue 19, item 1) ------------------

def _spent_then_refunded(session, m, now, settings):
    """The probe's case: NT$10,000 earns 100 points, all spent on a reward, then the order is refunded."""
    o = record(session, m, now, settings, external_id="SPENT", amount=10_000).order
    ledger.debit(session, m, 100, "redeem", "redeem_reward", {"cost": 100}, "reward", now)
    return orders.refund(session, o, "R1", 10_000, now, settings)


def test_a_refund_of_spent_points_leaves_a_debt_that_the_next_order_repays(session, make_member, now, settings):
    m = make_member()
    rf = _spent_then_refunded(session, m, now, settings)
    assert (rf.points_reversed, rf.shortfall, rf.balance, rf.points_owed) == (0, 100, 0, 100)
    assert ledger.debt_of(session, m.id) == 100 and ledger.balance_of(session, m.id) == 0
    refund_row = ledger.entry_for_key(session, f"refund:{rf.refund.order_id}:R1")
    assert (refund_row.delta, refund_row.shortfall, refund_row.debt_delta) == (0, 100, 100)

    nxt = record(session, m, now, settings, external_id="NEXT", amount=10_000)  # silver by now: 120 points
    assert (nxt.points_earned, nxt.debt_repaid, nxt.points_owed, nxt.balance) == (120, 100, 0, 20)
    assert ledger.balance_of(session, m.id) == 20 and ledger.debt_of(session, m.id) == 0  # was 120, debt lost
    earn = ledger.entry_for_key(session, f"order:{nxt.order.id}:earn")
    repaid = ledger.entry_for_key(session, f"order:{nxt.order.id}:earn:repaid")
    assert (earn.delta, earn.remaining) == (120, 20)  # the repayment is taken from the new lot
    assert (repaid.delta, repaid.debt_delta, repaid.kind, repaid.reason_code, repaid.order_id) == (
        -100, -100, "refund", "debt_repaid", nxt.order.id)
    assert repaid.reason_params == {"points": 100, "debt_left": 0}
    assert nxt.order.balance_after == 20
    receipt = session.scalar(select(Outbox).where(Outbox.dedup_key == f"receipt:{nxt.order.id}"))
    assert (receipt.params["balance"], receipt.params["debt_repaid"], receipt.params["points_owed"]) == (20, 100, 0)


def test_a_debt_larger_than_one_order_is_repaid_over_several(session, make_member, now, settings):
    m = make_member()
    _spent_then_refunded(session, m, now, settings)
    first = record(session, m, now, settings, external_id="SMALL-1", amount=3_000)  # silver: 36 points
    assert (first.points_earned, first.debt_repaid, first.points_owed, first.balance) == (36, 36, 64, 0)
    assert ledger.entry_for_key(session, f"order:{first.order.id}:earn").remaining == 0
    second = record(session, m, now, settings, external_id="SMALL-2", amount=6_000)  # 72 points
    assert (second.debt_repaid, second.points_owed, second.balance) == (64, 0, 8)
    again = record(session, m, now, settings, external_id="SMALL-2", amount=6_000)  # a replay repays nothing more
    assert again.created is False and ledger.balance_of(session, m.id) == 8 and ledger.debt_of(session, m.id) == 0


def test_every_credit_repays_the_debt_first_and_only_once(session, make_member, now, settings):
    from rewards import adjustments

    m = make_member()
    _spent_then_refunded(session, m, now, settings)
    row = ledger.credit(session, m, 30, "bonus", "welcome", {"points": 30}, "gift", now, settings)
    assert row.delta == 30 and ledger.debt_of(session, m.id) == 70 and ledger.balance_of(session, m.id) == 0
    assert ledger.credit(session, m, 30, "bonus", "welcome", {"points": 30}, "gift", now, settings) is None
    assert ledger.debt_of(session, m.id) == 70  # the same key again: nothing credited, nothing repaid twice
    adjustments.adjust_points(session, m, 100, "goodwill", "staff@shop", now, settings)
    assert ledger.debt_of(session, m.id) == 0 and ledger.balance_of(session, m.id) == 30
    assert [r.reason_params["points"] for r in session.scalars(
        select(PointsLedger).where(PointsLedger.member_id == m.id, PointsLedger.reason_code == "debt_repaid")
        .order_by(PointsLedger.id))] == [30, 70]


def test_a_member_in_debt_never_has_a_negative_balance(session, make_member, now, settings):
    m = make_member()
    _spent_then_refunded(session, m, now, settings)
    with pytest.raises(InsufficientPoints):  # nothing to spend while the debt is unpaid
        ledger.debit(session, m, 1, "redeem", "redeem_reward", {"cost": 1}, "more", now)
    assert ledger.balance_of(session, m.id) == 0 and ledger.balance_check(session, m)
