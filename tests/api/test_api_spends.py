"""POST /members/{code}/points/spend and .../spend/{spend_id}/cancel: points as a discount at the till,
once per order id; and a refund of the order gives back the points' share."""
from __future__ import annotations

from collections import Counter
from dataclasses import replace

import pytest
import requests
from sqlalchemy import func, select

from rewards.models import PointsLedger, PointsSpend

from .conftest import balance_and_ledger, order_body
from .live_server import all_at_once, serving


def spend_path(member) -> str:
    return f"/api/v1/members/{member.code}/points/spend"


def cancel_path(member, spend_id: str) -> str:
    return f"/api/v1/members/{member.code}/points/spend/{spend_id}/cancel"


def ledger_rows(rt) -> int:
    with rt.db.session() as s:
        return s.scalar(select(func.count()).select_from(PointsLedger))


def test_a_spend_takes_the_points_and_says_the_discount(api, auth, rt, make_member):
    member = make_member(points=500)
    reply = api.post(spend_path(member), json={"order_id": "POS-9", "points": 120}, headers=auth)
    assert reply.status == 201
    body = reply.json
    assert body["spend_id"].startswith("S") and len(body["spend_id"]) == 12
    assert {k: body[k] for k in ("order_id", "channel", "points", "discount", "balance")} == \
        {"order_id": "POS-9", "channel": "store", "points": 120, "discount": 120, "balance": 380}
    assert balance_and_ledger(rt, member) == (380, 380)
    with rt.db.session() as s:
        row = s.scalar(select(PointsLedger).where(PointsLedger.reason_code == "spend_till"))
        assert (row.delta, row.kind, row.reason_params["order"]) == (-120, "redeem", "POS-9")
        assert row.idempotency_key.startswith("spend:")


def test_the_value_of_a_point_is_a_setting(api, auth, rt, make_member, monkeypatch):
    monkeypatch.setattr(rt, "settings", replace(rt.settings, point_value=2))
    member = make_member(points=100)
    reply = api.post(spend_path(member), json={"order_id": "POS-1", "points": 30}, headers=auth)
    assert reply.status == 201 and reply.json["discount"] == 60 and reply.json["balance"] == 70


def test_the_same_order_again_answers_the_first_answer(api, auth, rt, make_member):
    member = make_member(points=500)
    first = api.post(spend_path(member), json={"order_id": "POS-1", "points": 100}, headers=auth)
    rows = ledger_rows(rt)
    again = api.post(spend_path(member), json={"order_id": "POS-1", "points": 100}, headers=auth)
    assert (first.status, again.status) == (201, 200) and again.json == first.json
    assert ledger_rows(rt) == rows and balance_and_ledger(rt, member) == (400, 400)


def test_the_same_order_with_other_points_or_another_member_is_409(api, auth, rt, make_member):
    member, other = make_member(points=500), make_member(points=500)
    api.post(spend_path(member), json={"order_id": "POS-1", "points": 100}, headers=auth)
    reply = api.post(spend_path(member), json={"order_id": "POS-1", "points": 90}, headers=auth)
    assert reply.status == 409 and reply.json["error"]["code"] == "spend_conflict"
    assert reply.json["error"]["fields"] == {"order_id": "POS-1", "points": 100}
    reply = api.post(spend_path(other), json={"order_id": "POS-1", "points": 100}, headers=auth)
    assert reply.status == 409 and reply.json["error"]["fields"] == {"order_id": "POS-1"}
    # the same id in the other channel is another order
    reply = api.post(spend_path(other), json={"order_id": "POS-1", "points": 100, "channel": "online"}, headers=auth)
    assert reply.status == 201 and reply.json["channel"] == "online"
    assert balance_and_ledger(rt, member) == (400, 400) and balance_and_ledger(rt, other) == (400, 400)


def test_more_than_the_balance_is_409_and_changes_nothing(api, auth, rt, make_member):
    member = make_member(points=50)
    reply = api.post(spend_path(member), json={"order_id": "POS-1", "points": 51}, headers=auth)
    assert reply.status == 409 and reply.json["error"]["code"] == "points_exceed_balance"
    assert reply.json["error"]["fields"] == {"balance": 50, "points": 51}
    assert balance_and_ledger(rt, member) == (50, 50)
    with rt.db.session() as s:
        assert s.scalar(select(func.count()).select_from(PointsSpend)) == 0
    # the same order id may be tried again with fewer points
    assert api.post(spend_path(member), json={"order_id": "POS-1", "points": 50}, headers=auth).status == 201


@pytest.mark.parametrize("points", [0, -5, 1.5, "10", True, None, 1_000_000_001])
def test_points_must_be_a_positive_whole_number(api, auth, rt, make_member, points):
    member = make_member(points=50)
    reply = api.post(spend_path(member), json={"order_id": "POS-1", "points": points}, headers=auth)
    assert reply.status == 422 and set(reply.json["error"]["fields"]) == {"points"}
    assert not reply.request_conforms  # the document rules it out too
    assert balance_and_ledger(rt, member) == (50, 50)


def test_bad_order_ids_and_channels_are_422_all_at_once(api, auth, make_member):
    member = make_member(points=50)
    reply = api.post(spend_path(member), json={"order_id": " ", "points": 1, "channel": "mail"}, headers=auth)
    assert reply.status == 422 and set(reply.json["error"]["fields"]) == {"order_id", "channel"}
    reply = api.post(spend_path(member), json={"order_id": "X" * 65, "points": 1}, headers=auth)
    assert reply.status == 422 and set(reply.json["error"]["fields"]) == {"order_id"}


def test_unknown_friends_and_erased_members_are_404(api, auth, make_member):
    for member in (make_member(status="friend"), make_member(points=10, status="erased")):
        reply = api.post(spend_path(member), json={"order_id": "POS-1", "points": 1}, headers=auth)
        assert reply.status == 404 and reply.json["error"]["code"] == "member_not_found"
    assert api.post("/api/v1/members/MNOSUCH1/points/spend", json={"order_id": "P", "points": 1},
                    headers=auth).status == 404


def test_without_a_key_nothing_is_spent(api, rt, make_member):
    member = make_member(points=50)
    assert api.post(spend_path(member), json={"order_id": "POS-1", "points": 10}).status == 401
    assert balance_and_ledger(rt, member) == (50, 50)


def test_a_cancel_gives_the_points_back_once(api, auth, rt, make_member):
    member = make_member(points=500)
    spent = api.post(spend_path(member), json={"order_id": "POS-1", "points": 200}, headers=auth).json
    first = api.post(cancel_path(member, spent["spend_id"]), headers=auth)
    assert first.status == 200
    assert first.json == {**spent, "status": "cancelled", "points_returned": 200, "balance": 500}
    rows = ledger_rows(rt)
    again = api.post(cancel_path(member, spent["spend_id"].lower()), headers=auth)
    assert again.status == 200 and again.json == first.json
    assert ledger_rows(rt) == rows and balance_and_ledger(rt, member) == (500, 500)
    # the spend's replay still answers as it first did
    replay = api.post(spend_path(member), json={"order_id": "POS-1", "points": 200}, headers=auth)
    assert replay.status == 200 and replay.json == spent


def test_another_members_or_an_unknown_spend_is_404(api, auth, make_member):
    member, other = make_member(points=100), make_member(points=100)
    spent = api.post(spend_path(member), json={"order_id": "POS-1", "points": 10}, headers=auth).json
    for path in (cancel_path(other, spent["spend_id"]), cancel_path(member, "SNOSUCH"), cancel_path(member, "S" * 40)):
        reply = api.post(path, headers=auth)
        assert reply.status == 404 and reply.json["error"]["code"] == "spend_not_found", path


def test_a_refund_gives_back_the_points_share_in_integers_never_more_than_spent(api, auth, rt, make_member):
    member = make_member(points=1000)
    assert api.post(spend_path(member), json={"order_id": "POS-1", "points": 100}, headers=auth).status == 201
    assert api.post("/api/v1/orders", json=order_body(member, amount=1000), headers=auth).status == 201  # +10
    given = []
    for i, amount in enumerate((333, 333, 334), 1):
        reply = api.post("/api/v1/orders/store/POS-1/refunds", json={"refund_id": f"R{i}", "amount": amount},
                         headers=auth)
        assert reply.status == 201
        given.append(reply.json["refund"]["points_spent_returned"])
        assert reply.json["points_spent"] == 100 and reply.json["points_spent_returned"] == sum(given)
    assert given == [33, 33, 34]  # 100*333//1000, 100*666//1000 - 33, the rest once fully refunded
    # 1000 - 100 + 10 earned - 10 taken back by the refunds + 100 given back
    assert balance_and_ledger(rt, member) == (1000, 1000)
    replay = api.post("/api/v1/orders/store/POS-1/refunds", json={"refund_id": "R2", "amount": 333}, headers=auth)
    assert replay.status == 200 and replay.json["refund"]["points_spent_returned"] == 33
    # the member reads it in the refund's notice
    from bot.notice_messages import render
    from rewards.models import Outbox

    with rt.db.session() as s:
        notices = [o.params for o in s.scalars(select(Outbox).where(Outbox.kind == "refund").order_by(Outbox.id))]
    assert [p["spent_points_returned"] for p in notices] == [33, 33, 34]
    [message] = render("refund", notices[0], "zh-TW", rt.settings)
    assert "折抵的 33 點已退回" in message["text"]
    [message] = render("refund", notices[2], "en", rt.settings)
    assert "The 34 points you spent on this order came back" in message["text"]


def test_a_cancel_after_a_partial_refund_gives_back_only_the_rest(api, auth, rt, make_member):
    member = make_member(points=100)
    spent = api.post(spend_path(member), json={"order_id": "POS-1", "points": 100}, headers=auth).json
    api.post("/api/v1/orders", json=order_body(member, amount=99), headers=auth)  # earns nothing
    api.post("/api/v1/orders/store/POS-1/refunds", json={"refund_id": "R1", "amount": 50}, headers=auth)
    assert balance_and_ledger(rt, member) == (50, 50)  # 100 * 50 // 99
    reply = api.post(cancel_path(member, spent["spend_id"]), headers=auth)
    assert reply.json["points_returned"] == 100 and reply.json["balance"] == 100
    later = api.post("/api/v1/orders/store/POS-1/refunds", json={"refund_id": "R2", "amount": 49}, headers=auth)
    assert later.json["refund"]["points_spent_returned"] == 0 and later.json["points_spent_returned"] == 100
    assert balance_and_ledger(rt, member) == (100, 100)


def test_points_given_back_repay_what_the_member_owes_first(api, auth, rt, make_member):
    member = make_member()
    api.post("/api/v1/orders", json=order_body(member, "EARN-1", amount=10_000), headers=auth)  # +100
    spent = api.post(spend_path(member), json={"order_id": "POS-2", "points": 100}, headers=auth).json
    # the first order refunded after its points were spent: 100 owed
    owed = api.post("/api/v1/orders/store/EARN-1/refunds", json={"refund_id": "R1", "amount": 10_000}, headers=auth)
    assert owed.json["points_owed"] == 100 and owed.json["balance"] == 0
    # owed points cannot be spent
    reply = api.post(spend_path(member), json={"order_id": "POS-3", "points": 1}, headers=auth)
    assert reply.status == 409 and reply.json["error"]["code"] == "points_exceed_balance"
    back = api.post(cancel_path(member, spent["spend_id"]), headers=auth)
    assert back.json["points_returned"] == 100 and back.json["balance"] == 0  # all of it repaid the debt
    assert api.get(f"/api/v1/members/{member.code}", headers=auth).json["balance"] == 0


# -- at once, through the real WSGI server, on SQLite and PostgreSQL ----------------------------------

def test_fifty_spends_at_once_give_exactly_as_many_as_fit(app, rt, auth, make_member):
    member = make_member(points=500)
    with serving(app) as url:
        replies = all_at_once(50, lambda i: requests.post(
            f"{url}{spend_path(member)}", json={"order_id": f"RACE-{i}", "points": 30}, headers=auth, timeout=120))
    statuses = Counter(r.status_code if isinstance(r, requests.Response) else repr(r) for r in replies)
    assert statuses == Counter({201: 16, 409: 34}), statuses  # 16 x 30 = 480 of 500
    assert balance_and_ledger(rt, member) == (20, 20)
    assert {r.json()["error"]["code"] for r in replies if r.status_code == 409} == {"points_exceed_balance"}


def test_the_same_spend_at_once_takes_the_points_once(app, rt, auth, make_member):
    member = make_member(points=500)
    with serving(app) as url:
        replies = all_at_once(10, lambda i: requests.post(
            f"{url}{spend_path(member)}", json={"order_id": "TAP", "points": 100}, headers=auth, timeout=120))
    assert sorted(r.status_code for r in replies) == [200] * 9 + [201]
    assert len({r.text for r in replies}) == 1
    assert balance_and_ledger(rt, member) == (400, 400)


def test_cancels_and_a_refund_at_once_give_back_once(app, rt, auth, make_member):
    member = make_member(points=300)
    with serving(app) as url:
        spent = requests.post(f"{url}{spend_path(member)}", json={"order_id": "POS-1", "points": 300},
                              headers=auth, timeout=60).json()
        requests.post(f"{url}/api/v1/orders", json=order_body(member, amount=99), headers=auth, timeout=60)

        def work(i):
            if i == 0:
                return requests.post(f"{url}/api/v1/orders/store/POS-1/refunds",
                                     json={"refund_id": "R1", "amount": 99}, headers=auth, timeout=120)
            return requests.post(f"{url}{cancel_path(member, spent['spend_id'])}", headers=auth, timeout=120)
        replies = all_at_once(10, work)
    assert sorted(r.status_code for r in replies) == [200] * 9 + [201]
    assert len({r.text for r in replies[1:]}) == 1  # every cancel answers the same
    assert balance_and_ledger(rt, member) == (300, 300)


def test_the_till_may_scan_the_card_pages_rotating_code_to_spend_and_to_record_an_order(api, auth, rt, make_member):
    """Whatever names a member at the till takes the card page's code while it is current, and refuses
    an old one (a screenshot) with 410, as the look-up does."""
    from datetime import timedelta

    from rewards import card_codes

    member = make_member(points=500)
    key = card_codes.key_from(rt.config.SECRET_KEY)
    now = rt.clock.now()
    current = card_codes.current(key, member.code, now).code
    stale = card_codes.current(key, member.code, now - timedelta(minutes=10)).code
    spent = api.post(f"/api/v1/members/{current}/points/spend", json={"order_id": "POS-R1", "points": 100},
                     headers=auth)
    assert spent.status == 201 and spent.json["balance"] == 400
    refused = api.post(f"/api/v1/members/{stale}/points/spend", json={"order_id": "POS-R2", "points": 100},
                       headers=auth)
    assert refused.status == 410 and refused.json["error"]["code"] == "card_code_expired"
    cancelled = api.post(f"/api/v1/members/{current}/points/spend/{spent.json['spend_id']}/cancel", headers=auth)
    assert cancelled.status == 200 and cancelled.json["balance"] == 500
    ordered = api.post("/api/v1/orders", json=order_body(member, "POS-R3", 1000) | {"member_code": current},
                       headers=auth)
    assert ordered.status == 201 and ordered.json["member_code"] == member.code
    stale_order = api.post("/api/v1/orders", json=order_body(member, "POS-R4", 1000) | {"member_code": stale},
                           headers=auth)
    assert stale_order.status == 410
    assert balance_and_ledger(rt, member)[0] == 500 + ordered.json["points_earned"]
