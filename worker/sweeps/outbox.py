"""Send what the outbox holds, as the sending policy allows (bot/outbox_sender.py)."""
from __future__ import annotations

from bot import outbox_sender


def run(rt, now) -> str:
    return str(outbox_sender.drain(rt))
