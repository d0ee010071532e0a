"""The phrase-based finders beside the member intents: small talk, asking for a person, and the
shop's own answers (faq questions, store names, the list of stores, rewards by name) found by the
same phrase matcher as intents (typos, homophones, extra words, both languages). The one
understanding step (step.py) weighs what they find with the classifier.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, replace

from content.answers import Catalog

from .conversation_phrases import HANDOFF, SMALL_TALK, SMALL_TALK_EMOJI, SMALL_TALK_FILLERS, STORES, STORES_SOLO
from .phrase_matcher import AMBIGUOUS, MAX_LENGTH, IntentMatcher, Match, matching_form
from .normalise import normalise

# "what is the birthday gift", "怎麼升級金卡": questions about how it works, not about the member's own
_ASKS_WHAT = re.compile(r"是什麼|有什麼|是啥|什麼禮|哪些禮|\bwhat\b|\bwhich\b")
_GIFT = re.compile(r"禮|gift|present|reward")
_ASKS_HOW = re.compile(r"怎麼|怎樣|如何|條件|資格|門檻|要多少|\bhow\b|\brequire|\bcriteria\b|\btake\b")
_TIER_NAME = re.compile(r"金卡|銀卡|gold|silver|vip")
# a birthday and a coupon or a gift named apart ("我生日有優惠券嗎"): the birthday coupon
_A_BIRTHDAY_COUPON = ({"birthday", "coupons"}, {"birthday", "rewards"})


@dataclass(frozen=True)
class Finding:
    kind: str | None  # intent, faq, store, stores, handoff, reward, small_talk, or None (not understood)
    key: str | None = None  # the intent, faq slug, store slug, reward id or kind of small talk
    match: Match | None = None

    @property
    def label(self) -> str | None:
        """As the labelled set writes it: "points", "faq:faq-hours", "store:store-xinyi", "small_talk"."""
        if self.kind == "intent":
            return self.key
        if self.kind in ("faq", "store"):
            return f"{self.kind}:{self.key}"
        if self.kind == "reward":
            return "rewards"
        return self.kind


def refine(match: Match, text: str) -> Match:
    """A birthday question asking what the gift is, or a tier question asking what a tier takes."""
    form = normalise(text)
    if match.intent == "birthday" and _ASKS_WHAT.search(form) and _GIFT.search(form):
        return replace(match, intent="birthday_gift")
    if match.intent == "tier" and _ASKS_HOW.search(form) and _TIER_NAME.search(form):
        return replace(match, intent="tier_rules")
    if match.intent == AMBIGUOUS and {match.top, match.runner_up} in _A_BIRTHDAY_COUPON:
        return replace(match, intent="birthday_gift", top="birthday_gift", runner_up=None)
    return match


_SMALL_TALK_KIND = {matching_form(p) or normalise(p): kind for kind, phrases in SMALL_TALK.items() for p in phrases}
_SMALL_TALK_RE = re.compile(r"(?<![a-z0-9])(?:" + "|".join(
    re.escape(p) for p in sorted({normalise(p) for ps in SMALL_TALK.values() for p in ps} | {
        normalise(f) for f in SMALL_TALK_FILLERS if normalise(f)}, key=len, reverse=True)) + r")(?![a-z0-9])")


def small_talk(text: str) -> str | None:
    """The kind of small talk (greeting, thanks, ack, bye) a message is made of, or None."""
    form = normalise(text)
    if not form:
        return next((kind for ch, kind in SMALL_TALK_EMOJI.items() if ch in (text or "")), None)
    said = [m.group() for m in _SMALL_TALK_RE.finditer(form)]
    if _SMALL_TALK_RE.sub(" ", form).strip():
        return None
    kinds = [_SMALL_TALK_KIND.get(matching_form(w) or w) for w in said]
    return next((k for k in kinds if k), None)


class AnswerMatcher:
    """The catalog's faqs, stores and rewards, and the words for a person and the stores, as one matcher."""

    def __init__(self, catalog: Catalog):
        self.catalog = catalog
        terms: dict[str, list[str]] = {}
        expressions: dict[str, list[str]] = {}
        solo: dict[str, list[str]] = {}
        seen: set[str] = set()

        def add(table: dict[str, list[str]], owner: str, phrases) -> None:
            for phrase in phrases:
                form = matching_form(str(phrase))
                if form and form not in seen and len(form) <= MAX_LENGTH:
                    seen.add(form)
                    table.setdefault(owner, []).append(phrase)

        add(terms, "handoff", HANDOFF)
        for store in catalog.stores:
            add(terms, f"store:{store.slug}", store.names)
        add(terms, "stores", STORES)
        add(solo, "stores", STORES_SOLO)
        for reward in catalog.rewards:
            owner = f"reward:{reward.reward_id}"
            # the names exactly ("free coffee" typed with a typo is "I love your coffee" as often);
            # a distinctive word of one ("保溫瓶", "thermos") also with a typo
            add(expressions, owner, (reward.name_zh, reward.name_en))
            add(terms, owner, [k for k in reward.keywords if (len(k) >= 3 if not k.isascii() else len(k) >= 7)])
            add(expressions, owner, [f"{verb}{k}" if not k.isascii() else f"{verb} {k}" for k in reward.keywords
                                     for verb in (("換", "兌換", "換一個") if not k.isascii() else ("redeem",))
                                     if k.isascii() == (verb.isascii())])
        for faq in catalog.faqs:
            add(terms, f"faq:{faq.slug}", faq.asked_zh + faq.asked_en + (faq.title_zh, faq.title_en))
        self.matcher = IntentMatcher(terms=terms, expressions=expressions, solo=solo, off_topic=())

    def match(self, text: str) -> Finding:
        kind = small_talk(text)
        if kind:
            return Finding("small_talk", kind)
        found = self.matcher.match(text)
        name = found.top if found.intent == AMBIGUOUS else found.intent
        if name is None:
            return Finding(None, match=found)
        store = next((n for n in (found.top, found.runner_up) if n and n.startswith("store:")), None)
        if store and (name == "stores" or name.startswith("faq:")):
            name = store  # "信義店幾點開": that store's hours
        kind, _, key = name.partition(":")
        return Finding(kind, key or None, found)


_person: IntentMatcher | None = None


def asks_for_person(text: str) -> bool:
    """"真人客服", "talk to a person" (typos too): the chat goes to staff, whatever else it names."""
    global _person
    if _person is None:
        _person = IntentMatcher(terms={"handoff": HANDOFF}, expressions={}, solo={}, off_topic=())
    return _person.match(text).intent == "handoff"
