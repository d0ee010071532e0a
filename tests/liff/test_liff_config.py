"""The member pages' settings."""
from __future__ import annotations

import pytest

from core.config import Config, ConfigError

PRODUCTION = {"BOT_ENV": "production", "LINE_CHANNEL_SECRET": "s", "LINE_CHANNEL_ACCESS_TOKEN": "t",
              "SECRET_KEY": "k" * 40, "BOT_PUBLIC_URL": "https://bot.example.com"}


def test_production_needs_the_login_channel_for_a_liff_app_and_serves_lines_sdk():
    with pytest.raises(ConfigError, match="LIFF_CHANNEL_ID"):
        Config.from_env({**PRODUCTION, "LIFF_ID": "1650000000-AbCd"})
    config = Config.from_env({**PRODUCTION, "LIFF_ID": "1650000000-AbCd", "LIFF_CHANNEL_ID": "1650000000"})
    assert config.LIFF_SDK_URL == "https://static.line-scdn.net/liff/edge/2/sdk.js"
    assert Config.from_env(PRODUCTION).LIFF_CHANNEL_ID == ""  # no pages (404) until it is set


def test_a_session_is_short():
    with pytest.raises(ConfigError, match="LIFF_SESSION_MINUTES"):
        Config.from_env({"BOT_ENV": "test", "LIFF_SESSION_MINUTES": "120"})


def test_the_pages_answer_404_without_a_login_channel(database_url, simulator_server, line, clock):
    from ..conftest import make_app

    app = make_app(database_url, simulator_server.url, clock, LIFF_CHANNEL_ID="")
    try:
        app.extensions["bot"].config.LIFF_CHANNEL_ID = ""  # as production without it
        client = app.test_client()
        assert client.get("/liff/").status_code == 404
        assert client.get("/liff/api/card", headers={"Authorization": "Bearer x"}).status_code == 404
    finally:
        app.extensions["inbox_worker"].shutdown()
        app.extensions["bot"].db.dispose()


def test_the_pages_run_scripts_of_this_site_and_the_sdk_only(database_url, simulator_server, line, clock):
    from ..conftest import make_app

    app = make_app(database_url, simulator_server.url, clock, LIFF_ID="1650000000-AbCd", LIFF_CHANNEL_ID="1650000000",
                   LIFF_SDK_URL="https://static.line-scdn.net/liff/edge/2/sdk.js")
    try:
        for path in ("/liff/", "/liff/wallet", "/liff/profile"):
            policy = app.test_client().get(path).headers["Content-Security-Policy"]
            assert "script-src 'self' https://static.line-scdn.net;" in policy
            assert "object-src 'none'" in policy and "unsafe-inline" not in policy
    finally:
        app.extensions["bot"].db.dispose()
