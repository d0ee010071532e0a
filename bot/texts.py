"""Every user-facing text, in both languages. Nothing the member reads is written anywhere else.

`TEXTS[key]` holds {"zh-TW": ..., "en": ...}; a test fails if any key lacks a language.
Placeholders use str.format names.
"""
from __future__ import annotations

LANGUAGES = ("zh-TW", "en")
DEFAULT_LANGUAGE = "zh-TW"

TEXTS: dict[str, dict[str, str]] = {
    # -- joining
    "welcome.title": {"zh-TW": "歡迎！", "en": "Welcome!"},
    "welcome.body": {
        "zh-TW": "加入會員：消費累積點數、生日禮，訊息隨時可以停止。",
        "en": "Join to earn points and get a birthday gift; you can stop our messages any time.",
    },
    "welcome.alt": {"zh-TW": "歡迎！點一下加入會員", "en": "Welcome! Tap to join"},
    "welcome.privacy": {"zh-TW": "隱私權條款", "en": "Privacy terms"},
    "button.join": {"zh-TW": "加入會員", "en": "Join"},
    "joined": {"zh-TW": "{name}，歡迎加入會員！您的會員編號是 {code}。",
               "en": "Welcome aboard, {name}! Your member code is {code}."},
    "joined.gift_points": {"zh-TW": "入會禮 {points} 點已存入。", "en": "Your welcome gift of {points} points is in."},
    "joined.gift_coupon": {"zh-TW": "入會禮：NT${value} 優惠券，代碼 {code}。",
                           "en": "Welcome gift: an NT${value} coupon, code {code}."},
    "already_member": {"zh-TW": "您已經是會員了（會員編號 {code}）。", "en": "You are already a member (member code {code})."},
    "invite_join": {"zh-TW": "這是會員功能，點一下就能加入會員。", "en": "That is for members: one tap and you're in."},
    # -- points and tier
    "points.balance": {"zh-TW": "您目前有 {balance} 點，等級：{tier}。", "en": "You have {balance} points. Tier: {tier}."},
    "points.expiring": {"zh-TW": "其中 {points} 點將於 {date} 到期。", "en": "{points} of them expire on {date}."},
    "points.how_to_earn": {"zh-TW": "每消費 NT${spend} 累積 1 點（{tier} ×{multiplier}）。",
                           "en": "Earn 1 point per NT${spend} spent ({tier} ×{multiplier})."},
    # -- help and fallbacks
    "help": {"zh-TW": "我可以幫您查點數、等級、優惠券，或加入會員。", "en": "I can show your points, tier and coupons, or sign you up."},
    "fallback": {"zh-TW": "不好意思，我不太懂。試試下面的選項：", "en": "Sorry, I didn't get that. Try one of these:"},
    "error": {"zh-TW": "抱歉，系統忙碌中，請稍後再試一次。", "en": "Sorry, something went wrong on our side. Please try again shortly."},
    # -- quick reply labels
    "qr.points": {"zh-TW": "點數", "en": "Points"},
    "qr.help": {"zh-TW": "幫助", "en": "Help"},
    "qr.join": {"zh-TW": "加入會員", "en": "Join"},
}


def text(key: str, language: str | None = None, **params) -> str:
    entry = TEXTS[key]
    template = entry.get(language or DEFAULT_LANGUAGE) or entry[DEFAULT_LANGUAGE]
    return template.format(**params) if params else template


class Texts:
    """The catalogue bound to one language, handed to handlers as ctx.t."""

    def __init__(self, language: str):
        self.language = language if language in LANGUAGES else DEFAULT_LANGUAGE

    def __call__(self, key: str, **params) -> str:
        return text(key, self.language, **params)
