"""JSON as RFC 8259 has it, for every body that comes from outside (the API's, LINE's webhook).

Python's json module also reads NaN, Infinity and -Infinity, and turns a number too big for a float
(1e999) into infinity: none of them is JSON, and PostgreSQL refuses them in a json column. Here they
are a ValueError, as any other body that is not JSON.
"""
from __future__ import annotations

import json
import math
from typing import Any


def _no_constant(name: str):
    raise ValueError(f"{name} is not JSON")


def _finite(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise ValueError(f"the number {text[:20]} is too big")
    return value


def loads(text: str | bytes) -> Any:
    """json.loads, refusing what is not JSON (see the module's doc): ValueError."""
    return json.loads(text, parse_constant=_no_constant, parse_float=_finite)
