"""A message as weighted features for the classifier: its concepts, its words and its sounds.

* concepts (bot/understanding/concepts.py, and the member words of phrases.py found with typos and
  homophones by the phrase matcher): "@points", "@wallet";
* English words, stop words out, a plural "s" off, and a word not in the vocabulary corrected to
  the nearest one that is (one letter off, two for long words): "ponits" -> "points";
* Chinese characters and pairs of characters, fillers out ("請問一下" says nothing);
* the sound of each pair (pinyin without tones), so a homophone typo shares the features of the word
  meant: 點樹 and 點數 both give "~dian shu".
"""
from __future__ import annotations

import re
from functools import lru_cache

from rapidfuzz import process
from rapidfuzz.distance import OSA

from .concepts import CONCEPTS, OTHER_WORLDS, PLACES
from .normalise import normalise, sound
from .phrases import CHINESE_INNER_FILLERS, ENGLISH_STOPWORDS, EXPRESSIONS, LEFTOVER_FILLERS, TERMS
from .word_trie import trie_pattern

CONCEPT_WEIGHT = 1.0
STOPWORD_WEIGHT = 0.3
WORD_PAIR_WEIGHT = 0.5
WORD_WEIGHT = 1.0
BIGRAM_WEIGHT = 1.0
CHAR_WEIGHT = 0.35
SOUND_WEIGHT = 0.5
# English words of this length or more are corrected to the vocabulary
CORRECTED_FROM = 4
# ... but a short word one letter different from a known one is only corrected from this length
SUBSTITUTED_FROM = 6

_CJK_RUN = re.compile(r"[^\x00-\x7f ]+")
_ASCII_WORD = re.compile(r"[a-z0-9][a-z0-9\-]*")
_CJK_FILLERS = sorted({f for f in LEFTOVER_FILLERS + CHINESE_INNER_FILLERS if not f.isascii() and len(f) >= 2},
                      key=len, reverse=True)
_CJK_FILLER_RE = re.compile(trie_pattern(_CJK_FILLERS))
# single characters that carry nothing on their own (particles, pronouns)
_CJK_FILLER_CHARS = frozenset("的了嗎呢吧啊呀喔哦啦我你您他她是在有要想請就也都還很跟和或與及這那個一下麼嗯欸耶囉唷")
_STOP = ENGLISH_STOPWORDS | {"bot", "pls", "plz", "pleaseee", "u", "ur", "r", "im", "ive", "id", "dont", "cant",
                             "doesnt", "isnt", "wont", "didnt", "should", "shall", "may", "might", "if", "so",
                             "then", "than", "as", "but", "not", "no", "yes", "yeah", "also", "too", "very", "really",
                             "quick", "question", "ask", "asking", "wondering", "wonder", "here", "guys", "sir",
                             "maam", "excuse", "sorry", "um", "uh", "hmm", "lol", "haha", "btw", "oh", "ah"}


def _concept_pattern() -> tuple[re.Pattern, dict[str, tuple[str, ...]]]:
    owner: dict[str, tuple[str, ...]] = {}
    # each intent's own words are a concept too ("intent_points"), as written; the phrase matcher adds
    # them with typos and homophones for a message (bot/understanding/step.py)
    intents = [("intent_" + name, phrases) for table in (TERMS, EXPRESSIONS) for name, phrases in table.items()]
    for concept, forms in list(CONCEPTS.items()) + list(OTHER_WORLDS.items()) + [("place_name", PLACES)] + intents:
        for form in forms:
            key = normalise(form)
            owner[key] = owner.get(key, ()) + (concept,)
    # an intent's phrase also names the concepts inside it ("換什麼" is an exchange too): the longest
    # match in a message would otherwise hide them
    plain = [normalise(f) for concept, forms in CONCEPTS.items() for f in forms]
    inner = re.compile(r"(?<![a-z0-9])(?:" + trie_pattern(f for f in plain if f.isascii()) + r")(?![a-z0-9])|(?:"
                       + trie_pattern(f for f in plain if not f.isascii()) + ")")
    for key, concepts in list(owner.items()):
        if any(c.startswith("intent_") for c in concepts):
            found = [c for hit in inner.findall(key) if hit != key for c in owner.get(hit, ()) if not c.startswith("intent_")]
            owner[key] = tuple(dict.fromkeys(concepts + tuple(found)))
    english = trie_pattern(f for f in owner if f.isascii())
    chinese = trie_pattern(f for f in owner if not f.isascii())
    return re.compile(r"(?<![a-z0-9])(?:" + english + r")(?:e?s)?(?![a-z0-9])|(?:" + chinese + ")"), owner


_CONCEPT_RE, _CONCEPT_OF = _concept_pattern()
# the concepts' single English words are known words too: "movie" or "golf" is never "corrected" to a
# word of the examples ("move", "gold"), and a typo of them ("freinds") is corrected to them
CONCEPT_WORDS = frozenset(w for w in _CONCEPT_OF if w.isascii() and w.isalpha())


def _concepts_of(found: str) -> tuple[str, ...]:
    if found in _CONCEPT_OF or not found.endswith("s"):
        return _CONCEPT_OF.get(found, ())
    return _CONCEPT_OF.get(found[:-1]) or (_CONCEPT_OF.get(found[:-2], ()) if found.endswith("es") else ())


def named_concepts(form: str) -> set[str]:
    """The concepts normalised words name as written (no typo corrected)."""
    return {c for found in _CONCEPT_RE.findall(form) for c in _concepts_of(found)}


def _stem(word: str) -> str:
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
        return word[:-1]
    return word


def _one_letter_swapped_for_another(a: str, b: str) -> bool:
    return len(a) == len(b) and sum(x != y for x, y in zip(a, b)) == 1


@lru_cache(maxsize=65536)
def _pair_sound(pair: str) -> str:
    return "~" + " ".join(sound(pair))


class Featuriser:
    """Turns text into features; knows the training vocabulary so it can correct English typos."""

    def __init__(self, vocabulary: set[str] | None = None):
        words = set(vocabulary or ()) | (CONCEPT_WORDS if vocabulary else set())
        self.vocabulary = sorted(w for w in words if len(w) >= CORRECTED_FROM - 1)
        self._known = frozenset(words)

    def all_words(self, form: str) -> list[str]:
        """Every English word, corrected and stemmed, stop words included (for word pairs)."""
        return [_stem(w) for w in self._corrected_words(form)]

    def _corrected_words(self, form: str) -> list[str]:
        return [w if w in _STOP else self._correct(w) for w in _ASCII_WORD.findall(form) if not w.isdigit()]

    def _correct(self, word: str) -> str:
        if word in self._known or len(word) < CORRECTED_FROM or not self.vocabulary:
            return word
        if word.endswith("s") and (word[:-1] in self._known or (word.endswith("es") and word[:-2] in self._known)):
            return word  # the plural (or "dad's") of a known word, not a typo of another ("dads" is not "ads")
        allowed = 1 if len(word) < 8 else 2
        hit = process.extractOne(word, self.vocabulary, scorer=OSA.distance, score_cutoff=allowed)
        if not hit:
            return word
        if len(word) < SUBSTITUTED_FROM and _one_letter_swapped_for_another(word, hit[0]):
            return word  # "story" is a word of its own more often than "store" mistyped ("stuff", "staff")
        return hit[0]


    def features(self, text: str, concepts: tuple[str, ...] = ()) -> dict[str, float]:
        form = normalise(text)
        out: dict[str, float] = {}
        get = out.get
        corrected = self._corrected_words(form)
        every = [_stem(w) for w in corrected]
        raw_runs = _CJK_RUN.findall(form)
        # the words as typed (corrected) and as stemmed: a concept is written in either form ("news",
        # which the stemmer makes "new"; "hours" and "hour")
        searched = " ".join(corrected) + (" | " + " ".join(every) if every != corrected else "") + " | " + " ".join(raw_runs)
        for found in _CONCEPT_RE.findall(searched):
            for concept in _concepts_of(found):
                out["@" + concept] = CONCEPT_WEIGHT
        for concept in concepts:
            out["@" + concept] = CONCEPT_WEIGHT
        previous = None
        for word in every:
            out[word] = get(word, 0.0) + (STOPWORD_WEIGHT if word in _STOP else WORD_WEIGHT)
            if previous is not None:
                pair = previous + "_" + word
                out[pair] = get(pair, 0.0) + WORD_PAIR_WEIGHT
            previous = word
        for run in raw_runs:
            for piece in _CJK_FILLER_RE.sub(" ", run).split():
                for ch in piece:
                    if ch not in _CJK_FILLER_CHARS:
                        out[ch] = get(ch, 0.0) + CHAR_WEIGHT
                for i in range(len(piece) - 1):
                    pair = piece[i:i + 2]
                    out[pair] = get(pair, 0.0) + BIGRAM_WEIGHT
                    heard = _pair_sound(pair)
                    out[heard] = get(heard, 0.0) + SOUND_WEIGHT
        return out
