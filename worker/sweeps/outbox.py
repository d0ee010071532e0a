"""Send what the outbox holds, as the sending policy allows (bot/outbox/sender.py)."""
from __future__ import annotations

from bot.outbox import sender as outbox_sender


def run(rt, now) -> str:
    return str(outbox_sender.drain(rt))
