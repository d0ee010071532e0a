"""Keep-or-lose notices a month before the yearly tier review, and the notice after it."""
from __future__ import annotations

from datetime import timedelta

from messaging import tier_keep
from rewards.settings import ProgramSettings

from ..scene import at

DEC_1 = at(2026, 12, 1, 9)  # one month before the review of 1 January 2027


def test_the_warning_month_starts_at_the_end_of_quiet_hours_one_month_before_the_review():
    s = ProgramSettings()
    assert tier_keep.review_ahead(DEC_1 - timedelta(minutes=1), s) is None
    assert tier_keep.review_ahead(DEC_1, s).isoformat() == "2027-01-01"
    assert tier_keep.review_ahead(at(2026, 12, 31, 23, 59), s).isoformat() == "2027-01-01"
    assert tier_keep.review_ahead(at(2027, 1, 1, 0), s) is None
    assert tier_keep.review_ahead(at(2027, 6, 1, 9), ProgramSettings(tier_review_month=7)).isoformat() == "2027-07-01"


def test_a_member_who_would_drop_is_told_once_how_much_keeps_the_tier(scene):
    at_risk, safe_gold, base = scene.members(3, tier="silver")
    scene.update_member(safe_gold, tier="gold")
    scene.update_member(base, tier="member")
    scene.order(at_risk, "A-1", at(2026, 6, 1, 12), amount=4_000)
    scene.order(safe_gold, "G-1", at(2026, 6, 1, 12), amount=31_000)
    scene.run_due(at(2026, 11, 30, 12))
    assert scene.outbox(kind="tier_keep_warning") == []

    assert scene.run_due(DEC_1)["tier-keep-warnings"] == "queued 1 notices"
    (row,) = scene.outbox(kind="tier_keep_warning")
    assert (row.member_id, row.category, row.status) == (at_risk, "service", "sent")
    assert row.params == {"tier": "silver", "spend_to_keep": 6_000, "spend": 4_000, "threshold": 10_000,
                          "review_date": "2027-01-01"}
    (text,) = [p["text"] for p in scene.pushes(scene.uid(at_risk)) if "年度等級審核" in p.get("text", "")]
    assert "NT$6,000" in text and "2026/12/31" in text and "銀卡" in text
    assert scene.run_due(DEC_1 + timedelta(days=3))["tier-keep-warnings"] == "already done"
    assert len(scene.outbox(kind="tier_keep_warning")) == 1


def test_after_the_review_the_member_is_told_the_new_tier_and_why(scene):
    mid = scene.member(tier="silver", language="en")
    scene.order(mid, "A-1", at(2026, 6, 1, 12), amount=4_000)
    summary = scene.run_due(at(2027, 1, 1, 9, 30))
    assert summary["tier-review"].startswith("reviewed") and "down 1" in summary["tier-review"]
    (text,) = [p["text"] for p in scene.pushes(scene.uid(mid)) if "yearly review" in p.get("text", "")]
    assert text.splitlines()[:2] == ["After the yearly review your tier changed from Silver to Member.",
                                     "The review counted NT$4,000 of spending; Silver needs NT$10,000."]
    assert scene.run_due(at(2027, 1, 2, 9))["tier-review"] == "already done"
