"""GET /members/{code} and /members?line_user_id=|phone=: code, name, tier, balance, expiring points, coupons."""
from __future__ import annotations

from datetime import timedelta

from rewards import ledger, membership
from rewards.models import Member


def test_member_by_code_shows_what_the_till_needs(api, auth, rt, make_member, make_coupon):
    member = make_member(points=80, display_name="林美玲")
    code_soon = make_coupon(member, value=50, valid_for=timedelta(days=3))
    code_later = make_coupon(member, value=100, valid_for=timedelta(days=40))
    make_coupon(member, valid_for=timedelta(days=-1), valid_from=timedelta(days=-20))  # expired: not listed
    used = make_coupon(member)
    assert api.post(f"/api/v1/coupons/{used}/redeem", json={"channel": "store"}, headers=auth).status == 200

    reply = api.get(f"/api/v1/members/{member.code}", headers=auth)
    assert reply.status == 200
    body = reply.json
    assert body["member_code"] == member.code and body["display_name"] == "林美玲"
    assert body["tier"] == "member" and body["balance"] == 80
    # the bonus lot was credited yesterday and lasts 12 months, through the end of that day
    yesterday = (rt.clock.now() - timedelta(days=1)).date()
    assert body["points_expiring_next"] == {"amount": 80, "date": yesterday.replace(year=yesterday.year + 1).isoformat()}
    assert [c["code"] for c in body["coupons"]] == [code_soon, code_later]
    assert body["coupons"][0]["value"] == 50 and body["coupons"][0]["title"] == "九折券"
    assert body["coupons"][0]["valid_until"].endswith("+08:00")


def test_member_code_is_case_insensitive(api, auth, make_member):
    member = make_member()
    assert api.get(f"/api/v1/members/{member.code.lower()}", headers=auth).json["member_code"] == member.code


def test_no_points_means_nothing_expiring(api, auth, make_member):
    member = make_member()
    body = api.get(f"/api/v1/members/{member.code}", headers=auth).json
    assert body["balance"] == 0 and body["points_expiring_next"] is None and body["coupons"] == []


def test_member_by_line_user_id(api, auth, make_member):
    member = make_member()
    reply = api.get(f"/api/v1/members?line_user_id={member.line_user_id}", headers=auth)
    assert reply.status == 200 and reply.json["member_code"] == member.code


def test_member_by_verified_phone_in_any_writing(api, auth, rt, make_member):
    member = make_member(verified_phone="+886912345678")
    for typed in ("0912345678", "0912-345-678", "0912%20345%20678", "%2B886%20912%20345%20678", "886912345678",
                  "912345678", "(0912)345-678"):
        reply = api.get(f"/api/v1/members?phone={typed}", headers=auth)
        assert reply.status == 200 and reply.json["member_code"] == member.code, typed


def test_an_unverified_number_never_matches(api, auth, rt, make_member):
    make_member(phone="+886987654321")
    make_member(phone="0987654321")  # as an old record may hold it
    reply = api.get("/api/v1/members?phone=0987654321", headers=auth)
    assert reply.status == 404 and reply.json["error"]["code"] == "member_not_found"


def test_a_verified_number_finds_its_member_among_unverified_holders(api, auth, rt, make_member):
    make_member(phone="+886987654321")
    verified = make_member(verified_phone="+886987654321")
    reply = api.get("/api/v1/members?phone=0987-654-321", headers=auth)
    assert reply.status == 200 and reply.json["member_code"] == verified.code


def test_an_erased_members_verified_number_is_not_found(api, auth, rt, make_member):
    member = make_member(verified_phone="+886911222333")
    with rt.db.session() as s:
        membership.erase(s, s.get(Member, member.id), rt.clock.now())
    assert api.get("/api/v1/members?phone=0911222333", headers=auth).status == 404


def test_a_malformed_number_is_422_naming_phone(api, auth):
    for typed, says in (("abc", "only digits"), ("02-2345-6789", "landline"), ("0912", "10 digits"),
                        ("09123456789", "10 digits")):
        reply = api.get(f"/api/v1/members?phone={typed}", headers=auth)
        assert reply.status == 422 and not reply.request_conforms, typed  # the document's pattern rules it out
        assert reply.json["error"]["code"] == "invalid" and set(reply.json["error"]["fields"]) == {"phone"}, typed
        assert says in reply.json["error"]["fields"]["phone"], typed


def test_unknown_members_are_404(api, auth):
    for path in ("/api/v1/members/MNOSUCH1", "/api/v1/members/" + "X" * 40,
                 "/api/v1/members?line_user_id=Unobody", "/api/v1/members?phone=0900000000"):
        reply = api.get(path, headers=auth)
        assert reply.status == 404 and reply.json["error"]["code"] == "member_not_found", path


def test_an_erased_member_is_not_found(api, auth, rt, make_member):
    member = make_member(points=10, status="erased")
    assert api.get(f"/api/v1/members/{member.code}", headers=auth).status == 404
    with rt.db.session() as s:
        assert s.get(Member, member.id).status == "erased"
        assert ledger.balance_of(s, member.id) == 10  # the books stay


def test_a_friend_who_never_joined_is_not_found(api, auth, make_member):
    friend = make_member(status="friend")
    assert api.get(f"/api/v1/members/{friend.code}", headers=auth).status == 404
    assert api.get(f"/api/v1/members?line_user_id={friend.line_user_id}", headers=auth).status == 404


def test_the_query_needs_exactly_one_of_line_user_id_or_phone(api, auth):
    for query in ("", "?line_user_id=", "?phone=%20", "?line_user_id=U1&phone=0912", "?name=x"):
        reply = api.get(f"/api/v1/members{query}", headers=auth)
        assert reply.status == 400 and reply.json["error"]["code"] == "invalid_query", query
