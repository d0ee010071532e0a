"""The labelled examples understanding learns from: the files shipped in examples/, the shop's own
catalog (each faq's questions, title and answer, the stores' names, the words for a person), the
phrase tables, and what staff labelled in the console (messaging/labelled_examples.py).

A file is `text<TAB>label` lines under a `text<TAB>expected` header, `#` lines are comments, and
"none" labels chit-chat. "ambiguous" lines (close calls kept for the phrase matcher's tests) teach
nothing and are skipped.
"""
from __future__ import annotations

from pathlib import Path

from content.answers import Catalog

from .classifier import NONE, Example
from .conversation_phrases import HANDOFF, STORES, STORES_SOLO
from .phrases import EXPRESSIONS, SOLO, TERMS

FOLDER = Path(__file__).with_name("examples")
# an faq's answer says what it is about, but in many more words than a question would use
ANSWER_WEIGHT = 0.5


def read_file(path: Path) -> list[Example]:
    lines = path.read_text(encoding="utf-8").splitlines()
    if not lines or lines[0] != "text\texpected":
        raise ValueError(f"{path.name}: the first line must be 'text<TAB>expected'")
    examples = []
    for number, line in enumerate(lines[1:], start=2):
        if not line.strip() or line.startswith("#"):
            continue
        text, sep, label = line.partition("\t")
        if not sep or "\t" in label or not text.strip() or not label:
            raise ValueError(f"{path.name} line {number}: expected 'text<TAB>label'")
        if label != "ambiguous":
            examples.append(Example(text, label))
    return examples


def shipped() -> list[Example]:
    """Every file of examples/, in name order."""
    return [e for path in sorted(FOLDER.glob("*.tsv")) for e in read_file(path)]


def from_phrases() -> list[Example]:
    """Each phrase of an intent, a person or the stores as an example of it."""
    out = []
    for table in (TERMS, EXPRESSIONS, SOLO):
        for intent, phrases in table.items():
            out.extend(Example(p, intent) for p in phrases)
    out.extend(Example(p, "handoff") for p in HANDOFF)
    out.extend(Example(p, "stores") for p in STORES + STORES_SOLO)
    return out


def from_catalog(catalog: Catalog) -> list[Example]:
    out = []
    for faq in catalog.faqs:
        label = f"faq:{faq.slug}"
        out.extend(Example(text, label) for text in faq.asked_zh + faq.asked_en + (faq.title_zh, faq.title_en))
        out.extend(Example(text, label, ANSWER_WEIGHT) for text in (faq.answer_zh, faq.answer_en) if text)
    for store in catalog.stores:
        label = f"store:{store.slug}"
        out.extend(Example(name, label) for name in store.names)
        out.extend(Example(text, label, ANSWER_WEIGHT) for text in (store.address_zh, store.address_en) if text)
    return out


def known_intents() -> set[str]:
    """The member intents (what handlers answer with the member's own account, settings or the programme)."""
    return set(TERMS) | set(EXPRESSIONS) | set(SOLO) | {"birthday_gift", "tier_rules"}


def known_labels(catalog: Catalog) -> set[str]:
    return (known_intents() | {NONE, "handoff", "stores", "small_talk"} | {f"faq:{f.slug}" for f in catalog.faqs}
            | {f"store:{s.slug}" for s in catalog.stores})
