"""GET /api/v1/openapi.json describes the API: every documented status of every operation is produced by
a real request here, and every answer (and every good request) conforms to the document."""
from __future__ import annotations

from datetime import timedelta

from openapi_spec_validator import validate

from api.openapi import document
from rewards import account_links
from rewards.models import Member

from .conftest import order_body


def documented() -> set[tuple[str, str, int]]:
    return {(method, path, int(status))
            for path, item in document()["paths"].items()
            for method, operation in item.items()
            for status in operation["responses"]}


def test_the_document_is_valid_openapi_3(client):
    served = client.get("/api/v1/openapi.json")
    assert served.status_code == 200 and served.json == document()
    validate(served.json)


def test_every_documented_response_happens_and_conforms(api, auth, rt, make_member, make_coupon):
    member = make_member(points=20, verified_phone="+886911222333")
    spender = make_member(points=50)
    spend = f"/api/v1/members/{spender.code}/points/spend"
    with rt.db.session() as s:  # link tokens the bot recorded for a member: one fresh, one from 11 minutes ago
        linker = s.get(Member, member.id)
        account_links.record_link_token(s, linker, "TOKEN-FRESH", rt.clock.now())
        account_links.record_link_token(s, linker, "TOKEN-OLD", rt.clock.now() - timedelta(minutes=11))
    nonces = "/api/v1/account-links/nonces"
    link = {"link_token": "TOKEN-FRESH", "platform": "web", "customer_id": "C-1"}
    fresh = make_coupon(member)
    expired = make_coupon(member, valid_for=timedelta(seconds=-1), valid_from=timedelta(days=-30))
    wrong_key = {"Authorization": "Bearer nope"}  # well-formed, so the request conforms; the key is refused
    order = order_body(member)
    refunds = "/api/v1/orders/store/POS-1/refunds"
    huge = b'{"items": "' + b"x" * 300_000 + b'"}'

    # (method, path, keyword arguments, status, whether the request itself conforms to the document)
    cases = [
        ("GET", "/api/v1/openapi.json", {}, 200, True),
        ("GET", f"/api/v1/members/{member.code}", {"headers": auth}, 200, True),
        ("GET", f"/api/v1/members/{member.code}", {"headers": wrong_key}, 401, True),
        ("GET", "/api/v1/members/MNOSUCH", {"headers": auth}, 404, True),
        ("GET", "/api/v1/members/MNOSUCH-000000", {"headers": auth}, 410, True),  # a card code not current
        ("GET", f"/api/v1/members?line_user_id={member.line_user_id}", {"headers": auth}, 200, True),
        ("GET", "/api/v1/members?phone=0911222333", {"headers": auth}, 200, True),
        ("GET", "/api/v1/members", {"headers": auth}, 400, False),
        ("GET", "/api/v1/members/M%00X", {"headers": auth}, 400, False),
        ("GET", "/api/v1/metrics?month=2026-10", {"headers": auth}, 200, True),
        ("GET", "/api/v1/metrics?month=0000-01", {"headers": auth}, 400, False),
        ("GET", "/api/v1/metrics", {}, 401, False),
        ("GET", "/api/v1/members?phone=0911222333", {}, 401, False),
        ("GET", "/api/v1/members?line_user_id=Unobody", {"headers": auth}, 404, True),
        ("GET", "/api/v1/members?phone=02-2345-6789", {"headers": auth}, 422, False),
        ("POST", spend, {"json": {"order_id": "T-1", "points": 20}, "headers": auth}, 201, True),
        ("POST", spend, {"json": {"order_id": "T-1", "points": 20}, "headers": auth}, 200, True),
        ("POST", spend, {"data": b"{", "headers": auth}, 400, False),
        ("POST", spend, {"json": {"order_id": "T-2", "points": 1}}, 401, False),
        ("POST", "/api/v1/members/MNOSUCH/points/spend", {"json": {"order_id": "T-2", "points": 1},
                                                         "headers": auth}, 404, True),
        ("POST", spend, {"json": {"order_id": "T-2", "points": 31}, "headers": auth}, 409, True),
        ("POST", "/api/v1/members/MNOSUCH-000000/points/spend", {"json": {"order_id": "T-2", "points": 1},
                                                                "headers": auth}, 410, True),
        ("POST", spend, {"data": huge, "headers": auth}, 413, False),
        ("POST", spend, {"json": {"order_id": "T-2", "points": 0}, "headers": auth}, 422, False),
        ("POST", f"/api/v1/members/{spender.code}/points/spend/SNOSUCH/cancel", {"headers": auth}, 404, True),
        ("POST", "/api/v1/members/M%00X/points/spend/S1/cancel", {"headers": auth}, 400, False),
        ("POST", f"/api/v1/members/{spender.code}/points/spend/S1/cancel", {}, 401, False),
        ("POST", "/api/v1/members/MNOSUCH-000000/points/spend/S1/cancel", {"headers": auth}, 410, True),
        ("POST", "/api/v1/orders", {"json": order, "headers": auth}, 201, True),
        ("POST", "/api/v1/orders", {"json": order, "headers": auth}, 200, True),
        ("POST", "/api/v1/orders", {"data": b"{", "headers": auth}, 400, False),
        ("POST", "/api/v1/orders", {"json": order}, 401, False),
        ("POST", "/api/v1/orders", {"json": dict(order, order_id="POS-2", member_code="MNOSUCH"),
                                    "headers": auth}, 404, True),
        ("POST", "/api/v1/orders", {"json": dict(order, amount=1), "headers": auth}, 409, True),
        ("POST", "/api/v1/orders", {"json": dict(order, order_id="POS-3", member_code="MNOSUCH-000000"),
                                    "headers": auth}, 410, True),
        ("POST", "/api/v1/orders", {"data": huge, "headers": auth}, 413, False),
        ("POST", "/api/v1/orders", {"json": dict(order, amount=-5, placed_at="yesterday"), "headers": auth}, 422,
         False),
        ("POST", refunds, {"json": {"refund_id": "R1", "amount": 6000}, "headers": auth}, 201, True),
        ("POST", refunds, {"json": {"refund_id": "R1", "amount": 6000}, "headers": auth}, 200, True),
        ("POST", refunds, {"data": b"[]", "headers": auth}, 400, False),
        ("POST", refunds, {"json": {"refund_id": "R2", "amount": 1}}, 401, False),
        ("POST", "/api/v1/orders/store/NOPE/refunds", {"json": {"refund_id": "R1", "amount": 1}, "headers": auth},
         404, True),
        ("POST", refunds, {"json": {"refund_id": "R1", "amount": 5}, "headers": auth}, 409, True),
        ("POST", refunds, {"data": huge, "headers": auth}, 413, False),
        ("POST", refunds, {"json": {"refund_id": "R2", "amount": 7000}, "headers": auth}, 422, True),
        ("POST", refunds, {"json": {"refund_id": "R2", "amount": "7"}, "headers": auth}, 422, False),
        ("POST", f"/api/v1/coupons/{fresh}/redeem", {"json": {"channel": "store", "store_id": "S01"},
                                                     "headers": auth}, 200, True),
        ("POST", f"/api/v1/coupons/{fresh}/redeem", {"data": b"", "headers": auth}, 400, False),
        ("POST", f"/api/v1/coupons/{fresh}/redeem", {"json": {"channel": "store"}}, 401, False),
        ("POST", "/api/v1/coupons/NOSUCHCODE99/redeem", {"json": {"channel": "store"}, "headers": auth}, 404, True),
        ("POST", f"/api/v1/coupons/{fresh}/redeem", {"json": {"channel": "online"}, "headers": auth}, 409, True),
        ("POST", f"/api/v1/coupons/{expired}/redeem", {"json": {"channel": "store"}, "headers": auth}, 410, True),
        ("POST", f"/api/v1/coupons/{fresh}/redeem", {"data": huge, "headers": auth}, 413, False),
        ("POST", f"/api/v1/coupons/{fresh}/redeem", {"json": {"channel": "moon"}, "headers": auth}, 422, False),
        ("GET", "/api/v1/metrics?month=2026-10", {"headers": auth}, 200, True),
        ("GET", "/api/v1/metrics?month=2026-10", {"headers": wrong_key}, 401, True),
        ("GET", "/api/v1/metrics?month=October", {"headers": auth}, 400, False),
        ("POST", nonces, {"json": link, "headers": auth}, 201, True),
        ("POST", nonces, {"json": link, "headers": auth}, 200, True),
        ("POST", nonces, {"json": dict(link, customer_id="C-2"), "headers": auth}, 409, True),
        ("POST", nonces, {"json": dict(link, link_token="TOKEN-OLD"), "headers": auth}, 410, True),
        ("POST", nonces, {"json": dict(link, link_token="NO-SUCH"), "headers": auth}, 404, True),
        ("POST", nonces, {"data": b"[", "headers": auth}, 400, False),
        ("POST", nonces, {"json": link}, 401, False),
        ("POST", nonces, {"data": huge, "headers": auth}, 413, False),
        ("POST", nonces, {"json": dict(link, platform="Web Shop"), "headers": auth}, 422, False),
    ]
    for method, path, kwargs, status, conforms in cases:
        reply = api.call(method, path, **kwargs)
        assert reply.status == status, (method, path, reply.json)
        assert reply.request_conforms == conforms, (method, path, status, reply.request_problem)
    spend_id = api.post(spend, json={"order_id": "T-1", "points": 20}, headers=auth).json["spend_id"]
    assert api.post(f"{spend}/{spend_id}/cancel", headers=auth).status == 200

    missing = documented() - api.seen
    assert not missing, f"documented but never produced: {sorted(missing)}"
    assert api.seen <= documented()


def test_the_checker_is_not_a_rubber_stamp(api, auth, make_member, spec):
    """A response the document does not describe is caught."""
    import pytest
    from openapi_core.contrib.werkzeug import WerkzeugOpenAPIRequest, WerkzeugOpenAPIResponse
    from werkzeug.test import EnvironBuilder
    from werkzeug.wrappers import Request, Response

    member = make_member()
    request = Request(EnvironBuilder(path=f"/api/v1/members/{member.code}", headers=auth).get_environ())
    wrong = Response('{"member_code": 5}', status=200, mimetype="application/json")
    assert spec.unmarshal_response(WerkzeugOpenAPIRequest(request), WerkzeugOpenAPIResponse(wrong)).errors
    teapot = Response('{"error": {"code": "x", "message": "y", "fields": {}}}', status=418,
                      mimetype="application/json")
    assert spec.unmarshal_response(WerkzeugOpenAPIRequest(request), WerkzeugOpenAPIResponse(teapot)).errors
    assert pytest  # imported here to keep the module's top about the document


def test_every_api_route_is_documented(app):
    """The document is complete: each route the app serves under /api/v1 is one of its paths."""
    import re

    served = {(method.lower(), re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule.rule.removeprefix("/api/v1")))
              for rule in app.url_map.iter_rules() if rule.rule.startswith("/api/v1/")
              for method in rule.methods - {"HEAD", "OPTIONS"}}
    served = {(m, p) for m, p in served if p != "/" and "{rest}" not in p}  # the JSON 404/405 catch-alls
    assert served == {(method, path) for method, path, _ in documented()}
