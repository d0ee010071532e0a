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
    "welcome_back": {"zh-TW": "{name}，歡迎回來！您的 {balance} 點都還在。", "en": "Welcome back, {name}! Your {balance} points are all still here."},
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
    # -- birthday
    "birthday.offer": {"zh-TW": "告訴我們您的生日，生日當月送您生日禮！（只需月、日）",
                       "en": "Tell us your birthday and get a gift in your birthday month (month and day only)."},
    "birthday.pick": {"zh-TW": "選擇生日", "en": "Pick birthday"},
    "birthday.skip": {"zh-TW": "以後再說", "en": "Later"},
    "birthday.skipped": {"zh-TW": "沒問題，想設定時輸入「生日」即可。", "en": "No problem: type \"birthday\" whenever you like."},
    "birthday.saved": {"zh-TW": "已記下您的生日：{month} 月 {day} 日。生日當月會收到生日禮！",
                       "en": "Saved your birthday (month/day): {month}/{day}. A gift comes in your birthday month!"},
    "birthday.show": {"zh-TW": "您的生日是 {month} 月 {day} 日。", "en": "Your birthday (month/day) is {month}/{day}."},
    "birthday.locked": {"zh-TW": "生日設定後無法在聊天室修改；如需更正，請洽門市人員或客服。",
                        "en": "A birthday can't be changed in chat once set; please ask our staff or customer service."},
    "birthday.invalid": {"zh-TW": "這個日期不行喔，請重新選擇（不能是未來的日期）。",
                         "en": "That date doesn't work (it can't be in the future). Please pick again."},
    # -- language
    "language.switched": {"zh-TW": "好的，之後用中文跟您說話。", "en": "OK, I'll speak English from now on."},
    # -- subscription
    "unsubscribe.done": {"zh-TW": "已取消訂閱行銷訊息。交易通知（如消費明細）仍會照常發送。輸入「訂閱」可恢復。",
                         "en": "You're unsubscribed from marketing messages. Service messages such as receipts still "
                               "come. Type \"subscribe\" to resume."},
    "unsubscribe.already": {"zh-TW": "您目前沒有訂閱行銷訊息。", "en": "You're not subscribed to marketing messages."},
    "subscribe.done": {"zh-TW": "已恢復訂閱，謝謝！我們每週最多傳 {cap} 則優惠與消息。",
                       "en": "You're subscribed again, thank you! At most {cap} offers or news a week."},
    "subscribe.already": {"zh-TW": "您已經訂閱了。", "en": "You're already subscribed."},
    # -- deleting data
    "delete.ask": {"zh-TW": "確定要刪除您的個人資料嗎？姓名、生日、電話與標籤將被刪除，之後不會再收到任何訊息；"
                            "點數與消費只保留匿名統計，無法復原。",
                   "en": "Delete your personal data? Your name, birthday, phone and tags are erased and no more "
                         "messages come; points and purchases are kept only as anonymous totals. This can't be undone."},
    "delete.confirm": {"zh-TW": "確定刪除", "en": "Delete"},
    "delete.cancel": {"zh-TW": "取消", "en": "Cancel"},
    "delete.done": {"zh-TW": "您的個人資料已刪除。謝謝您曾經的支持。", "en": "Your personal data has been erased. Thank you for having been with us."},
    "delete.cancelled": {"zh-TW": "好的，什麼都沒有刪除。", "en": "OK, nothing was deleted."},
    # -- close calls
    "which_one": {"zh-TW": "請問您是指哪一個？", "en": "Which one did you mean?"},
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
