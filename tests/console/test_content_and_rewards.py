"""Content items and catalog rewards: list, create, edit, retire — by marketers and admins, audited."""
from __future__ import annotations

from sqlalchemy import select

from content.models import ContentItem
from rewards import catalog
from rewards.models import AuditLog, Reward

ITEM = {"title_zh": "手沖咖啡入門", "title_en": "Pour-over basics", "body_zh": "三個步驟", "body_en": "Three steps",
        "image_url": "https://cdn.shop.example/coffee.jpg", "link_url": "https://shop.example/blog/1",
        "topics": "咖啡, 教學", "status": "active"}


def actions(app, target_prefix):
    with app.extensions["bot"].db.session() as s:
        return list(s.scalars(select(AuditLog.action).where(AuditLog.target.startswith(target_prefix))
                              .order_by(AuditLog.id)))


def test_content_create_edit_retire(app, login_as):
    marketer = login_as("marketer")
    assert marketer.post("/console/content", ITEM).status_code == 302
    with app.extensions["bot"].db.session() as s:
        item = s.scalar(select(ContentItem))
        assert (item.title_en, item.topics, item.status, item.created_by) == (
            "Pour-over basics", ["咖啡", "教學"], "active", "marketer@shop.example")
    assert "手沖咖啡入門" in marketer.get("/console/content").get_data(as_text=True)
    marketer.post(f"/console/content/{item.id}", {**ITEM, "title_zh": "手沖咖啡入門（新版）"})
    marketer.post(f"/console/content/{item.id}", {"what": "retire"})
    with app.extensions["bot"].db.session() as s:
        item = s.get(ContentItem, item.id)
        assert item.title_zh == "手沖咖啡入門（新版）" and item.status == "retired"
    assert "手沖咖啡入門" not in marketer.get("/console/content").get_data(as_text=True)
    assert "手沖咖啡入門" in marketer.get("/console/content?retired=1").get_data(as_text=True)
    assert actions(app, "content:") == ["content.create", "content.update", "content.retire"]


def test_content_needs_a_title_and_https_addresses(app, login_as):
    response = login_as("admin").post("/console/content", {**ITEM, "title_zh": " ", "image_url": "http://x.example/a.jpg"})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "title_zh" in page and "https" in page
    with app.extensions["bot"].db.session() as s:
        assert s.scalar(select(ContentItem)) is None


def test_viewers_read_content_but_cannot_change_it(app, login_as):
    login_as("marketer").post("/console/content", ITEM)
    viewer = login_as("viewer")
    with app.extensions["bot"].db.session() as s:
        item_id = s.scalar(select(ContentItem.id))
    assert viewer.get(f"/console/content/{item_id}").status_code == 200
    assert viewer.get("/console/content/new").status_code == 403
    assert viewer.post("/console/content", ITEM).status_code == 403
    assert viewer.post(f"/console/content/{item_id}", {"what": "retire"}).status_code == 403


def test_rewards_create_edit_retire_and_tiers_shown(app, login_as):
    marketer = login_as("marketer")
    assert marketer.post("/console/rewards", {"name_zh": "保溫瓶", "name_en": "Thermos", "cost": "300",
                                              "coupon_value": "500", "stock": "20"}).status_code == 302
    with app.extensions["bot"].db.session() as s:
        reward = s.scalar(select(Reward))
    assert marketer.post(f"/console/rewards/{reward.id}", {
        "name_zh": "保溫瓶", "name_en": "Thermos", "cost": "350", "coupon_value": "500", "stock": "20",
        "stock_was": "20", "description": "限量"}).status_code == 302
    marketer.post(f"/console/rewards/{reward.id}", {"what": "retire"})
    with app.extensions["bot"].db.session() as s:
        reward = s.get(Reward, reward.id)
        assert (reward.cost, reward.stock, reward.active, reward.description) == (350, 20, False, "限量")
        assert catalog.list_rewards(s) == []  # retired: not offered in the chat
    page = marketer.get("/console/rewards").get_data(as_text=True)
    assert "銀卡" in page and "NT$10,000" in page and "保溫瓶" in page
    assert actions(app, "reward:") == ["reward.create", "reward.update", "reward.retire"]


def test_a_reward_edit_keeps_stock_that_changed_meanwhile(app, login_as, clock):
    with app.extensions["bot"].db.session() as s:
        reward = catalog.create_reward(s, "咖啡券", "Coffee", 80, 120, clock.now(), stock=10)
    marketer = login_as("marketer")
    with app.extensions["bot"].db.session() as s:
        s.get(Reward, reward.id).stock = 7  # three redeemed while the form was open
    marketer.post(f"/console/rewards/{reward.id}", {"name_zh": "咖啡券", "name_en": "Coffee", "cost": "90",
                                                   "coupon_value": "120", "stock": "10", "stock_was": "10"})
    with app.extensions["bot"].db.session() as s:
        assert (s.get(Reward, reward.id).cost, s.get(Reward, reward.id).stock) == (90, 7)


def test_bad_reward_fields_are_refused(app, login_as):
    response = login_as("admin").post("/console/rewards", {"name_zh": "", "cost": "0", "coupon_value": "-1",
                                                           "stock": "-3"})
    assert response.status_code == 400
    with app.extensions["bot"].db.session() as s:
        assert s.scalar(select(Reward)) is None


def test_viewers_cannot_change_rewards(app, login_as, clock):
    with app.extensions["bot"].db.session() as s:
        reward = catalog.create_reward(s, "咖啡券", "Coffee", 80, 120, clock.now())
    viewer = login_as("viewer")
    assert viewer.post("/console/rewards", {"name_zh": "x", "cost": "1", "coupon_value": "1"}).status_code == 403
    assert viewer.post(f"/console/rewards/{reward.id}", {"what": "retire"}).status_code == 403
    with app.extensions["bot"].db.session() as s:
        assert s.get(Reward, reward.id).active is True
