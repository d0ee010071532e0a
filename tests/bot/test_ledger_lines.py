"""A points ledger row in the member's words (bot/ledger_lines.py), from its reason code and parameters."""
import pytest

from bot.ledger_lines import ledger_line
from bot.texts import Texts, coupon_titles


@pytest.mark.parametrize("code, params, zh, en", [
    ("earn_order", {"amount": 12000, "store_id": "S01", "multiplier_pct": 100, "points": 120},
     "消費 NT$12,000（S01）×1.0 → +120 點", "NT$12,000 at S01 ×1.0 → +120"),
    ("earn_order", {"amount": 1250, "channel": "online", "multiplier_pct": 120, "points": 14},
     "消費 NT$1,250（線上）×1.2 → +14 點", "NT$1,250 online ×1.2 → +14"),
    ("earn_order", {"amount": 1250, "channel": "store", "multiplier_pct": 120, "points": 14},
     "消費 NT$1,250 ×1.2 → +14 點", "NT$1,250 ×1.2 → +14"),
    ("refund_order", {"amount": 4000, "order": "A1", "points": 25, "shortfall": 15},
     "訂單 A1 退款 NT$4,000 → -25 點（15 點已使用，待補扣）",
     "Refund of NT$4,000 on order A1 → -25 (15 already spent: owed)"),
    ("debt_repaid", {"points": 80, "debt_left": 20}, "補扣退款欠點 -80 點（尚欠 20 點）",
     "Owed points repaid -80 (20 still owed)"),
    ("debt_repaid", {"points": 100, "debt_left": 0}, "補扣退款欠點 -100 點", "Owed points repaid -100"),
    ("redeem_reward", {"reward_zh": "美式咖啡", "reward_en": "Americano", "cost": 100},
     "兌換 美式咖啡 → -100 點", "Redeemed Americano → -100"),
    ("expire", {"points": 25, "earned_on": "2025-11-19"}, "2025-11-19 獲得的 25 點已到期",
     "25 points earned 2025-11-19 expired"),
    ("adjust", {"delta": 200, "reason": "補登 11/3 消費"}, "客服調整 +200 點：補登 11/3 消費",
     "Adjustment by staff +200: 補登 11/3 消費"),
    ("welcome", {"points": 50}, "入會禮 +50 點", "Welcome gift +50"),
    ("referral_revoked", {"points": 30}, "首次消費已退款，收回推薦好禮 -30 點",
     "Referral bonus taken back (first order refunded) -30"),
    ("something_new", {"delta": 7}, "點數 +7", "Points +7"),
    ("earn_order", {"amount": 100}, "點數 +0", "Points +0"),  # parameters that do not fit: plain points
])
def test_each_reason_reads_in_both_languages(code, params, zh, en):
    assert ledger_line(code, params, Texts("zh-TW")) == zh
    assert ledger_line(code, params, Texts("en")) == en


def test_gift_coupon_titles_come_from_the_catalogue():
    assert coupon_titles("birthday", 1200) == ("生日禮 NT$1,200 折價券", "Birthday gift: NT$1,200 off")
    assert coupon_titles("welcome", 100) == ("新會員禮 NT$100 折價券", "Welcome gift: NT$100 off")


def test_a_tiers_benefits_are_worded_from_the_settings_that_decide_them():
    from dataclasses import replace

    from bot.texts import tier_benefits
    from rewards.settings import DEFAULT_TIERS

    member, silver, gold = DEFAULT_TIERS
    assert tier_benefits(member, 100, "zh-TW") == "消費每 NT$100 累積 1 點・生日禮 NT$100"
    assert tier_benefits(silver, 100, "en") == "Points ×1.2, NT$200 birthday gift"
    assert tier_benefits(gold, 100, "en") == "Points ×1.5, NT$500 birthday gift, members-only events"
    # a shop that changes a value in its settings file sees it in every message that states it
    assert tier_benefits(replace(member, birthday_coupon_value=150), 50, "en") == "1 point per NT$50, NT$150 birthday gift"
    assert tier_benefits(replace(silver, multiplier_pct=125, birthday_coupon_value=0), 100, "zh-TW") == "點數 ×1.25"
