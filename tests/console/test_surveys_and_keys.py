"""The surveys page (filters, CSAT by store and week, follow-up queue) and admins' API keys page."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from api.keys import list_keys
from insights import metrics
from insights.models import SurveyInvitation, SurveyResponse
from insights.months import Month
from rewards.models import AuditLog

from .people import add_member, add_order


@pytest.fixture
def answers(app, clock):
    rt = app.extensions["bot"]
    now = clock.now()
    with rt.db.session() as s:
        m = add_member(s, now - timedelta(days=100), name="陳小美")
        ids = []
        for k, (rating, store, days) in enumerate([(5, "S01", 1), (4, "S01", 2), (2, "S02", 3), (1, None, 10),
                                                   (3, "S02", 40)]):
            o = add_order(s, m, 500, now - timedelta(days=days + 1), store_id=store,
                          channel="store" if store else "online")
            inv = SurveyInvitation(order_id=o.id, member_id=m.id, channel=o.channel, store_id=store,
                                   invite_at=now - timedelta(days=days), status="answered", created_at=o.placed_at)
            s.add(inv)
            s.flush()
            r = SurveyResponse(invitation_id=inv.id, member_id=m.id, order_id=o.id, store_id=store, rating=rating,
                               comment=f"意見{k}", answered_at=now - timedelta(days=days), needs_follow_up=rating <= 2)
            s.add(r)
            s.flush()
            ids.append(r.id)
        return m.member_code, ids


def test_responses_with_filters_and_csv(login_as, answers):
    viewer = login_as("marketer")  # who may read members' comments (read_member_text)
    page = viewer.get("/console/surveys").get_data(as_text=True)
    assert all(f"意見{k}" in page for k in range(5))
    only_s02 = viewer.get("/console/surveys?store=S02").get_data(as_text=True)
    responses_part = only_s02.split("回覆 <small>Responses")[1]
    assert "意見2" in responses_part and "意見4" in responses_part and "意見0" not in responses_part
    low = viewer.get("/console/surveys?rating_max=2").get_data(as_text=True).split("回覆 <small>Responses")[1]
    assert "意見2" in low and "意見3" in low and "意見0" not in low
    recent = viewer.get("/console/surveys?from=2026-11-15").get_data(as_text=True).split("回覆 <small>Responses")[1]
    assert "意見0" in recent and "意見3" not in recent
    csv = viewer.get("/console/surveys?format=csv&store=S01").get_data(as_text=True)
    assert "意見0" in csv and "意見2" not in csv
    weekly = viewer.get("/console/surveys?table=csat").get_data(as_text=True)
    assert "S01,2026-11-16,2,2,100.0" in weekly and "online" in weekly


def test_follow_up_queue_and_done_mark(app, login_as, answers):
    code, ids = answers
    viewer = login_as("viewer")
    queue = viewer.get("/console/surveys").get_data(as_text=True).split("低分追蹤")[1].split("各門市每週")[0]
    assert queue.count("<tr><td class=\"nowrap\">") == 2 and "意見2" not in queue  # the low scores, not the words
    assert "完成 Done" not in queue  # viewers read only
    assert viewer.post(f"/console/surveys/follow-up/{ids[2]}").status_code == 403
    marketer = login_as("marketer")
    assert marketer.post(f"/console/surveys/follow-up/{ids[2]}").status_code == 302
    assert marketer.post(f"/console/surveys/follow-up/{ids[2]}").status_code == 404  # already done
    assert marketer.post(f"/console/surveys/follow-up/{ids[0]}").status_code == 404  # a 5 needs none
    queue = marketer.get("/console/surveys").get_data(as_text=True).split("低分追蹤")[1].split("各門市每週")[0]
    assert "意見2" not in queue and "意見3" in queue and "意見0" not in queue
    with app.extensions["bot"].db.session() as s:
        r = s.get(SurveyResponse, ids[2])
        assert r.followed_up_by == "marketer@shop.example"
        assert s.scalar(select(AuditLog.action).where(AuditLog.target == f"survey_response:{ids[2]}")) == \
            "survey.follow_up_done"


def test_satisfaction_in_the_measures_and_the_member_profile(app, login_as, answers):
    code, _ = answers
    with app.extensions["bot"].db.session() as s:
        m = metrics.monthly_measures(s, Month(2026, 11), app.extensions["bot"].clock.tz)
        stores = {x.store: x for x in metrics.store_measures(s, Month(2026, 11), app.extensions["bot"].clock.tz, 1)}
    assert m.satisfaction.responses == 4 and m.satisfaction.average == pytest.approx(3.0)
    assert m.satisfaction.top_two_share == pytest.approx(0.5)
    assert stores["S01"].satisfaction.average == pytest.approx(4.5) and stores["online"].satisfaction.responses == 1
    page = login_as("marketer").get(f"/console/members/{code}").get_data(as_text=True)
    assert "意見2" in page


def test_members_own_words_are_read_only_with_read_member_text(app, login_as, answers):
    """Issue 19: viewers read members' own words (a phone number in them) while the inbox was
    marketer-only. One rule, `read_member_text`: a viewer gets the pages without the words, or 403."""
    import re

    words = re.compile(r"意見\d")  # the comments the members wrote
    code, _ = answers
    viewer, marketer = login_as("viewer"), login_as("marketer")
    for path in ("/console/surveys", "/console/surveys?rating_max=2", f"/console/members/{code}"):
        page = viewer.get(path)
        assert page.status_code == 200 and not words.search(page.get_data(as_text=True)), path
        assert "shown to marketers and admins only" in page.get_data(as_text=True)
        assert words.search(marketer.get(path).get_data(as_text=True)), path
    csv = viewer.get("/console/surveys?format=csv").get_data(as_text=True)
    assert "Comment" not in csv.splitlines()[0] and not words.search(csv) and len(csv.splitlines()) == 6
    assert "Comment" in marketer.get("/console/surveys?format=csv").get_data(as_text=True).splitlines()[0]
    assert viewer.get("/console/inbox").status_code == 403  # handed-off chats: the same rule


def test_admins_create_and_revoke_api_keys(app, login_as):
    admin = login_as("admin")
    page = admin.post("/console/api-keys", {"what": "create", "name": "bi-tool"}).get_data(as_text=True)
    assert "只顯示這一次" in page and "mbk_" in page
    key = page.split("<code>")[1].split("</code>")[0]
    assert app.test_client().get("/api/v1/metrics?month=2026-10",
                                 headers={"Authorization": f"Bearer {key}"}).status_code == 200
    admin.post("/console/api-keys", {"what": "revoke", "name": "bi-tool"})
    assert app.test_client().get("/api/v1/metrics?month=2026-10",
                                 headers={"Authorization": f"Bearer {key}"}).status_code == 401
    assert key not in admin.get("/console/api-keys").get_data(as_text=True)
    with app.extensions["bot"].db.session() as s:
        actions = list(s.scalars(select(AuditLog.action).where(AuditLog.target == "apikey:bi-tool")
                                 .order_by(AuditLog.id)))
    assert actions == ["apikey.create", "apikey.revoke"]
    for role in ("viewer", "marketer"):
        assert login_as(role).post("/console/api-keys", {"what": "create", "name": f"k-{role}"}).status_code == 403
    with app.extensions["bot"].db.session() as s:
        assert [k.name for k in list_keys(s)] == ["bi-tool"]
