"""Configuration from the environment only. One place reads os.environ; everything else reads Config."""
from __future__ import annotations

import os
from dataclasses import dataclass, field, fields
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent

REQUIRED_IN_PRODUCTION = ("LINE_CHANNEL_SECRET", "LINE_CHANNEL_ACCESS_TOKEN", "SECRET_KEY")


class ConfigError(RuntimeError):
    """Raised at start-up when the environment cannot run the bot."""


def _default_database_url() -> str:
    return "sqlite:///" + str(PROJECT_ROOT / "instance" / "bot.db")


@dataclass
class Config:
    LINE_CHANNEL_SECRET: str = ""
    LINE_CHANNEL_ACCESS_TOKEN: str = ""
    LINE_API_URL: str = "https://api.line.me"
    LINE_API_DATA_URL: str = "https://api-data.line.me"
    DATABASE_URL: str = field(default_factory=_default_database_url)
    SECRET_KEY: str = ""
    BOT_TIMEZONE: str = "Asia/Taipei"
    BOT_LANGUAGE: str = "zh-TW"
    BOT_PUBLIC_URL: str = "http://127.0.0.1:5000"
    # production (default) refuses to start without secrets; development and test fill in local ones.
    BOT_ENV: str = "production"
    # "thread": events are processed off the request by an in-process worker; "sync": inside the
    # request (deterministic tests); "off": only recorded, left for the worker's sweeper.
    INBOX_MODE: str = "thread"
    INBOX_THREADS: int = 4
    LINE_TIMEOUT_SECONDS: float = 10.0
    BOT_SETTINGS_FILE: str = ""
    # a font with Chinese glyphs for the rich menu images (Pillow's own font has none)
    BOT_FONT_PATH: str = "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"
    LINE_OPENAPI_DIR: str = ""
    # the content library's folder (default content/library; in tests none unless set)
    CONTENT_LIBRARY_DIR: str = ""

    @classmethod
    def from_env(cls, environ=None, **overrides) -> "Config":
        environ = os.environ if environ is None else environ
        values = {}
        for f in fields(cls):
            raw = environ.get(f.name)
            if raw is None or raw == "":
                continue
            values[f.name] = _cast(f.type, raw)
        values.update(overrides)
        config = cls(**values)
        config.check()
        return config

    @property
    def is_production(self) -> bool:
        return self.BOT_ENV == "production"

    def check(self) -> None:
        if self.BOT_ENV not in ("production", "development", "test"):
            raise ConfigError(f"BOT_ENV must be production, development or test, not {self.BOT_ENV!r}")
        if self.INBOX_MODE not in ("thread", "sync", "off"):
            raise ConfigError(f"INBOX_MODE must be thread, sync or off, not {self.INBOX_MODE!r}")
        if self.is_production:
            missing = [name for name in REQUIRED_IN_PRODUCTION if not getattr(self, name)]
            if missing:
                raise ConfigError(
                    "missing environment variable" + ("s " if len(missing) > 1 else " ") + ", ".join(missing)
                    + " (required when BOT_ENV=production; set BOT_ENV=development to run locally)")
            if self.LINE_API_DATA_URL.rstrip("/") == "https://api.line.me":
                raise ConfigError("LINE_API_DATA_URL must not be https://api.line.me: uploads go to https://api-data.line.me")
        else:
            self.LINE_CHANNEL_SECRET = self.LINE_CHANNEL_SECRET or "development-channel-secret"
            self.LINE_CHANNEL_ACCESS_TOKEN = self.LINE_CHANNEL_ACCESS_TOKEN or "development-access-token"
            self.SECRET_KEY = self.SECRET_KEY or "development-secret-key-not-for-production"

    def openapi_dir(self) -> Path:
        if self.LINE_OPENAPI_DIR:
            return Path(self.LINE_OPENAPI_DIR)
        return PROJECT_ROOT.parent / "shared" / "line-openapi"


def _cast(kind, raw: str):
    if kind in (int, "int"):
        return int(raw)
    if kind in (float, "float"):
        return float(raw)
    return raw
