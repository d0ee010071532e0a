"""Repurchase reminders: once a regular is 1.2 times their usual gap late, once per last order."""
from __future__ import annotations

from datetime import timedelta

from messaging import repurchase

from ..scene import at

DAY = at(2026, 11, 20, 11)


def test_the_usual_gap_is_the_median_between_purchase_days():
    d = DAY.date()
    assert repurchase.usual_gap([d, d + timedelta(days=10), d + timedelta(days=12), d + timedelta(days=30)]) == 10
    assert repurchase.usual_gap([d, d, d + timedelta(days=7)]) == 7  # one day counts once
    assert repurchase.usual_gap([d]) is None


def regular(scene, gap_days=10, last_days_ago=13, orders=3, **fields) -> int:
    """A member who bought coffee every `gap_days`, the last time `last_days_ago` days before DAY."""
    mid = scene.member(**fields)
    for n in range(orders):
        when = DAY - timedelta(days=last_days_ago + gap_days * (orders - 1 - n))
        scene.order(mid, f"R{mid}-{n}", when, categories=("coffee",), now=DAY - timedelta(days=60))
    return mid


def reminders(scene, mid):
    return scene.outbox(member_id=mid, kind="repurchase")


def test_a_late_regular_gets_one_reminder_with_content_that_fits(scene):
    scene.content("General story", [], published=DAY - timedelta(days=2))
    coffee = scene.content("Coffee tip", ["coffee"], published=DAY - timedelta(days=20))
    mid = regular(scene)  # every 10 days, last 13 days ago: 13 > 12
    assert scene.run_due(DAY)["repurchase-reminders"] == "queued 1 reminders (1 regulars looked at)"
    (row,) = reminders(scene, mid)
    assert (row.category, row.status, row.params["days_since"], row.params["content_id"]) == (
        "marketing", "sent", 13, coffee)
    pushed = scene.pushes(scene.uid(mid))[-2:]
    assert "13 天" in pushed[0]["text"] and pushed[1]["type"] == "flex"
    scene.run_due(DAY + timedelta(days=1))
    scene.run_due(DAY + timedelta(days=9))
    assert len(reminders(scene, mid)) == 1


def test_no_second_reminder_until_they_buy_again(scene):
    mid = regular(scene)
    scene.run_due(DAY)
    scene.order(mid, "AGAIN", DAY + timedelta(days=1), now=DAY + timedelta(days=1))
    scene.run_due(DAY + timedelta(days=5))
    assert len(reminders(scene, mid)) == 1
    scene.run_due(DAY + timedelta(days=14))  # last order 13 days ago again
    rows = reminders(scene, mid)
    assert len(rows) == 2 and rows[0].dedup_key != rows[1].dedup_key
    assert rows[1].params.get("content_id") is None  # no content: a plain reminder
    assert "期待很快再見到您" in scene.pushes(scene.uid(mid))[-1]["text"]


def test_not_yet_late_too_few_orders_or_unsubscribed_get_none(scene):
    on_time = regular(scene, last_days_ago=12)  # 12 is not more than 1.2 x 10
    occasional = regular(scene, orders=2, last_days_ago=40)
    unsubscribed = regular(scene, marketing_opt_in=False)
    scene.run_due(DAY)
    assert reminders(scene, on_time) == [] and reminders(scene, occasional) == []
    assert reminders(scene, unsubscribed) == []
    scene.run_due(DAY + timedelta(days=1))
    assert len(reminders(scene, on_time)) == 1
