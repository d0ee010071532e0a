"""Members pages: search, profile, points adjustment, tags, export and erasure — with role rules and audit."""
from __future__ import annotations

import json
from datetime import timedelta

import pytest
from sqlalchemy import select

from core import conversation
from rewards import membership, orders
from insights.models import SurveyInvitation, SurveyResponse
from rewards.models import AuditLog, Member, Order, Outbox, PointsLedger

from .people import add_member


@pytest.fixture
def member(app, clock):
    """A joined member with one order (points credited the real way) and a pending marketing message."""
    rt = app.extensions["bot"]
    now = clock.now()
    with rt.db.session() as s:
        m = membership.get_or_create(s, "U" + "a" * 32, now - timedelta(days=100))
        membership.join(s, m, now - timedelta(days=90), display_name="陳小美")
        m.phone = "0912-345-678"
        m.tags = ["vip"]
        orders.record_fields(s, m, "store", "POS-1", 2500, now - timedelta(days=3), "S01", None, now, rt.settings)
        s.add(Outbox(dedup_key="pending-1", member_id=m.id, kind="text", category="marketing",
                     params={"text_zh": "hi"}, status="pending", not_before=now, created_at=now))
        conversation.set(s, m.line_user_id, "survey_comment", {}, now, timedelta(hours=1))
        return m.member_code


def audit_rows(app, action):
    with app.extensions["bot"].db.session() as s:
        return list(s.scalars(select(AuditLog).where(AuditLog.action == action)))


def test_search_by_name_code_phone_and_line_id(login_as, member):
    viewer = login_as("viewer")
    for q in ("小美", member, member.lower(), "0912345678", "345-678", "U" + "a" * 32):
        page = viewer.get(f"/console/members?q={q}").get_data(as_text=True)
        assert f"/console/members/{member}" in page, q
    assert "No member matches" in viewer.get("/console/members?q=nobody-like-this").get_data(as_text=True)


def test_profile_shows_tier_balance_ledger_orders_tags_and_consent(login_as, member):
    page = login_as("viewer").get(f"/console/members/{member}").get_data(as_text=True)
    for expected in ("陳小美", "一般", "NT$2,500", "vip", "訂閱中 subscribed", "0912-345-678", "S01"):
        assert expected in page, expected
    assert "消費 NT$2,500（S01）×1.0 → +25 點" in page  # the ledger row in the member's words, as in the chat
    assert "調整點數" not in page  # a viewer is not offered the adjustment form
    assert "刪除個人資料" not in page


def test_an_unknown_member_is_404(login_as):
    assert login_as("viewer").get("/console/members/MNOSUCH01").status_code == 404


@pytest.mark.parametrize("role", ["viewer", "marketer"])
def test_only_admins_adjust_points(app, login_as, member, role):
    response = login_as(role).post(f"/console/members/{member}/points", {"delta": "100", "reason": "goodwill",
                                                                        "nonce": "n1"})
    assert response.status_code == 403
    with app.extensions["bot"].db.session() as s:
        assert s.scalar(select(PointsLedger).where(PointsLedger.kind == "adjust")) is None


def test_an_admin_adjusts_points_once_per_form_with_a_reason_and_it_is_audited(app, login_as, member):
    admin = login_as("admin")
    form = {"delta": "150", "reason": "補登門市消費", "nonce": "form-nonce-1"}
    assert admin.post(f"/console/members/{member}/points", form).status_code == 302
    assert admin.post(f"/console/members/{member}/points", form).status_code == 302  # resubmitted
    with app.extensions["bot"].db.session() as s:
        rows = list(s.scalars(select(PointsLedger).where(PointsLedger.kind == "adjust")))
        assert [(r.delta, r.actor) for r in rows] == [(150, "admin@shop.example")]
        assert s.scalar(select(Member.balance).where(Member.member_code == member)) == 25 + 150
    [row] = audit_rows(app, "points.adjust")
    assert row.actor == "admin@shop.example" and row.details["reason"] == "補登門市消費"


def test_a_points_adjustment_needs_a_reason_and_cannot_overdraw(app, login_as, member):
    admin = login_as("admin")
    admin.post(f"/console/members/{member}/points", {"delta": "10", "reason": " ", "nonce": "a"})
    page = admin.post(f"/console/members/{member}/points", {"delta": "-5000", "reason": "oops", "nonce": "b"},
                      follow_redirects=True).get_data(as_text=True)
    assert "Not adjusted" in page
    assert audit_rows(app, "points.adjust") == []


def test_tags_are_edited_by_marketers_not_viewers_and_audited(app, login_as, member):
    assert login_as("viewer").post(f"/console/members/{member}/tags", {"tags": "x"}).status_code == 403
    marketer = login_as("marketer")
    assert marketer.post(f"/console/members/{member}/tags", {"tags": "vip, 咖啡 ,vip,  "}).status_code == 302
    with app.extensions["bot"].db.session() as s:
        assert s.scalar(select(Member.tags).where(Member.member_code == member)) == ["vip", "咖啡"]
    [row] = audit_rows(app, "member.tags")
    assert row.details == {"from": ["vip"], "to": ["vip", "咖啡"]} and row.actor == "marketer@shop.example"


@pytest.mark.parametrize("role", ["viewer", "marketer"])
def test_only_admins_export_or_erase(app, login_as, member, role):
    c = login_as(role)
    assert c.post(f"/console/members/{member}/export").status_code == 403
    assert c.post(f"/console/members/{member}/erase", {"confirm": member}).status_code == 403
    with app.extensions["bot"].db.session() as s:
        assert s.scalar(select(Member.status).where(Member.member_code == member)) == "member"


def test_export_is_the_members_whole_record_as_json_and_is_audited(app, login_as, member):
    response = login_as("admin").post(f"/console/members/{member}/export")
    assert response.status_code == 200 and response.mimetype == "application/json"
    assert f"member-{member}.json" in response.headers["Content-Disposition"]
    data = json.loads(response.get_data(as_text=True))
    assert data["member"]["display_name"] == "陳小美" and data["member"]["phone"] == "0912-345-678"
    assert data["member"]["tags"] == ["vip"] and data["member"]["marketing_opt_in"] is True
    assert [o["amount"] for o in data["orders"]] == [2500]
    assert sum(r["delta"] for r in data["points_ledger"]) == data["member"]["balance"]
    earned = data["points_ledger"][0]
    assert (earned["reason_code"], earned["reason"]) == ("earn_order", "消費 NT$2,500（S01）×1.0 → +25 點")
    assert "survey_answers" in data and "coupons" in data and "messages" in data
    assert data["linked_accounts"] == [] and data["points_spent_at_the_till"] == []
    [row] = audit_rows(app, "member.export")
    assert row.target == f"member:{member}" and row.actor == "admin@shop.example"


def test_erase_needs_the_code_typed_then_does_what_the_chat_delete_does(app, login_as, member, line):
    rt = app.extensions["bot"]
    with rt.db.session() as s:
        m = s.scalar(select(Member).where(Member.member_code == member))
        order_id = s.scalar(select(Order.id).where(Order.member_id == m.id))
        inv = SurveyInvitation(order_id=order_id, member_id=m.id, channel="store", store_id="S01",
                               invite_at=rt.clock.now(), status="answered", created_at=rt.clock.now())
        s.add(inv)
        s.flush()
        s.add(SurveyResponse(invitation_id=inv.id, member_id=m.id, order_id=order_id, store_id="S01", rating=2,
                             comment="請打 0912-345-678 給我", answered_at=rt.clock.now(), needs_follow_up=True))
    admin = login_as("admin")
    admin.post(f"/console/members/{member}/erase", {"confirm": "wrong"})
    with app.extensions["bot"].db.session() as s:
        assert s.scalar(select(Member.status).where(Member.member_code == member)) == "member"
    assert admin.post(f"/console/members/{member}/erase", {"confirm": member.lower()}).status_code == 302
    with rt.db.session() as s:
        m = s.scalar(select(Member).where(Member.member_code == member))
        assert (m.status, m.line_user_id, m.display_name, m.phone, m.tags, m.marketing_opt_in) == (
            "erased", None, None, None, [], False)
        assert s.scalar(select(Outbox.status).where(Outbox.dedup_key == "pending-1")) == "cancelled"
        assert conversation.get(s, "U" + "a" * 32, rt.clock.now()) is None
        # what they wrote goes too; the rating stays as an anonymous number (privacy.erasure)
        assert s.scalar(select(SurveyResponse.comment)) is None and s.scalar(select(SurveyResponse.rating)) == 2
        assert sum(s.scalars(select(PointsLedger.delta).where(PointsLedger.member_id == m.id))) == m.balance
    [row] = audit_rows(app, "member.erase")
    assert row.target == f"member:{member}"
    # the rich menu goes back to the default, as after the chat's delete
    assert line.calls_to("/v2/bot/user/" + "U" + "a" * 32 + "/richmenu")
    page = admin.get(f"/console/members/{member}").get_data(as_text=True)
    assert "erased" in page and "陳小美" not in page


def test_erased_members_stay_findable_by_code_only(app, login_as, member, clock):
    admin = login_as("admin")
    admin.post(f"/console/members/{member}/erase", {"confirm": member})
    assert f"/console/members/{member}" in admin.get(f"/console/members?q={member}").get_data(as_text=True)
    assert f"/console/members/{member}" not in admin.get("/console/members?q=小美").get_data(as_text=True)


def test_friends_who_never_joined_cannot_get_points(app, login_as, clock):
    with app.extensions["bot"].db.session() as s:
        code = add_member(s, None, status="friend", created_at=clock.now()).member_code
    login_as("admin").post(f"/console/members/{code}/points", {"delta": "10", "reason": "x", "nonce": "q"})
    assert audit_rows(app, "points.adjust") == []




def test_the_ledger_shows_the_last_valid_day_like_the_chat_and_the_api(app, login_as, member):
    from rewards import ledger

    rt = app.extensions["bot"]
    with rt.db.session() as s:
        m = s.scalar(select(Member).where(Member.member_code == member))
        expires_at = s.scalar(select(PointsLedger.expires_at).where(PointsLedger.member_id == m.id,
                                                                   PointsLedger.kind == "earn"))
        _points, day = ledger.expiring_next(s, m, rt.clock.now())
    page = login_as("viewer").get(f"/console/members/{member}").get_data(as_text=True)
    assert day.isoformat() in page
    assert expires_at.astimezone(rt.clock.tz).date().isoformat() not in page  # the exclusive end is not shown
    # 12 months after the order was placed (3 days ago), not after it was recorded
    assert day == (rt.clock.now() - timedelta(days=3)).date().replace(year=rt.clock.now().year + 1)


def test_members_owing_points_are_listed_with_what_they_owe(app, clock, login_as, member):
    """Issue 19: a refund of points already spent leaves a debt; the console lists who owes, most first."""
    from rewards import ledger

    rt = app.extensions["bot"]
    now = clock.now()
    with rt.db.session() as s:
        owes_little = add_member(s, now - timedelta(days=10), name="欠點少")
        owes_much = add_member(s, now - timedelta(days=10), name="欠點多")
        add_member(s, now - timedelta(days=10), name="不欠點")
        ledger.take_up_to(s, owes_little, 15, "refund", "refund_order", {"amount": 1500, "order": "A"}, "r-a", now)
        ledger.take_up_to(s, owes_much, 240, "refund", "refund_order", {"amount": 24000, "order": "B"}, "r-b", now)
        codes = (owes_much.member_code, owes_little.member_code)
    page = login_as("viewer").get("/console/members/owing")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "2 位會員共欠 255 點" in html and "2 members owe 255 points" in html
    table = html.split('id="members-owing"')[1]
    assert table.index(codes[0]) < table.index(codes[1]) and "不欠點" not in table and "陳小美" not in table
    assert ">240<" in table and ">15<" in table
    detail = login_as("viewer").get(f"/console/members/{codes[0]}").get_data(as_text=True)
    assert "Owes 240 points" in detail
    assert "/console/members/owing" in login_as("viewer").get("/console/members").get_data(as_text=True)


def test_the_members_page_counts_records_moved_in_claimed_and_not(app, login_as, clock):
    from rewards.claims import claim
    from rewards.member_imports import csv_rows, import_members
    from rewards.models import MemberImport

    rt = app.extensions["bot"]
    text = ("external_id,name,phone,email,birthday,balance,tier,tier_until,joined_at,marketing_consent\n"
            "A1,王小明,,,,100,,,,\nA2,Amy,,,,0,,,,\nA3,Bo,,,,5,,,,\n")
    import_members(lambda work: rt.db.run(work, write=True), "舊卡", csv_rows(text), clock.now(), rt.settings)
    with rt.db.session() as s:
        me = membership.get_or_create(s, "U" + "b" * 32, clock.now())
        first = s.scalar(select(MemberImport.id).where(MemberImport.external_id == "A1"))
        claim(s, first, me, "code", clock.now(), rt.settings)
    page = login_as("viewer").get("/console/members").get_data(as_text=True)
    section = page[page.index('id="moved-in"'):page.index("</section>", page.index('id="moved-in"'))]
    assert "舊卡" in section
    assert '<td class="num">1</td><td class="num">2</td><td class="num">0</td>' in section
    found = login_as("viewer").get("/console/members?q=Amy").get_data(as_text=True)
    assert "轉入待領取 moved in, unclaimed" in found
