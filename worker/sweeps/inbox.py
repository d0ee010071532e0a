"""Webhook events a crash left pending or half-processed are processed again, and answers a crash
(or LINE) left unsent are sent (bot/processing.py, bot/answers.py)."""
from __future__ import annotations

import logging

from flask import current_app

log = logging.getLogger(__name__)


def run(rt, now) -> str:
    tried = current_app.extensions["inbox_worker"].sweep()
    if tried:
        log.info("inbox sweeper re-drove %d events", tried)
    return f"re-drove {tried} events"
