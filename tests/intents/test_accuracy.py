"""How well free words are routed, on the labelled set (tests/intents/utterances.tsv)."""
from __future__ import annotations

from collections import Counter

from bot.intent_phrases import EXPRESSIONS, SOLO, TERMS
from bot.intents import AMBIGUOUS, classify, classify_detailed

from .labelled import labelled

INTENTS = set(TERMS) | set(EXPRESSIONS) | set(SOLO)
REQUIRED_ACCURACY = 0.95


def test_the_labelled_set_is_big_and_names_only_known_intents():
    rows = labelled()
    assert len(rows) >= 250
    assert len({text for text, _ in rows}) == len(rows), "a text is labelled twice"
    labels = Counter(expected for _, expected in rows)
    assert set(labels) - {None, AMBIGUOUS} <= INTENTS
    assert INTENTS <= set(labels), f"intents without examples: {INTENTS - set(labels)}"
    assert labels[None] >= 50, "chit-chat needs plenty of examples"


def test_routing_accuracy(capsys):
    rows = labelled()
    misses = [(text, expected, classify_detailed(text)) for text, expected in rows
              if classify_detailed(text).intent != expected]
    accuracy = 1 - len(misses) / len(rows)
    with capsys.disabled():
        print(f"\nintent routing: {len(rows) - len(misses)}/{len(rows)} right = {accuracy:.1%}")
        for text, expected, got in misses:
            print(f"  miss: {text!r} expected {expected}, got {got.intent} (score {got.score}, top {got.top})")
    assert accuracy >= REQUIRED_ACCURACY


def test_no_chit_chat_lands_on_a_member_intent():
    leaks = {text: classify(text) for text, expected in labelled() if expected is None and classify(text) is not None}
    assert leaks == {}


def test_classify_agrees_with_classify_detailed():
    for text, _ in labelled():
        assert classify(text) == classify_detailed(text).intent
