"""GET /openapi.json: the API's OpenAPI 3 document (kept as YAML next to this module), without a key."""
from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

import yaml
from flask import Blueprint, jsonify

DOCUMENT = Path(__file__).with_name("openapi.yaml")


@functools.cache
def document() -> dict[str, Any]:
    with DOCUMENT.open(encoding="utf-8") as fh:
        return yaml.safe_load(fh)


def register(bp: Blueprint) -> None:
    bp.add_url_rule("/openapi.json", "openapi_document", lambda: jsonify(document()), methods=["GET"])
