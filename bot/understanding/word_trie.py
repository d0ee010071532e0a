"""A regular expression for "any of these words", written as a trie.

Python's `re` tries an alternation's branches one by one at every position, so a pattern of a
thousand words costs a thousand tries per character. The same words as a trie share their
prefixes: one try per character at each step. The longest word that matches wins, as with an
alternation sorted longest first.
"""
from __future__ import annotations

import re
from typing import Iterable

_END = ""


def trie_pattern(words: Iterable[str]) -> str:
    """A pattern (no group of its own at the top, so wrap it) matching any of `words`, longest first."""
    root: dict = {}
    for word in words:
        if not word:
            continue
        node = root
        for ch in word:
            node = node.setdefault(ch, {})
        node[_END] = True
    return _emit(root) or "(?!)"


def _emit(node: dict) -> str:
    branches = [re.escape(ch) + _emit(child) for ch, child in sorted(node.items()) if ch != _END]
    if not branches:
        return ""
    if len(branches) == 1 and _END not in node:
        return branches[0]
    return "(?:" + "|".join(branches) + ")" + ("?" if _END in node else "")
