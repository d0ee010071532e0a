"""How well free words are routed, on the labelled set (tests/intents/utterances.tsv)."""
from __future__ import annotations

from collections import Counter

from bot.intent_phrases import EXPRESSIONS, SOLO, TERMS
from bot.intents import AMBIGUOUS, classify, classify_detailed

from .labelled import labelled, new_lines
from .routes import answers, label

INTENTS = set(TERMS) | set(EXPRESSIONS) | set(SOLO) | {"birthday_gift", "tier_rules"}
# what is not a member intent: the shop's answers, stores, a person, small talk
OTHER_ROUTES = {"small_talk", "stores", "handoff"}
REQUIRED_ACCURACY = 0.95


def _known(name: str) -> bool:
    catalog = answers().catalog
    kind, _, key = name.partition(":")
    return (name in INTENTS | OTHER_ROUTES or (kind == "faq" and catalog.faq(key) is not None)
            or (kind == "store" and catalog.store(key) is not None))


def test_the_labelled_set_is_big_and_names_only_known_intents():
    rows = labelled()
    assert len(rows) >= 250
    assert len({text for text, _ in rows}) == len(rows), "a text is labelled twice"
    labels = Counter(expected for _, expected in rows)
    assert all(_known(name) for name in set(labels) - {None, AMBIGUOUS}), {n for n in labels if n and not _known(n)}
    assert INTENTS <= set(labels), f"intents without examples: {INTENTS - set(labels)}"
    assert labels[None] >= 50, "chit-chat needs plenty of examples"


def _score(rows, capsys, title):
    misses = [(text, expected, label(text)) for text, expected in rows if label(text) != expected]
    accuracy = 1 - len(misses) / len(rows)
    with capsys.disabled():
        print(f"\n{title}: {len(rows) - len(misses)}/{len(rows)} right = {accuracy:.1%}")
        for text, expected, got in misses:
            print(f"  miss: {text!r} expected {expected}, got {got}")
    return accuracy


def test_routing_accuracy(capsys):
    assert _score(labelled(), capsys, "routing, whole set") >= REQUIRED_ACCURACY


def test_routing_accuracy_on_the_conversation_lines(capsys):
    """The lines of issue 13 (small talk, faqs, stores, a person, homophones), scored on their own."""
    rows = new_lines()
    assert len(rows) >= 150
    assert _score(rows, capsys, "routing, issue 13 lines") >= REQUIRED_ACCURACY


def test_no_chit_chat_lands_on_a_member_intent():
    member = INTENTS | {AMBIGUOUS}
    leaks = {text: label(text) for text, expected in labelled()
             if expected not in member and label(text) in member}
    assert leaks == {}


def test_classify_agrees_with_classify_detailed():
    for text, _ in labelled():
        assert classify(text) == classify_detailed(text).intent
