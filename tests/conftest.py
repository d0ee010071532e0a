"""Fixtures shared by the whole suite.

The database is SQLite (a fresh migrated file per test) unless TEST_DATABASE_URL names a PostgreSQL
database, in which case the schema is migrated once and every table emptied between tests.
The LINE platform is the project's simulator, running on a free local port; after every test no
call the bot made may break LINE's OpenAPI spec.
"""
from __future__ import annotations

import os
import shutil
import tempfile
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import text

from core.clock import FixedClock
from core.db import Database, normalise_url

# the `scene` fixture lives beside its class (tests/scene.py), which reads TAIPEI from here
pytest_plugins = ("tests.scene", "tests.zones")

TEST_SECRET = "test-channel-secret"
TEST_TOKEN = "test-access-token"
TAIPEI = ZoneInfo("Asia/Taipei")
# Debian's chromium, driven by Playwright in the browser tests (skipped where there is none)
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]
PG_URL = os.environ.get("TEST_DATABASE_URL", "")
ON_POSTGRES = PG_URL.startswith("postgres")


def pytest_report_header(config):
    return f"database: {'PostgreSQL ' + PG_URL if ON_POSTGRES else 'SQLite (temporary files)'}"


@pytest.fixture(scope="session")
def migrated_template(tmp_path_factory):
    """An SQLite file at the current schema (copied per test), or the PostgreSQL URL once migrated."""
    if ON_POSTGRES:
        db = Database(PG_URL)
        with db.engine.begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
        db.dispose()
        _create_schema(PG_URL)
        return PG_URL
    path = tmp_path_factory.mktemp("template") / "template.db"
    _create_schema(f"sqlite:///{path}")
    return path


def _create_schema(url: str) -> None:
    """The schema straight from the models (tests/test_migrations.py proves the migrations agree)."""
    import models_registry  # noqa: F401
    from rewards.models import Base

    database = Database(url)
    Base.metadata.create_all(database.engine)
    database.dispose()


def _empty_all_tables(url: str) -> None:
    db = Database(url)
    with db.engine.begin() as conn:
        tables = [r[0] for r in conn.execute(text(
            "select tablename from pg_tables where schemaname = 'public' and tablename <> 'alembic_version'"))]
        if tables:
            conn.execute(text("TRUNCATE " + ", ".join(f'"{t}"' for t in tables) + " RESTART IDENTITY CASCADE"))
    db.dispose()


@pytest.fixture
def database_url(migrated_template, tmp_path):
    if ON_POSTGRES:
        _empty_all_tables(PG_URL)
        return normalise_url(PG_URL)
    path = tmp_path / "core.db"
    shutil.copy(migrated_template, path)
    return f"sqlite:///{path}"


@pytest.fixture
def db(database_url):
    database = Database(database_url)
    yield database
    database.dispose()


@pytest.fixture
def clock():
    return FixedClock(datetime(2026, 11, 20, 14, 0, tzinfo=TAIPEI))


@pytest.fixture(scope="session")
def simulator_server():
    from simulator.testing import running_simulator

    with running_simulator() as sim:
        yield sim


@pytest.fixture
def line(simulator_server):
    """The LINE simulator's platform, emptied for this test; every call must conform to the spec."""
    platform = simulator_server.platform
    platform.reset()
    yield platform
    errors = platform.errors()
    assert not errors, f"calls that break LINE's spec: {errors[:3]}"


def make_app(database_url, simulator_url, clock, **overrides):
    from app import create_app

    config = {"BOT_ENV": "test", "DATABASE_URL": database_url, "LINE_API_URL": simulator_url,
              "LINE_API_DATA_URL": simulator_url, "LINE_CHANNEL_SECRET": TEST_SECRET,
              "LINE_CHANNEL_ACCESS_TOKEN": TEST_TOKEN, "SECRET_KEY": "test-secret-key", "INBOX_MODE": "sync",
              "BOT_PUBLIC_URL": "https://bot.example.com", "LINE_TIMEOUT_SECONDS": 5.0,
              "MEDIA_DIR": tempfile.mkdtemp(prefix="bot-media-")}  # uploaded pictures, never in the repo
    config.update(overrides)
    return create_app(config, clock=clock)


@pytest.fixture
def app(database_url, simulator_server, line, clock):
    application = make_app(database_url, simulator_server.url, clock)
    yield application
    application.extensions["inbox_worker"].shutdown()
    application.extensions["bot"].db.dispose()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def sender(line):
    from simulator.webhook_sender import WebhookSender

    return WebhookSender("http://unused.invalid/callback", TEST_SECRET, platform=line)


@pytest.fixture
def rt(app):
    """The app's runtime (config, database, clock, settings, LINE client)."""
    return app.extensions["bot"]


@pytest.fixture
def chat(client, sender, line):
    """A member's side of the chat: send words, taps and follows; read the replies."""
    from .e2e.chat import Chat

    return Chat(client, sender, line)


@pytest.fixture
def unlimited_quota(line):
    """The simulator's monthly quota (1,000 by default) out of the way for big broadcasts."""
    before = line.quota_limit
    line.quota_limit = None
    yield line
    line.quota_limit = before


@pytest.fixture
def chromium():
    """A headless Chromium for the browser tests, or the test is skipped."""
    if not os.path.exists(CHROMIUM):
        pytest.skip(f"{CHROMIUM} is missing: install Debian's chromium to run the browser tests")
    playwright = pytest.importorskip("playwright.sync_api", reason="the playwright package is not installed")
    with playwright.sync_playwright() as p:
        try:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        except Exception as exc:  # noqa: BLE001 - no usable Chromium here
            pytest.skip(f"Chromium cannot start: {exc}")
        yield browser
        browser.close()


@pytest.fixture
def browser_page(chromium):
    """A page of it; a script error on the page fails the test."""
    page = chromium.new_page(viewport={"width": 1100, "height": 900})
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    yield page
    assert errors == []


@pytest.fixture(autouse=True)
def fresh_understanding():
    """Each test starts with no understanding model, so no test sees another one's faqs or labels."""
    from bot.understanding import current

    current.forget()
    refresh, current.REFRESH_SECONDS = current.REFRESH_SECONDS, 0.0  # a change is seen at the next event
    yield
    current.REFRESH_SECONDS = refresh
    current.forget()
