"""Bearer keys: only the hash is stored; missing, wrong or revoked keys are 401; the document is public."""
from __future__ import annotations

import hashlib

import pytest
from sqlalchemy import select

from api.keys import create_key, live_key, revoke_key
from api.models import ApiKey


def test_a_live_key_opens_the_api(api, auth, make_member):
    member = make_member()
    assert api.get(f"/api/v1/members/{member.code}", headers=auth).status == 200


@pytest.mark.parametrize("header", [None, "", "Bearer", "Bearer ", "Bearer wrong", "Basic dXNlcjpwYXNz",
                                    "Token mbk_x"])
def test_missing_or_wrong_key_is_401(api, auth, make_member, header):
    member = make_member()
    headers = {"Authorization": header} if header is not None else {}
    reply = api.get(f"/api/v1/members/{member.code}", headers=headers)
    assert reply.status == 401
    assert reply.json["error"]["code"] == "unauthorized"
    assert reply.headers["WWW-Authenticate"].startswith("Bearer")


def test_a_key_is_refused_on_every_endpoint_before_the_body_is_read(api, make_member):
    wrong = {"Authorization": "Bearer mbk_not-a-key"}
    for method, path in [("POST", "/api/v1/orders"), ("POST", "/api/v1/orders/store/X/refunds"),
                         ("POST", "/api/v1/coupons/ABC/redeem"), ("GET", "/api/v1/members?phone=1")]:
        assert api.call(method, path, data=b"{", headers=wrong).status == 401


def test_only_the_hash_of_a_key_is_stored(rt):
    with rt.db.session() as s:
        row, key = create_key(s, "bars-pos", rt.clock.now())
    with rt.db.session() as s:
        stored = s.scalar(select(ApiKey).where(ApiKey.name == "bars-pos"))
        assert stored.key_hash == hashlib.sha256(key.encode()).hexdigest()
        assert key not in (stored.key_hash, stored.prefix) and key.startswith(stored.prefix)
        assert len(key) >= 40  # 256 random bits, URL-safe


def test_a_revoked_key_is_refused_once_the_cache_period_is_over(api, app, rt, make_member):
    member = make_member()
    with rt.db.session() as s:
        _row, key = create_key(s, "old-pos", rt.clock.now())
    headers = {"Authorization": f"Bearer {key}"}
    assert api.get(f"/api/v1/members/{member.code}", headers=headers).status == 200
    with rt.db.session() as s:
        assert revoke_key(s, "old-pos", rt.clock.now()) is not None
        assert live_key(s, key) is None
    cache = app.extensions["api_key_cache"]  # each key is looked up once per period, not per request
    assert api.get(f"/api/v1/members/{member.code}", headers=headers).status == 200
    later = cache.clock() + cache.ttl
    cache.clock = lambda: later
    assert api.get(f"/api/v1/members/{member.code}", headers=headers).status == 401
    assert api.get(f"/api/v1/members/{member.code}", headers={"Authorization": "Bearer mbk_wrong"}).status == 401


def test_the_openapi_document_needs_no_key(api):
    reply = api.get("/api/v1/openapi.json")
    assert reply.status == 200 and reply.json["openapi"].startswith("3.")
