"""Online shops' webhook deliveries a crash (or INBOX_MODE=off) left unprocessed are processed now
(api/shop_processing.py)."""
from __future__ import annotations

from flask import current_app


def run(rt, now) -> str:
    tried = current_app.extensions["shop_worker"].sweep(now)
    return f"processed {tried} shop deliveries"
