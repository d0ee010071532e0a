"""What text from outside may contain: no NUL, no other control characters where a line is expected,
no lone surrogates (PostgreSQL refuses all of them, and a header or a redirect breaks on CR/LF).

One rule for every entry point: request paths and query strings, console forms, API JSON bodies,
import files. Callers turn a problem into their own 400/422.

Text from LINE (a display name, a message, postback data) cannot be sent back with a 422: the same
rule cleans it instead (`clean_text`), where it enters (bot/events.py, the profile fetch). It also
drops the bidirectional controls, which reorder on screen what follows them (a name shown as other
words than it holds).
"""
from __future__ import annotations

import re
from typing import Any, Iterator

# C0 controls and DEL; in a single line nothing of these belongs
_LINE_BAD = re.compile(r"[\x00-\x1f\x7f]")
# in free text (a textarea, a JSON string) tab, CR and LF are fine; NUL and the rest are not
_TEXT_BAD = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_SURROGATE = re.compile(r"[\ud800-\udfff]")
# embeddings, overrides (U+202E) and isolates
_BIDI_CONTROLS = re.compile(r"[\u202a-\u202e\u2066-\u2069]")
_LINE_BREAKS = re.compile(r"[\t\r\n]+")


def text_problem(value: str, single_line: bool = False) -> str | None:
    """Why `value` cannot be stored or echoed, or None if it can."""
    if (_LINE_BAD if single_line else _TEXT_BAD).search(value):
        return "must not contain control characters (such as NUL" + (" or line breaks)" if single_line else ")")
    if _SURROGATE.search(value):
        return "must be valid Unicode text"
    return None


def clean_text(value: str, single_line: bool = False) -> str:
    """`value` with nothing `text_problem` would refuse: in a single line, tabs and line breaks become
    a space and the other control characters go; in free text only those others go (tab, CR and LF
    stay). Bidirectional controls go too, and a lone surrogate becomes U+FFFD."""
    if single_line:
        value = _LINE_BREAKS.sub(" ", value)
    value = (_LINE_BAD if single_line else _TEXT_BAD).sub("", value)
    value = _BIDI_CONTROLS.sub("", value)
    return _SURROGATE.sub("\ufffd", value)


def json_text_problems(value: Any, path: str = "") -> Iterator[tuple[str, str]]:
    """(field path, problem) for every string, key included, in a decoded JSON value."""
    if isinstance(value, str):
        problem = text_problem(value)
        if problem:
            yield path or "body", problem
    elif isinstance(value, dict):
        for key, item in value.items():
            name = f"{path}.{key}" if path else str(key)
            problem = text_problem(str(key), single_line=True)
            if problem:
                yield path or "body", "a field name " + problem
                continue
            yield from json_text_problems(item, name)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from json_text_problems(item, f"{path}[{index}]")
