"""Every outbox kind the domain queues has a renderer, in both languages, and LINE accepts what it makes."""
from __future__ import annotations

import pytest

from bot.notice_messages import RENDERERS, RenderError, render
from bot.outbox.sender import OutboxSender
from rewards import notices
from rewards.models import Member
from rewards.settings import ProgramSettings

from ..e2e.chat import words

CONTENT = {"content_id": 7, "title_zh": "手沖三步驟", "title_en": "Pour-over in three steps", "body_zh": "悶蒸。\n\n注水。",
           "body_en": "Bloom.\n\nPour.", "image_url": "https://static.example.com/a.jpg",
           "link_url": "https://shop.example.com/a", "kind": "tip"}
PARAMS = {
    "birthday": {"code": "ABCD2345EFGH", "value": 200, "last_day": "2027-03-31"},
    "content": CONTENT,
    "survey_invitation": {"invitation_id": 3, "channel": "store", "store_id": "信義店"},
    "tier_keep_warning": {"tier": "silver", "spend_to_keep": 6000, "spend": 4000, "threshold": 10000,
                          "review_date": "2027-01-01"},
    "repurchase": {"days_since": 13, **CONTENT},
    "tier_down": {"old_tier": "silver", "new_tier": "member", "spend": 4000, "review_date": "2027-01-01"},
}


def test_every_kind_the_domain_queues_has_a_renderer():
    queued = {"receipt", "tier_up", "tier_down", "refund", "referral_bonus", "birthday", "content",
              "survey_invitation", "tier_keep_warning", "repurchase"}
    assert queued <= set(RENDERERS)


@pytest.mark.parametrize("language", ["zh-TW", "en"])
def test_the_engagement_notices_go_out_valid_in_both_languages(rt, scene, line, language):
    mid = scene.member(language=language)
    with rt.db.session() as s:
        member = s.get(Member, mid)
        for kind, params in PARAMS.items():
            notices.queue_notice(s, member, kind, "service", params, f"{kind}:{mid}", scene.clock.now())
    summary = OutboxSender.from_runtime(rt).drain()
    assert (summary.sent, summary.failed) == (len(PARAMS), 0)
    text = words(scene.pushes(scene.uid(mid)))
    expected = {"zh-TW": ["生日快樂", "ABCD2345EFGH", "手沖三步驟", "信義店", "NT$6,000", "13 天"],
                "en": ["Happy birthday", "ABCD2345EFGH", "Pour-over in three steps", "信義店", "NT$6,000", "13 days"]}
    for piece in expected[language]:
        assert piece in text
    # the simulator checked every push against LINE's spec (the `line` fixture fails the test otherwise)


def test_a_content_row_without_its_item_fails_to_render():
    with pytest.raises(RenderError):
        render("content", {"title_zh": "x"}, "zh-TW", ProgramSettings())
