import pytest

from bot.notice_messages import RENDERERS, RenderError, render
from rewards.settings import ProgramSettings

SETTINGS = ProgramSettings()
RECEIPT = {"amount": 1250, "multiplier_pct": 120, "points": 12, "balance": 340, "store_id": "信義店"}


def only_text(messages):
    (message,) = messages
    assert message["type"] == "text"
    return message["text"]


def test_a_receipt_explains_the_sum_in_one_line():
    assert only_text(render("receipt", RECEIPT, "en", SETTINGS)) == "NT$1,250 at 信義店 ×1.2 → +12 points; balance 340"
    assert only_text(render("receipt", RECEIPT, "zh-TW", SETTINGS)) == "消費 NT$1,250（信義店） ×1.2 → +12 點；目前共 340 點"


def test_a_receipt_without_a_store_or_with_a_referral_bonus():
    assert only_text(render("receipt", RECEIPT | {"store_id": None}, "en", SETTINGS)) == \
        "NT$1,250 ×1.2 → +12 points; balance 340"
    assert only_text(render("receipt", RECEIPT | {"referral_bonus": 100}, "en", SETTINGS)).endswith(
        "\nIncluding a referral bonus of +100 points")


def test_tier_up_names_the_tiers_from_the_settings():
    text = only_text(render("tier_up", {"old_tier": "silver", "new_tier": "gold"}, "zh-TW", SETTINGS))
    assert text.startswith("恭喜升級！您的會員等級由銀卡升為金卡。")


def test_text_picks_the_members_language_and_falls_back_to_the_other():
    both = {"text_zh": "你好", "text_en": "Hello"}
    assert only_text(render("text", both, "en", SETTINGS)) == "Hello"
    assert only_text(render("text", both, "zh-TW", SETTINGS)) == "你好"
    assert only_text(render("text", {"text_zh": "你好"}, "en", SETTINGS)) == "你好"
    with pytest.raises(RenderError, match="both empty"):
        render("text", {}, "en", SETTINGS)


def test_unknown_kinds_and_missing_params_are_render_errors():
    with pytest.raises(RenderError, match="no renderer for outbox kind 'survey'"):
        render("survey", {}, "en", SETTINGS)
    with pytest.raises(RenderError, match="missing param 'balance'"):
        render("receipt", {"amount": 1, "multiplier_pct": 100, "points": 0}, "en", SETTINGS)
    with pytest.raises(RenderError, match="bad params"):
        render("receipt", RECEIPT | {"amount": "lots"}, "en", SETTINGS)


def test_every_kind_the_domain_queues_has_a_renderer():
    import re
    from pathlib import Path

    root = Path(__file__).resolve().parents[2] / "rewards"
    queued = set()
    for path in root.rglob("*.py"):
        queued |= set(re.findall(r"queue_notice\(\s*session,\s*\w+,\s*\"(\w+)\"", path.read_text(encoding="utf-8")))
    assert queued and queued <= set(RENDERERS)
