"""What one running app holds: config, database, clock, programme settings and the LINE client.

Created once by create_app() and kept at app.extensions["bot"]; code running inside a request or a
CLI command reaches it with runtime().
"""
from __future__ import annotations

from dataclasses import dataclass

from flask import current_app

from rewards.settings import ProgramSettings

from core.clock import Clock
from core.config import Config
from core.db import Database
from bot.line_client import LineClient


@dataclass
class Runtime:
    config: Config
    db: Database
    clock: Clock
    settings: ProgramSettings
    line: LineClient


def runtime() -> Runtime:
    return current_app.extensions["bot"]
