"""What one running app holds: config, database, clock, programme settings and the LINE client.

Created once by create_app() and kept at app.extensions["bot"]; code running inside a request or a
CLI command reaches it with runtime().
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import current_app

from core.clock import Clock
from core.config import Config
from core.db import Database


@dataclass
class Runtime:
    config: Config
    db: Database
    clock: Clock
    # the programme's settings (rewards.settings.ProgramSettings, read by app.py): core/ knows no domain
    settings: Any
    # the one LINE client (bot.line_client.LineClient, made by app.py): core/ knows no edge by name
    line: Any
    # where uploaded pictures go (core.media_store: LocalStore or S3Store), made by app.py
    media: Any = None


def runtime() -> Runtime:
    return current_app.extensions["bot"]
