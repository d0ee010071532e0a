"""Free words to an intent: normalise, then exact phrase, then contained phrase, then fuzzy (rapidfuzz).

Phrases live here in both languages. `classify` returns an intent name, AMBIGUOUS:a|b when two
intents are too close to call, or None for chit-chat and anything not understood.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from rapidfuzz import fuzz, process

INTENT_PHRASES: dict[str, tuple[str, ...]] = {
    "member_card": ("會員卡", "member card", "會員條碼", "會員證", "我的會員卡", "card", "membership card",
                    "barcode", "qr code", "會員qr", "電子會員卡", "my card", "會員碼", "member code"),
    "points": ("點數", "points", "我的點數", "剩幾點", "還有幾點", "積分", "點數餘額", "紅利", "紅利點數",
               "point", "balance", "my points", "how many points", "點數查詢", "查點數", "幾點"),
    "tier": ("等級", "tier", "會員等級", "我的等級", "level", "my tier", "vip", "升級", "membership level",
             "status", "卡別"),
    "coupons": ("優惠券", "coupons", "coupon", "折價券", "優惠卷", "我的優惠券", "voucher", "vouchers",
                "折扣碼", "discount", "優惠碼", "票券"),
    "rewards": ("兌換", "rewards", "reward", "點數兌換", "兌換商品", "redeem", "贈品", "換禮物", "catalog", "gift"),
    "birthday": ("生日", "birthday", "我的生日", "設定生日", "birth day", "bday", "生日禮", "birthday gift", "dob"),
    "news": ("最新消息", "news", "消息", "新品", "活動", "最新活動", "what's new", "whats new", "latest",
             "promotion", "promotions", "新聞"),
    "help": ("幫助", "help", "說明", "功能", "怎麼用", "選單", "menu", "how to use", "指令", "?", "客服"),
    "join": ("加入會員", "join", "註冊", "入會", "成為會員", "sign up", "signup", "register", "加入",
             "join membership", "become a member"),
    "unsubscribe": ("取消訂閱", "unsubscribe", "不要再傳", "停止訊息", "stop messages", "opt out", "退訂",
                    "stop", "不要推播", "關閉通知"),
    "subscribe": ("訂閱", "subscribe", "恢復訂閱", "開啟通知", "resume messages", "opt in", "重新訂閱"),
    "history": ("點數紀錄", "history", "點數明細", "點數記錄", "points history", "交易紀錄", "紀錄", "明細",
                "ledger", "point history", "transactions"),
    "referral": ("推薦碼", "referral", "推薦", "邀請碼", "referral code", "invite", "邀請朋友", "refer a friend"),
    "delete_data": ("刪除資料", "delete my data", "刪除我的資料", "刪除帳號", "delete account", "erase my data",
                    "remove my data", "個資刪除"),
    "english": ("english", "英文", "in english"),
    "chinese": ("中文", "chinese", "繁體中文", "繁中"),
}

# Words that say nothing about the intent ("please show me my ...", "我想查一下我的...").
FILLERS = (
    "please", "pls", "plz", "show me", "show", "check", "tell me", "what is", "what's", "whats", "my", "i want",
    "i'd like", "can i", "can you", "how about", "the", "a", "to", "see", "list", "hi", "hello",
    "請問", "請", "我想要", "我想", "我要", "查詢", "查一下", "看一下", "看看", "一下", "我的", "幫我", "可以", "嗎",
    "呢", "喔", "哦", "啊", "吧", "了", "你好", "您好", "哈囉", "查", "看",
)

_PUNCT = re.compile(r"[\s\W_]+", re.UNICODE)
_FILLER_RE = re.compile(
    "|".join(sorted((re.escape(f) for f in FILLERS if not f.isascii()), key=len, reverse=True)))
_ASCII_FILLERS = {f for f in FILLERS if f.isascii() and " " not in f and "'" not in f}
_ASCII_FILLER_PHRASES = sorted((f for f in FILLERS if f.isascii() and (" " in f or "'" in f)), key=len,
                               reverse=True)

AMBIGUOUS = "ambiguous"
FUZZY_THRESHOLD = 80
CLOSE_CALL_MARGIN = 3


def normalise(text: str) -> str:
    """Width, case, punctuation and spacing folded: "ＰＯＩＮＴＳ！！" -> "points"."""
    text = unicodedata.normalize("NFKC", text or "").lower().replace("’", "'")
    for phrase in _ASCII_FILLER_PHRASES:
        text = re.sub(r"\b" + re.escape(phrase) + r"\b", " ", text)
    text = _FILLER_RE.sub(" ", text)
    words = [w for w in _PUNCT.sub(" ", text).split() if w not in _ASCII_FILLERS]
    return " ".join(words)


def _fold(text: str) -> str:
    """Normalised and without spaces between CJK characters ("點 數" -> "點數")."""
    return re.sub(r"(?<=[^\x00-\x7f]) (?=[^\x00-\x7f])", "", text)


@dataclass(frozen=True)
class Match:
    intent: str | None
    score: float
    runner_up: str | None = None


class IntentMatcher:
    def __init__(self, phrases: dict[str, tuple[str, ...]] = INTENT_PHRASES):
        self.choices: list[str] = []
        self.owner: list[str] = []
        self.exact: dict[str, str] = {}
        for intent, words in phrases.items():
            for w in words:
                key = _fold(normalise(w)) if normalise(w) else w.lower()
                self.choices.append(key)
                self.owner.append(intent)
                self.exact.setdefault(key, intent)

    def match(self, text: str) -> Match:
        cleaned = _fold(normalise(text))
        raw = _fold(unicodedata.normalize("NFKC", text or "").lower().strip())
        if not cleaned:
            cleaned = raw
        if not cleaned:
            return Match(None, 0)
        for candidate in (cleaned, raw):
            if candidate in self.exact:
                return Match(self.exact[candidate], 100)
        return self._contained(cleaned) or self._fuzzy(cleaned)

    def _contained(self, text: str) -> Match | None:
        """A known phrase inside the text; the longest wins ("取消訂閱" over "訂閱")."""
        found: dict[str, int] = {}
        for phrase, intent in zip(self.choices, self.owner):
            if len(phrase) < 2 or phrase not in text:
                continue
            if phrase.isascii() and not re.search(r"(?<![a-z])" + re.escape(phrase) + r"(?![a-z])", text):
                continue
            found[intent] = max(found.get(intent, 0), len(phrase))
        if not found:
            return None
        ranked = sorted(found.items(), key=lambda kv: -kv[1])
        best, length = ranked[0]
        # the phrase must be a good part of what was said, else it is chit-chat that mentions a word
        coverage = length / max(len(text.replace(" ", "")), 1)
        if coverage < 0.34:
            return None
        if len(ranked) > 1 and ranked[1][1] == length:
            return Match(AMBIGUOUS, 90, ranked[1][0]) if ranked[1][0] != best else Match(best, 90)
        return Match(best, 90 + 10 * coverage)

    def _fuzzy(self, text: str) -> Match:
        results = process.extract(text, self.choices, scorer=fuzz.ratio, limit=8)
        by_intent: dict[str, float] = {}
        for _choice, score, index in results:
            intent = self.owner[index]
            by_intent[intent] = max(by_intent.get(intent, 0), score)
        ranked = sorted(by_intent.items(), key=lambda kv: -kv[1])
        if not ranked or ranked[0][1] < FUZZY_THRESHOLD:
            return Match(None, ranked[0][1] if ranked else 0)
        best, score = ranked[0]
        if len(ranked) > 1 and score - ranked[1][1] < CLOSE_CALL_MARGIN:
            return Match(AMBIGUOUS, score, ranked[1][0])
        return Match(best, score)


_default = None


def classify(text: str) -> str | None:
    """The intent name, "ambiguous:a|b", or None."""
    global _default
    if _default is None:
        _default = IntentMatcher()
    m = _default.match(text)
    if m.intent == AMBIGUOUS:
        return None
    return m.intent
