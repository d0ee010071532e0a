"""Reading a request's JSON body and checking the types of its fields, before the domain sees it.

Unreadable bodies are 400; a readable object whose fields have the wrong type or are missing is 422,
with every bad field named in `fields`.
"""
from __future__ import annotations

from typing import Any

from flask import request

from core import strict_json
from core.text_checks import json_text_problems
from core.field_errors import FieldErrors

from .errors import ApiError


def json_object() -> dict[str, Any]:
    """The body as a JSON object, or raise a 400 ApiError saying what is wrong with it (a string
    holding NUL or another control character: 422 naming the field). Its size was capped before
    (core.request_guard: 413)."""
    raw = request.get_data(cache=True)
    if not raw.strip():
        raise ApiError(400, "invalid_json", "a JSON object is required as the body")
    try:
        data = strict_json.loads(raw.decode("utf-8"))
    except (ValueError, UnicodeDecodeError, RecursionError):
        raise ApiError(400, "invalid_json", "the body is not valid JSON (UTF-8)") from None
    if not isinstance(data, dict):
        raise ApiError(400, "invalid_json", "the body must be a JSON object, not " + _kind(data))
    problems = dict(json_text_problems(data))
    if problems:
        raise FieldErrors(problems)
    return data


def _kind(value: Any) -> str:
    if isinstance(value, list):
        return "an array"
    if isinstance(value, str):
        return "a string"
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    return "a number"


def is_int(value: Any) -> bool:
    """A whole number as JSON has it: 100 and 100.0 are the same number there (and in JSON Schema)."""
    if isinstance(value, float):
        return value.is_integer()
    return isinstance(value, int) and not isinstance(value, bool)


def check_types(body: dict[str, Any], spec: dict[str, tuple[type, bool]]) -> dict[str, str]:
    """Problems with the fields named in `spec` ({name: (str or int or list, required)}); {} if none.
    null counts as absent."""
    problems: dict[str, str] = {}
    for name, (kind, required) in spec.items():
        value = body.get(name)
        if value is None:
            if required:
                problems[name] = "is required"
        elif kind is int and not is_int(value):
            problems[name] = "must be a whole number"
        elif kind is str and not isinstance(value, str):
            problems[name] = "must be a string"
        elif kind is list and not isinstance(value, list):
            problems[name] = "must be an array"
    return problems
