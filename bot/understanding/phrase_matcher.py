"""Free words to an intent.

A message is normalised (bot/text_normalise.py), stripped of words that carry no intent, and
searched for the phrases of bot/intent_phrases.py, exactly and then allowing a typo. What was
found, and how much of the message it explains, decides:

* nothing found, an off-topic word, or most of the message unexplained -> None (chit-chat)
* one intent, or one clearly stronger than the rest                    -> that intent
* two intents about as strong ("點數和優惠券", "usubscribe")            -> "ambiguous"

`classify(text)` gives the name; `classify_detailed(text)` also the score and the runner-up, so a
handler can ask "which one?" with quick replies for `Match.candidates`.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from rapidfuzz import process
from rapidfuzz.distance import OSA

from .phrases import (CHINESE_INNER_FILLERS, ENGLISH_STOPWORDS, EXPRESSIONS, LEFTOVER_FILLERS, OFF_TOPIC,
                             SOLO, TERMS)
from .normalise import is_cjk, normalise, sound
from .word_trie import trie_pattern

AMBIGUOUS = "ambiguous"
_OFF_TOPIC = "(off topic)"

# Longer messages are letters, not requests the bot answers from a menu (and would cost time).
MAX_LENGTH = 120
# At least this share of the message (by weight, fillers aside) must be intent words.
MIN_COVERAGE = 0.5
# A second intent this strong relative to the first makes the message a close call.
CLOSE_CALL_RATIO = 0.6
# Messages longer than this (normalised) are not searched for typos.
TYPO_SEARCH_LENGTH = 16
# A phrase found with a typo counts for less than one found as written.
TYPO_WEIGHT = 0.8
# When both are named, the first is only the object of the second: "redeem points" is rewards,
# "points history" is history, "unsubscribe from news" is unsubscribe.
DEFERS_TO: dict[str, tuple[str, ...]] = {
    "points": ("rewards", "history"),
    "news": ("subscribe", "unsubscribe"),
}
# A Chinese character says about as much as two Latin letters.
CJK_WEIGHT = 2

_INNER_FILLER_RE = re.compile(trie_pattern(CHINESE_INNER_FILLERS))
_CJK_LEFTOVER_RE = re.compile(
    r"[一二三四五六七八九十〇零兩]+[月日號年]|[月日號年]|"  # dates around a birthday, digits removed elsewhere
    + "|".join(sorted((re.escape(f) for f in LEFTOVER_FILLERS if not f.isascii()), key=len, reverse=True)))
_ASCII_LEFTOVER = frozenset(f for f in LEFTOVER_FILLERS if f.isascii())
# particles and question words sound like parts of terms (嗎 like 碼, 幾 like 積): a word heard as a term
# must not differ from it in one of these
_FILLER_CHARS = frozenset(f for f in LEFTOVER_FILLERS + CHINESE_INNER_FILLERS if len(f) == 1 and not f.isascii())
_CJK_RUN = re.compile(r"[^\x00-\x7f ]+")
_ASCII_WORD = re.compile(r"[a-z0-9]+")
_REFERRAL_CODE = re.compile(
    r"(?:推薦碼|邀請碼|推薦人|referral\s*code|referral|invite\s*code|ref\s*code)\s*(?:is|是|為)?\s*[:：=]?\s*"
    r"([A-Za-z0-9][A-Za-z0-9\-]{3,19})(?![A-Za-z0-9])", re.IGNORECASE)


@dataclass(frozen=True)
class Match:
    intent: str | None  # an intent, AMBIGUOUS, or None
    score: float  # 0-100: how much of the message the intent words explain
    runner_up: str | None = None  # the second intent named, if any
    top: str | None = None  # the strongest intent, also when the answer is AMBIGUOUS or None
    off_topic: bool = False  # the whole message is a topic no member intent answers ("生日快樂", "刷卡")

    @property
    def candidates(self) -> tuple[str, ...]:
        """The intents to offer when asking back: the strongest and the runner-up."""
        return tuple(name for name in (self.top, self.runner_up) if name)


@dataclass(frozen=True)
class _Span:
    start: int
    end: int
    intent: str
    edits: int = 0

    def inside(self, other: "_Span") -> bool:
        return other.start <= self.start and self.end <= other.end

    def overlaps(self, other: "_Span") -> bool:
        return self.start < other.end and other.start < self.end


def matching_form(text: str) -> str:
    """Normalised, without English stopwords and Chinese inner fillers: "我的 Points!!" -> "points"."""
    words = [w for w in normalise(text).split(" ") if w and w not in ENGLISH_STOPWORDS]
    words = [_INNER_FILLER_RE.sub("", w) if not w.isascii() else w for w in words]
    return " ".join(w for w in words if w)


def referral_code_in(text: str) -> str | None:
    """The referral code typed after the word ("推薦碼 ABC2345", "referral code: abcd-2345"), upper case.

    A word after it only counts as a code if it has a digit or was typed in capitals, so
    "referral code please" has none.
    """
    found = _REFERRAL_CODE.search(unicodedata.normalize("NFKC", text or ""))
    if not found:
        return None
    typed = found.group(1)
    code = typed.replace("-", "")
    if not 4 <= len(code) <= 16 or not (any(c.isdigit() for c in code) or typed.isupper()):
        return None
    return code.upper()


def _without_fillers(form: str) -> str:
    """The words that are neither fillers nor numbers: "我要 加入" -> "加入"."""
    kept = []
    for word in form.split():
        if not word.isascii():
            word = _CJK_LEFTOVER_RE.sub("", word)
        elif word in _ASCII_LEFTOVER or word.isdigit():
            continue
        if word:
            kept.append(word)
    return " ".join(kept)


def _weight(text: str) -> int:
    return sum(CJK_WEIGHT if is_cjk(ch) else 1 for ch in text if ch != " ")


def _typos_allowed(word: str) -> int:
    """One character off for Chinese names of 3+ characters; 1-2 letters for English words of 5+."""
    if not word.isascii():
        return 1 if len(word) >= 3 else 0
    letters = len(word.replace(" ", ""))
    return 0 if letters < 5 else 1 if letters < 8 else 2


class IntentMatcher:
    def __init__(self, terms=TERMS, expressions=EXPRESSIONS, solo=SOLO, off_topic=OFF_TOPIC):
        self.whole: dict[str, str] = {}  # the message's matching form -> intent (or off topic)
        self.anywhere: dict[str, str] = {}  # a phrase found anywhere in the message -> intent
        self.solo: dict[str, str] = {}  # a phrase that is the message once fillers are out -> intent
        self.owner: dict[str, str] = {}  # any phrase -> its intent
        self.typo_terms: dict[tuple[bool, int], list[str]] = {}  # (is English, length or word count) -> terms
        self.term_chars: set[str] = set()  # every character of those terms
        # the sound of each Chinese term of 2+ characters -> the term: 點樹 sounds like 點數
        self.sounds: dict[tuple[str, ...], str] = {}
        for table, found_anywhere in ((terms, True), (expressions, True), (solo, False)):
            for intent, phrases in table.items():
                for phrase in phrases:
                    form = self._register(phrase, intent, self.whole)
                    self._register(phrase, intent, self.owner)
                    self._register(phrase, intent, self.anywhere if found_anywhere else self.solo)
                    if table is not expressions and _typos_allowed(form):
                        key = (form.isascii(), form.count(" ") + 1 if form.isascii() else len(form))
                        self.typo_terms.setdefault(key, []).append(form)
                        self.term_chars.update(form)
                    if table is not expressions and not form.isascii() and " " not in form and len(form) >= 2:
                        self.sounds.setdefault(sound(form), form)
        self.window_lengths = sorted({length for english, length in self.typo_terms if not english}
                                     | {len(key) for key in self.sounds})
        for phrase in off_topic:
            self._register(phrase, _OFF_TOPIC, self.whole)
            self._register(phrase, _OFF_TOPIC, self.anywhere)
        self._phrase_re = re.compile(r"(?<![a-z0-9])(?:" + trie_pattern(self.anywhere) + r")(?![a-z0-9])")

    @staticmethod
    def _register(phrase: str, intent: str, table: dict[str, str]) -> str:
        form = matching_form(phrase)
        if not form:
            raise ValueError(f"phrase {phrase!r} ({intent}) is all stopwords")
        if table.get(form, intent) != intent:
            raise ValueError(f"phrase {phrase!r} is both {table[form]} and {intent}")
        table[form] = intent
        return form

    def match(self, text: str) -> Match:
        form = matching_form(text)
        if not form or len(form) > MAX_LENGTH:
            return Match(None, 0)
        intent = self.whole.get(form)
        if intent is not None:
            return Match(None, 0, off_topic=True) if intent == _OFF_TOPIC else Match(intent, 100, top=intent)
        intent = self.solo.get(_without_fillers(form))
        if intent is not None:
            return Match(intent, 90, top=intent)
        exact = [_Span(m.start(), m.end(), self.anywhere[m.group()]) for m in self._phrase_re.finditer(form)]
        # a typo is searched for in short messages only: in a long one, every stretch would be tried
        # against every term, and the classifier (bot/understanding/) reads it by its sounds anyway
        spans = self._with_typos(form, exact) if len(form) <= TYPO_SEARCH_LENGTH else exact
        return self._decide(text, form, spans)

    # -- finding phrases typed with a typo
    def _with_typos(self, form: str, exact: list[_Span]) -> list[_Span]:
        core = _without_fillers(form)
        heard = sound(form) if self.sounds else ()  # one syllable per character, worked out once
        found = [span for window in self._windows(form) if not any(window.inside(e) for e in exact)
                 for span in self._near(form, core, window, heard)]
        if not found:
            return exact
        # fewest typos first, then longest; a typo'd phrase replaces exact ones only if it covers them
        # whole ("取消定閱" over "定閱") and they are not off topic; equal rivals on the same stretch
        # are all kept (a close call)
        found.sort(key=lambda s: (s.edits, s.start - s.end, s.start))
        kept: list[_Span] = []
        for span in found:
            if any(span.overlaps(e) and (not e.inside(span) or e.intent == _OFF_TOPIC) for e in exact):
                continue
            if any(span.overlaps(k) and (k.start, k.end, k.edits) != (span.start, span.end, span.edits)
                   for k in kept):
                continue
            kept.append(span)
        return [e for e in exact if not any(e.inside(k) for k in kept)] + kept

    def _windows(self, form: str):
        """Stretches of the message as long as some term: Chinese substrings and runs of English words."""
        for run in _CJK_RUN.finditer(form):
            # a term one character off shares all its other characters with the stretch
            foreign = [0]
            for ch in run.group():
                foreign.append(foreign[-1] + (ch not in self.term_chars))
            for length in self.window_lengths:
                for i in range(len(run.group()) - length + 1):
                    if foreign[i + length] - foreign[i] <= 1:
                        yield _Span(run.start() + i, run.start() + i + length, "")
        words = [(w.start(), w.end()) for w in _ASCII_WORD.finditer(form)]
        for (english, count) in self.typo_terms:
            if not english:
                continue
            for i in range(len(words) - count + 1):
                start, end = words[i][0], words[i + count - 1][1]
                if form[start:end].isascii():  # the words follow each other, no Chinese between
                    yield _Span(start, end, "")

    def _near(self, form: str, core: str, window: _Span, heard: tuple[str, ...] = ()) -> list[_Span]:
        piece = form[window.start:window.end]
        allowed = _typos_allowed(piece)
        if piece in self.owner or piece.isdigit():
            return []
        if heard and not piece.isascii():
            heard = self.sounds.get(heard[window.start:window.end])
            if (heard is not None and (heard not in self.solo or _without_fillers(piece) == core)
                    and not any(a != b and a in _FILLER_CHARS for a, b in zip(piece, heard))):
                return [_Span(window.start, window.end, self.owner[heard], 1)]
        if not allowed:
            return []
        key = (piece.isascii(), piece.count(" ") + 1 if piece.isascii() else len(piece))
        hits = process.extract(piece, self.typo_terms.get(key, ()), scorer=OSA.distance, score_cutoff=allowed,
                               limit=None)
        if not hits:
            return []
        # two characters of three are weak evidence ("會員費", "會員嗎" are not "會員卡" misspelt), and
        # a solo word is only one alone: both only when the message is that word and fillers
        piece_core = _without_fillers(piece)
        alone = bool(piece_core) and piece_core == core
        if len(piece) == 3 and not piece.isascii() and not alone:
            return []
        return [_Span(window.start, window.end, self.owner[term], int(edits)) for term, edits, _ in hits
                if 0 < edits <= _typos_allowed(term) and (alone or term not in self.solo)]

    # -- deciding
    def _decide(self, text: str, form: str, spans: list[_Span]) -> Match:
        if not spans:
            return Match(None, 0)
        if any(s.intent == _OFF_TOPIC for s in spans):
            # off topic when that is all of ours the message names ("推薦什麼好"), as when it is the whole message
            return Match(None, 0, off_topic=all(s.intent == _OFF_TOPIC for s in spans))
        strength: dict[str, float] = {}
        for s in sorted(spans, key=lambda s: s.start):
            weight = _weight(form[s.start:s.end]) * (TYPO_WEIGHT if s.edits else 1)
            strength[s.intent] = strength.get(s.intent, 0) + weight
        for minor, majors in DEFERS_TO.items():
            if minor in strength and any(major in strength for major in majors):
                del strength[minor]
        explained = sum(_weight(form[s.start:s.end]) for s in spans)
        unexplained = self._unexplained(text, form, spans, "referral" in strength)
        coverage = explained / (explained + unexplained)
        score = round(100 * coverage * (TYPO_WEIGHT if any(s.edits for s in spans) else 1), 1)
        ranked = sorted(strength, key=lambda name: -strength[name])  # stable: first named wins a tie
        top = ranked[0]
        runner_up = ranked[1] if len(ranked) > 1 else None
        if coverage < MIN_COVERAGE:
            return Match(None, score, runner_up, top)
        if runner_up and strength[runner_up] >= CLOSE_CALL_RATIO * strength[top]:
            return Match(AMBIGUOUS, score, runner_up, top)
        return Match(top, score, runner_up, top)

    @staticmethod
    def _unexplained(text: str, form: str, spans: list[_Span], has_referral: bool) -> int:
        """Weight of what is left once the phrases found, fillers, numbers and a referral code are out."""
        chars = list(form)
        for s in spans:
            chars[s.start:s.end] = " " * (s.end - s.start)
        code = (referral_code_in(text) or "").lower() if has_referral else ""
        return _weight(" ".join(w for w in _without_fillers("".join(chars)).split() if w != code))


_default: IntentMatcher | None = None


def _matcher() -> IntentMatcher:
    global _default
    if _default is None:
        _default = IntentMatcher()
    return _default


def classify_detailed(text: str) -> Match:
    return _matcher().match(text)


def classify(text: str) -> str | None:
    """The intent's name, AMBIGUOUS for a close call between two, or None for chit-chat."""
    return _matcher().match(text).intent
