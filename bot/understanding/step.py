"""The one understanding step: a message in, one typed `Understanding` out.

1. Small talk made only of greetings, thanks and the like, and asking for a person, are found by
   their words (bot/understanding/finders.py).
2. A message that is word for word one intent's words (and fillers) is that intent: menu taps and
   quick replies send exactly these, and nothing may second-guess them.
3. Everything else is decided by the evidence together: the classifier learned from the labelled
   examples (bot/understanding/classifier.py), the intents and the shop's answers the phrase
   matcher found in the message (also with typos and homophones), and its chit-chat examples.
   The best reading wins when it is clearly ahead of "none" and of the next reading; two readings
   about as strong are asked back ("which one?"), never guessed.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, replace

from content.answers import Catalog

from .classifier import NONE, Classifier, Example
from .concepts import OTHER_WORLDS
from .examples import from_catalog, from_phrases, known_intents
from .features import named_concepts
from .normalise import is_cjk, normalise
from .phrase_matcher import AMBIGUOUS, IntentMatcher, Match
from .finders import AnswerMatcher, asks_for_person, refine, small_talk

OTHER_WORLD_NAMES = frozenset(OTHER_WORLDS)
# the ways of paying and sending the shop shares with banks and other shops ("悠遊卡", "7-11", "全家"):
# an faq question naming one is ours, whatever other shop it names
SHARED_MEANS = frozenset({"wallet", "card_brand", "cash", "ship"})
# a named store's page tells its hours (and where it is); a question at a named store about anything
# the faqs answer ("can I park at the Taichung store", "does Xinyi take Apple Pay") is the faq's
STORE_PAGE = frozenset({"hours"})
FAQ_TOPICS = frozenset({"parking", "vehicle", "pay", "wallet", "card_brand", "cash", "return", "ship", "earn", "rule"})

# kinds of Understanding
INTENT, FAQ, STORE, STORES, HANDOFF, REWARD, SMALL_TALK_KIND, ASK_BACK = (
    "intent", "faq", "store", "stores", "handoff", "reward", "small_talk", "ask_back")

# how far ahead of "none" and of the runner-up the best reading must be, on the classifier's scale
ACCEPT = 0.22
NAMED_ACCEPT = 0.15  # when the phrase matcher also found the reading's words in the message
# when the message names none of the things we know (no concept, no words of ours): only its
# characters and words are near, which a chat about something else shares as often
UNNAMED_ACCEPT = 0.4  # chosen on cross-validation and the dev sets together (0.35-0.45 alike)
NONE_MARGIN = 0.03
NONE_POSTERIOR = 1.0  # naive Bayes finds "none" at least this much likelier than the best reading
CLOSE_RATIO = 0.97
FAQ_AT_STORE = 0.75  # how close behind a named store an faq must be to be the reading (see _store_or_faq)  # a second reading this close to the best is asked back
PHRASE_BONUS = 0.06  # the reading's own words were found in the message
EXACT_OVERRULED_BY = 0.02  # how much surer the classifier must be to overrule an intent's words
# naive Bayes's share in telling apart the close readings (it knows which words go with which label)
POSTERIOR_WEIGHT = 0.4
CONTENDERS = 4  # the readings nearest by similarity that it chooses among
LONGEST = 300  # longer messages are letters for staff, not questions the bot answers

_LATIN_RE = re.compile(r"[A-Za-z]{2,}")
# an English sentence about a third thing ("the cafe down the road stamps a card", "the buffet has three
# levels"), neither a question, nor a request ("a list of what you can do", "the menu please"), nor
# about the member or one of our things ("the points from Monday never arrived"): a remark
_ABOUT_A_THIRD_THING = re.compile(r"^(?:the|a|an|his|her|their|our|this|that|these|those) ")
_SPEAKER_OR_BOT = re.compile(r"\b(?:i|me|my|mine|im|ive|id|ill|myself|you|your|u|ur|please|pls|plz|app|bot|chat|account|"
                             r"purchases?|orders?|receipts?|transactions?|system)\b")
REMARK_WORDS = 4  # "the menu", "a human" are requests however short
# a language the member says they cannot read ("我中文不太好", "I can't read chinese")
_LANGUAGES = {"english": ("英文", "english"), "chinese": ("中文", "chinese")}
# (the negation before the language first: in "用英文我看不太懂中文" it is the Chinese that is not read)
_TURNED_DOWN = (re.compile(r"(?:看不太?懂|不太?懂|不太?會)(英文|中文)"
                           r"|\b(?:dont|do not|cant|cannot|can not) (?:read|understand|speak) (english|chinese)\b"),
                re.compile(r"(英文|中文)[^ ]{0,3}?(?:不太?好|看不太?懂|不太?會|不行|不熟)"
                           r"|\b(english|chinese) (?:is ?nt|is not|not) (?:good|great|very good)\b"))


@dataclass(frozen=True)
class Understanding:
    """What a message means: kind (intent, faq, store, stores, handoff, reward, small_talk, ask_back,
    or None when not understood), key (the intent, faq slug, store slug, reward id, kind of small
    talk), confidence (0-1), the close alternatives as labels ("points", "faq:faq-hours"), the
    language it is written in, and whether it is word for word one intent's words."""

    kind: str | None
    key: str | None = None
    confidence: float = 0.0
    alternatives: tuple[str, ...] = ()
    language: str | None = None
    exact: bool = False

    @property
    def label(self) -> str | None:
        """As the labelled examples write it: "points", "faq:faq-hours", "store:store-xinyi", "handoff"."""
        if self.kind == INTENT:
            return self.key
        if self.kind in (FAQ, STORE):
            return f"{self.kind}:{self.key}"
        if self.kind == REWARD:
            return "rewards"
        if self.kind == ASK_BACK:
            return AMBIGUOUS
        return self.kind

    @property
    def intent(self) -> str | None:
        """The member intent for the handlers' filters: the intent, "ambiguous" when asked back, or None."""
        if self.kind == INTENT:
            return self.key
        return AMBIGUOUS if self.kind == ASK_BACK else None


NOT_UNDERSTOOD = Understanding(None)


def language_of(text: str) -> str | None:
    """"zh-TW" when the message has Chinese characters, "en" when it has English words; None for
    codes, capitals and numbers alone ("LINK 4F7K-2M9Q", "OK", "123")."""
    form = normalise(text)
    if any(is_cjk(ch) for ch in form):
        return "zh-TW"
    # words in capitals are codes and acronyms ("LINK EXWH-CKKC", "OK", "VIP") as often as English
    words = _LATIN_RE.findall(unicodedata.normalize("NFKC", text or ""))
    return "en" if any(not w.isupper() for w in words) else None


def _as_understanding(label: str, confidence: float, alternatives=(), language=None, exact=False) -> Understanding:
    kind, _, key = label.partition(":")
    if kind in (FAQ, STORE, REWARD):
        return Understanding(kind, key, confidence, tuple(alternatives), language, exact)
    if label in (STORES, HANDOFF):
        return Understanding(label, None, confidence, tuple(alternatives), language, exact)
    if label == SMALL_TALK_KIND:
        return Understanding(SMALL_TALK_KIND, None, confidence, (), language, exact)
    return Understanding(INTENT, label, confidence, tuple(alternatives), language, exact)


def _a_remark_about_a_third_thing(text: str) -> bool:
    form = normalise(text)
    if not _ABOUT_A_THIRD_THING.match(form) or len(form.split()) < REMARK_WORDS:
        return False
    subject = " ".join(form.split()[1:3])
    return not _SPEAKER_OR_BOT.search(form) and "?" not in text and not named_concepts(subject) - OTHER_WORLD_NAMES


def _language_wanted(text: str, best: str) -> str:
    """Both languages named and the best one turned down ("用英文跟我說 我中文不太好"): the other one."""
    form = normalise(text)
    turned_down: set[str] = set()
    for pattern in _TURNED_DOWN:
        turned_down = turned_down or {word for match in pattern.finditer(form) for word in match.groups() if word}
    other = next(name for name in _LANGUAGES if name != best)
    if turned_down & set(_LANGUAGES[best]) and any(word in form for word in _LANGUAGES[other]):
        return other
    return best


class Understander:
    """Built once per catalog and set of labelled examples (bot/understanding/current.py keeps one)."""

    def __init__(self, catalog: Catalog, examples: list[Example]):
        self.catalog = catalog
        self.intents = IntentMatcher()
        self.answers = AnswerMatcher(catalog)
        self.member_intents = known_intents()
        self.classifier = Classifier(examples + from_phrases() + from_catalog(catalog), self._concepts)

    def _about_another_world(self, features: dict[str, float], label: str) -> bool:
        """A member word next to a game, a bank, a friend, the news: about something else. So is a
        word of an faq ("points", "card", "parking") next to a game, a school, the weather."""
        concepts = self.classifier.concepts(features)
        named = concepts & OTHER_WORLD_NAMES
        if label in ("referral", "join") or label.startswith("faq:"):
            named.discard("other_people")  # "my friend wants to join", "can my mum pay by card"
        if label.startswith("faq:") and concepts & SHARED_MEANS:
            named.discard("other_services")
        return bool(named)

    def _store_or_faq(self, ranked: list[tuple[str, float]], features: dict[str, float]) -> list[tuple[str, float]]:
        """A named store is the reading when asked about its page; asked about an faq's topic there,
        the nearest faq close behind is (the store only says where)."""
        concepts = self.classifier.concepts(features)
        if concepts & STORE_PAGE or not concepts & FAQ_TOPICS:
            return ranked
        score = ranked[0][1]
        if not any(label.startswith("faq:") and s >= FAQ_AT_STORE * score for label, s in ranked):
            return ranked
        return [(label, s) for label, s in ranked if not label.startswith("store:")]

    def _words_say_more(self, text: str, found: Match, intent: str) -> bool:
        """An intent's words with only "fillers" around them, where the fillers change the question:
        "what can I get with my points" is the rewards, not the balance. Only English fillers
        (stop words) carry such meaning; the classifier, which reads them, must be clearly surer."""
        if not _LATIN_RE.search(text) or len(normalise(text).split()) < 4:
            return False
        ranked = self.classifier.scores(self.classifier.features_of(text, self._concepts(text, found)))
        scores = dict(ranked)
        best = next((label for label, _ in ranked if label != NONE), None)
        return best is not None and best != intent and scores[best] > scores.get(intent, 0.0) + EXACT_OVERRULED_BY

    def _concepts(self, text: str, match: Match | None = None) -> tuple[str, ...]:
        """The intents whose words the phrase matcher finds anywhere in the text, typos included."""
        match = match or self.intents.match(text)
        return tuple("intent_" + name for name in (match.top, match.runner_up) if name)

    def understand(self, text: str) -> Understanding:
        text = text or ""
        language = language_of(text)
        if not text.strip() or len(text) > LONGEST:
            return replace(NOT_UNDERSTOOD, language=language)
        kind = small_talk(text)
        if kind:
            return Understanding(SMALL_TALK_KIND, kind, 1.0, (), language)
        if asks_for_person(text):
            return Understanding(HANDOFF, None, 1.0, (), language)
        found = self.intents.match(text)
        phrase = refine(found, text)
        if phrase.intent not in (None, AMBIGUOUS) and phrase.score >= 100:
            # an intent's words alone: no answer of the shop's outranks them (asked before anything else)
            if not self._words_say_more(text, found, phrase.intent):
                return Understanding(INTENT, phrase.intent, 1.0, (), language, exact=True)
            phrase = Match(None, 0)  # overruled: its words earn it no bonus below
        if phrase.intent == AMBIGUOUS and phrase.score >= 100:  # two intents' words and nothing else
            return Understanding(ASK_BACK, None, 1.0, phrase.candidates, language, exact=True)
        answer = self.answers.match(text)
        if answer.kind == FAQ and answer.match and answer.match.score == 100:  # an faq's question word for word
            return Understanding(FAQ, answer.key, 1.0, (), language, exact=True)
        features = self.classifier.features_of(text, self._concepts(text, found))
        return self._weigh(text, features, phrase, answer, language)

    def _weigh(self, text: str, features: dict[str, float], phrase: Match, answer, language: str | None) -> Understanding:
        scores = dict(self.classifier.scores(features))
        named: dict[str, float] = {}
        if phrase.intent not in (None,):
            for name in (phrase.top, phrase.runner_up) if phrase.intent == AMBIGUOUS else (phrase.intent,):
                if name:
                    named[name] = PHRASE_BONUS * (phrase.score / 100 + 0.5)
        if answer.kind is not None and answer.kind != SMALL_TALK_KIND:
            named[answer.label] = PHRASE_BONUS * ((answer.match.score if answer.match else 100) / 100 + 0.5)
        for label, bonus in named.items():
            scores[label] = scores.get(label, 0.0) + bonus
        none = scores.pop(NONE, 0.0)
        scores.pop(SMALL_TALK_KIND, None)  # small talk is its words alone (routing.small_talk), never a guess
        if phrase.top in self.member_intents:
            # "I bought beans at the Xinyi store, how many points now?": the store is where, not what
            for label in [label for label in scores if label.startswith("store:")]:
                del scores[label]
        if not scores:
            return replace(NOT_UNDERSTOOD, language=language)
        posterior = self.classifier.posterior(features)
        none_p = posterior.get(NONE, 0.0)
        # whether the message is about anything of ours at all is the similarities' call ...
        nearest, near_score = max(scores.items(), key=lambda pair: pair[1])
        floor = NAMED_ACCEPT if nearest in named else ACCEPT
        if not named and not any(name.startswith("@") for name in features):
            floor = max(floor, UNNAMED_ACCEPT)
        if near_score < floor or near_score < none + NONE_MARGIN:
            return Understanding(None, None, round(near_score, 3), tuple(sorted(scores, key=scores.get)[-2:]), language)
        # ... which of the close readings it is, naive Bayes has its say in (the points or their history)
        if not nearest.startswith("store:"):  # a store is told by its name, which few examples carry
            for label in sorted(scores, key=lambda label: -scores[label])[:CONTENDERS]:
                scores[label] += POSTERIOR_WEIGHT * posterior.get(label, 0.0)
        ranked = sorted(scores.items(), key=lambda pair: -pair[1])
        if ranked[0][0].startswith("store:"):
            ranked = self._store_or_faq(ranked, features)
        (best, score), runner = ranked[0], ranked[1] if len(ranked) > 1 else (None, 0.0)
        if none_p > NONE_POSTERIOR * posterior.get(best, 0.0):
            return Understanding(None, None, round(score, 3), tuple(l for l, _ in ranked[:2]), language)
        if best in self.member_intents and (phrase.off_topic or self._about_another_world(features, best)
                                            or _a_remark_about_a_third_thing(text)):
            return Understanding(None, None, round(score, 3), (best,), language)
        if best.startswith("faq:") and self._about_another_world(features, best):
            return Understanding(None, None, round(score, 3), (best,), language)
        if best in _LANGUAGES:
            best = _language_wanted(text, best)
        if best == "rewards" and answer.kind == REWARD:
            return Understanding(REWARD, answer.key, round(score, 3), (), language)
        if runner[0] and runner[1] >= CLOSE_RATIO * score and runner[1] >= floor:
            return Understanding(ASK_BACK, None, round(score, 3), (best, runner[0]), language)
        alternatives = tuple(l for l, s in ranked[1:3] if s >= 0.75 * score)
        return _as_understanding(best, round(min(score, 1.0), 3), alternatives, language)
