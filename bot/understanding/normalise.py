"""Folding what people type into one comparable form, before any intent matching.

"ＰＯＩＮＴＳ！！" -> "points", "點 數？" -> "點數", "我的points" -> "我的 points", "兑换" -> "兌換".
"""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from pypinyin import lazy_pinyin
from pypinyin.pinyin_dict import pinyin_dict as PINYIN_OF

# Simplified characters a visitor may type for our words, mapped to the Traditional ones we match.
_SIMPLIFIED = str.maketrans({
    "点": "點", "数": "數", "会": "會", "员": "員", "优": "優", "兑": "兌", "换": "換",
    "级": "級", "礼": "禮", "订": "訂", "阅": "閱", "帮": "幫", "说": "說", "删": "刪", "资": "資",
    "荐": "薦", "码": "碼", "录": "錄", "纪": "紀", "闻": "聞", "讯": "訊", "费": "費", "赠": "贈",
    "册": "冊", "请": "請", "历": "歷", "条": "條", "广": "廣", "动": "動", "体": "體",
    "讲": "講", "证": "證", "积": "積", "帐": "帳", "号": "號", "关": "關", "闭": "閉", "开": "開",
    "启": "啟", "复": "復", "义": "義", "么": "麼", "为": "為", "这": "這", "样": "樣",
})
_APOSTROPHE_IN_WORD = re.compile(r"(?<=[a-z])['’](?=[a-z])")
_NOT_WORD = re.compile(r"[\W_]+")
_SCRIPT_CHANGE = re.compile(r"(?<=[a-z0-9])(?=[^\x00-\x7f])|(?<=[^\x00-\x7f])(?=[a-z0-9])")
_SPACE_BETWEEN_CJK = re.compile(r"(?<=[^\x00-\x7f]) (?=[^\x00-\x7f])")


@lru_cache(maxsize=65536)
def normalise(text: str) -> str:
    """Width and compatibility forms, case, Simplified variants, punctuation and emoji, and spacing.

    Words in Latin letters are separated by one space, a run of Chinese characters is kept
    together (people put spaces in "點 數"), and a space marks every change of script.
    """
    text = unicodedata.normalize("NFKC", text or "").lower().translate(_SIMPLIFIED)
    text = _APOSTROPHE_IN_WORD.sub("", text)  # what's -> whats, i'm -> im
    text = _NOT_WORD.sub(" ", text)
    text = _SCRIPT_CHANGE.sub(" ", text)
    text = " ".join(text.split())
    return _SPACE_BETWEEN_CJK.sub("", text)


def is_cjk(ch: str) -> bool:
    return ch > "\x7f" and ch != " "


# tone marks, taken off a reading once it is decomposed (NFD); "ü" is written "v", as pypinyin does
_TONE_MARKS = dict.fromkeys(map(ord, "\u0300\u0301\u0304\u030c"), None)


@lru_cache(maxsize=8192)
def _syllable(ch: str) -> str:
    """A Chinese character's sound without tone ("數" -> "shu"); other characters stand for themselves.

    Read straight from pypinyin's table of characters (its first reading), the same as
    lazy_pinyin(ch) gives for every character there, at a twentieth of the cost: a model's first
    training meets a few thousand characters."""
    if not is_cjk(ch):
        return ch
    readings = PINYIN_OF.get(ord(ch))
    if readings is None:
        return lazy_pinyin(ch, errors="default")[0]
    first = unicodedata.normalize("NFD", readings.split(",", 1)[0]).replace("u\u0308", "v")
    return unicodedata.normalize("NFC", first.translate(_TONE_MARKS))


def sound(text: str) -> tuple[str, ...]:
    """What a run of Chinese characters sounds like, syllable by syllable, without tones: the form in
    which an input-method typo (點樹 for 點數, 等記 for 等級, 訂閲 for 訂閱) equals the word meant."""
    return tuple(_syllable(ch) for ch in text)
