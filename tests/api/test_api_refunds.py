"""POST /api/v1/orders/{channel}/{order_id}/refunds: net points follow the net amount, once per refund_id."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from rewards import catalog
from rewards.models import Member, Outbox, PointsLedger

from .conftest import balance_and_ledger, order_body

REFUNDS = "/api/v1/orders/store/POS-1/refunds"


@pytest.fixture
def ordered(api, auth, make_member):
    """A base-tier member with one NT$12,345 store order (123 points)."""
    member = make_member()
    assert api.post("/api/v1/orders", json=order_body(member), headers=auth).status == 201
    return member


def test_a_partial_refund_takes_back_what_the_rest_no_longer_earns(api, auth, rt, ordered):
    reply = api.post(REFUNDS, json={"refund_id": "R1", "amount": 6000}, headers=auth)
    assert reply.status == 201
    assert reply.json == {"channel": "store", "order_id": "POS-1", "amount": 12345, "net_amount": 6345,
                          "status": "partially_refunded", "points_earned": 123, "points_reversed": 60,
                          "shortfall": 0, "net_points": 63, "balance": 63, "points_owed": 0,
                          "points_spent": 0, "points_spent_returned": 0,
                          "refund": {"refund_id": "R1", "amount": 6000, "points_reversed": 60, "shortfall": 0,
                                     "points_spent_returned": 0}}
    assert balance_and_ledger(rt, ordered) == (63, 63)
    with rt.db.session() as s:
        assert s.scalar(select(Outbox.kind).where(Outbox.dedup_key.like("refund:%"))) == "refund"


def test_the_same_refund_again_changes_nothing(api, auth, rt, ordered):
    first = api.post(REFUNDS, json={"refund_id": "R1", "amount": 6000}, headers=auth)
    with rt.db.session() as s:
        rows = s.scalar(select(func.count()).select_from(PointsLedger))
    again = api.post(REFUNDS, json={"refund_id": "R1", "amount": 6000}, headers=auth)
    assert (first.status, again.status) == (201, 200) and again.json == first.json
    with rt.db.session() as s:
        assert s.scalar(select(func.count()).select_from(PointsLedger)) == rows
    assert balance_and_ledger(rt, ordered) == (63, 63)


def test_the_same_refund_id_with_another_amount_is_409(api, auth, ordered):
    api.post(REFUNDS, json={"refund_id": "R1", "amount": 6000}, headers=auth)
    reply = api.post(REFUNDS, json={"refund_id": "R1", "amount": 5000}, headers=auth)
    assert reply.status == 409 and reply.json["error"]["code"] == "refund_conflict"


def test_refunding_more_than_is_left_is_422(api, auth, rt, ordered):
    api.post(REFUNDS, json={"refund_id": "R1", "amount": 6000}, headers=auth)
    reply = api.post(REFUNDS, json={"refund_id": "R2", "amount": 7000}, headers=auth)
    assert reply.status == 422 and reply.json["error"]["code"] == "refund_too_large"
    assert reply.json["error"]["fields"] == {"amount": 7000, "refundable": 6345}
    assert balance_and_ledger(rt, ordered) == (63, 63)


def test_refunding_all_in_steps_leaves_no_points(api, auth, rt, ordered):
    for i, amount in enumerate((45, 5000, 7300), 1):
        reply = api.post(REFUNDS, json={"refund_id": f"R{i}", "amount": amount}, headers=auth)
        assert reply.status == 201
        net = reply.json["net_amount"]
        assert reply.json["net_points"] == net // 100  # what the net amount earns at x1.0
    assert reply.json["status"] == "refunded" and reply.json["points_reversed"] == 123
    assert api.post(REFUNDS, json={"refund_id": "R4", "amount": 1}, headers=auth).status == 422
    assert balance_and_ledger(rt, ordered) == (0, 0)


def test_the_orders_multiplier_counts_not_todays(api, auth, rt, ordered):
    # the first order made the member silver: this one earns x1.2, and so does what is left of it
    assert api.post("/api/v1/orders", json=order_body(ordered, "POS-2", 1250), headers=auth).json["points_earned"] == 14
    reply = api.post("/api/v1/orders/store/POS-2/refunds", json={"refund_id": "R1", "amount": 250}, headers=auth)
    assert reply.json["net_points"] == 1000 // 100 * 120 // 100 == 12
    assert reply.json["points_reversed"] == 2
    assert balance_and_ledger(rt, ordered) == (135, 135)


def test_points_already_spent_are_a_shortfall_and_the_balance_stops_at_zero(api, auth, rt, ordered):
    now = rt.clock.now()
    with rt.db.session() as s:
        reward = catalog.create_reward(s, "保溫瓶", "Thermos", 100, 500, now)
        catalog.redeem_reward(s, s.get(Member, ordered.id), reward, "tap-1", now, rt.settings)
    reply = api.post(REFUNDS, json={"refund_id": "R1", "amount": 12345}, headers=auth)
    assert reply.status == 201
    assert (reply.json["points_reversed"], reply.json["shortfall"], reply.json["balance"]) == (23, 100, 0)
    assert reply.json["net_points"] == 0 and reply.json["points_owed"] == 100
    assert balance_and_ledger(rt, ordered) == (0, 0)


def test_spent_then_refunded_points_are_owed_and_the_next_order_repays_them(api, auth, rt, make_member):
    """The probe of issue 19: NT$10,000 earns 100 points, spent on a reward, then the order is refunded.
    The refund says what it took back and what is owed; the next NT$10,000 order (120 points at
    silver) repays the 100 first, so 20 are left, not 120."""
    member = make_member()
    assert api.post("/api/v1/orders", json=order_body(member, "SPEND-1", amount=10_000), headers=auth).status == 201
    now = rt.clock.now()
    with rt.db.session() as s:
        reward = catalog.create_reward(s, "保溫瓶", "Thermos", 100, 500, now)
        catalog.redeem_reward(s, s.get(Member, member.id), reward, "tap-1", now, rt.settings)
    refund = api.post("/api/v1/orders/store/SPEND-1/refunds", json={"refund_id": "R1", "amount": 10_000}, headers=auth)
    assert refund.status == 201
    assert (refund.json["refund"]["points_reversed"], refund.json["refund"]["shortfall"], refund.json["balance"],
            refund.json["points_owed"]) == (0, 100, 0, 100)
    replay = api.post("/api/v1/orders/store/SPEND-1/refunds", json={"refund_id": "R1", "amount": 10_000}, headers=auth)
    assert replay.status == 200 and replay.json["points_owed"] == 100

    nxt = api.post("/api/v1/orders", json=order_body(member, "SPEND-2", amount=10_000), headers=auth)
    assert nxt.status == 201
    assert (nxt.json["points_earned"], nxt.json["debt_repaid"], nxt.json["balance"]) == (120, 100, 20)
    again = api.post("/api/v1/orders", json=order_body(member, "SPEND-2", amount=10_000), headers=auth)
    assert again.status == 200 and again.json == nxt.json  # the same body on a replay
    assert balance_and_ledger(rt, member) == (20, 20)
    with rt.db.session() as s:
        assert s.get(Member, member.id).points_debt == 0


def test_an_unknown_order_is_404(api, auth, ordered):
    for path in ("/api/v1/orders/store/NOPE/refunds", "/api/v1/orders/online/POS-1/refunds",
                 "/api/v1/orders/moon/POS-1/refunds"):
        reply = api.post(path, json={"refund_id": "R1", "amount": 100}, headers=auth)
        assert reply.status == 404 and reply.json["error"]["code"] == "order_not_found", path


@pytest.mark.parametrize("body,field", [
    ({"amount": 100}, "refund_id"), ({"refund_id": "", "amount": 100}, "refund_id"),
    ({"refund_id": 5, "amount": 100}, "refund_id"), ({"refund_id": "R1"}, "amount"),
    ({"refund_id": "R1", "amount": 0}, "amount"), ({"refund_id": "R1", "amount": -100}, "amount"),
    ({"refund_id": "R1", "amount": 1.5}, "amount"), ({"refund_id": "R1", "amount": "100"}, "amount"),
])
def test_bad_refund_fields_are_422(api, auth, rt, ordered, body, field):
    reply = api.post(REFUNDS, json=body, headers=auth)
    assert reply.status == 422 and field in reply.json["error"]["fields"]
    assert not reply.request_conforms
    assert balance_and_ledger(rt, ordered) == (123, 123)


@pytest.mark.parametrize("raw", [b"{", b"[]", b"", b"42"])
def test_unreadable_refund_bodies_are_400(api, auth, ordered, raw):
    assert api.post(REFUNDS, data=raw, headers=auth).status == 400


def test_an_order_id_with_slashes_can_be_refunded(api, auth, client, make_member):
    member = make_member()
    assert api.post("/api/v1/orders", json=order_body(member, order_id="2026/11/20-001"), headers=auth).status == 201
    response = client.post("/api/v1/orders/store/2026/11/20-001/refunds", json={"refund_id": "R1", "amount": 100},
                           headers=auth)
    assert response.status_code == 201 and response.json["net_amount"] == 12245
