import pytest

from core.config import Config, ConfigError

PROD = {"LINE_CHANNEL_SECRET": "s", "LINE_CHANNEL_ACCESS_TOKEN": "t", "SECRET_KEY": "k" * 32,
        "BOT_PUBLIC_URL": "https://bot.shop.example"}


def test_production_names_every_missing_secret():
    with pytest.raises(ConfigError) as err:
        Config.from_env({"LINE_CHANNEL_SECRET": "s"})
    assert "LINE_CHANNEL_ACCESS_TOKEN" in str(err.value) and "SECRET_KEY" in str(err.value)
    assert "LINE_CHANNEL_SECRET," not in str(err.value)


def test_production_refuses_blob_uploads_to_the_api_host():
    with pytest.raises(ConfigError, match="api-data"):
        Config.from_env({**PROD, "LINE_API_DATA_URL": "https://api.line.me"})


def test_defaults():
    config = Config.from_env(PROD)
    assert config.LINE_API_URL == "https://api.line.me"
    assert config.LINE_API_DATA_URL == "https://api-data.line.me"
    assert config.BOT_TIMEZONE == "Asia/Taipei" and config.BOT_LANGUAGE == "zh-TW"
    assert config.DATABASE_URL.startswith("sqlite:///") and config.DATABASE_URL.endswith("instance/bot.db")


def test_development_fills_local_secrets_and_numbers_are_cast():
    config = Config.from_env({"BOT_ENV": "development", "INBOX_THREADS": "2", "LINE_TIMEOUT_SECONDS": "2.5"})
    assert config.LINE_CHANNEL_SECRET and config.INBOX_THREADS == 2 and config.LINE_TIMEOUT_SECONDS == 2.5


def test_unknown_modes_are_refused():
    with pytest.raises(ConfigError):
        Config.from_env({"BOT_ENV": "staging"})
    with pytest.raises(ConfigError):
        Config.from_env({"BOT_ENV": "development", "INBOX_MODE": "later"})


def test_the_identity_key_is_keyed_from_secret_key_until_pinned_to_the_old_one():
    before = Config.from_env(PROD).identity_key()
    rotated = Config.from_env({**PROD, "SECRET_KEY": "n" * 32}).identity_key()
    pinned = Config.from_env({**PROD, "SECRET_KEY": "n" * 32, "IDENTITY_HASH_SECRET": "k" * 32}).identity_key()
    assert rotated != before and pinned == before  # existing installs keep their hashes; a pin survives rotation
    assert before != ("k" * 32).encode()  # derived, never the secret itself


def test_production_refuses_a_short_identity_secret_and_warns_when_it_is_unset():
    with pytest.raises(ConfigError, match="IDENTITY_HASH_SECRET"):
        Config.from_env({**PROD, "IDENTITY_HASH_SECRET": "short"})
    assert any("IDENTITY_HASH_SECRET" in w for w in Config.from_env(PROD).start_warnings())
    assert Config.from_env({**PROD, "IDENTITY_HASH_SECRET": "i" * 32}).start_warnings() == []
    assert Config.from_env({"BOT_ENV": "development"}).start_warnings() == []


def test_worker_intervals_and_the_outbox_lease_are_checked():
    config = Config.from_env({"BOT_ENV": "development", "WORKER_INTERVALS": "outbox=1, broadcasts=2.5",
                              "OUTBOX_LEASE_SECONDS": "30"})
    assert config.worker_intervals() == {"outbox": 1.0, "broadcasts": 2.5} and config.OUTBOX_LEASE_SECONDS == 30
    assert Config.from_env({"BOT_ENV": "development"}).worker_intervals() == {}
    for bad in ("outbox", "outbox=soon", "outbox=0", "=5"):
        with pytest.raises(ConfigError, match="WORKER_INTERVALS"):
            Config.from_env({"BOT_ENV": "development", "WORKER_INTERVALS": bad})
    with pytest.raises(ConfigError, match="OUTBOX_LEASE_SECONDS"):
        Config.from_env({"BOT_ENV": "development", "OUTBOX_LEASE_SECONDS": "0"})


def test_reply_as_push_after_seconds():
    dev = {"BOT_ENV": "development"}
    assert Config.from_env(dev).reply_as_push_after() == 50.0
    assert Config.from_env({**dev, "REPLY_AS_PUSH_AFTER_SECONDS": "off"}).reply_as_push_after() is None
    assert Config.from_env({**dev, "REPLY_AS_PUSH_AFTER_SECONDS": "30"}).reply_as_push_after() == 30.0
    for bad in ("0", "90", "soon"):
        with pytest.raises(ConfigError, match="REPLY_AS_PUSH_AFTER_SECONDS"):
            Config.from_env({**dev, "REPLY_AS_PUSH_AFTER_SECONDS": bad})


def test_production_wants_an_https_public_address_and_development_may_use_http():
    with pytest.raises(ConfigError, match="BOT_PUBLIC_URL"):
        Config.from_env({k: v for k, v in PROD.items() if k != "BOT_PUBLIC_URL"})
    for plain in ("http://bot.shop.example", "HTTP://bot.shop.example", "bot.shop.example", "https://"):
        with pytest.raises(ConfigError, match="BOT_PUBLIC_URL must be an https:// address in production"):
            Config.from_env({**PROD, "BOT_PUBLIC_URL": plain})
    assert Config.from_env(PROD).BOT_PUBLIC_URL == "https://bot.shop.example"
    assert Config.from_env({"BOT_ENV": "development", "BOT_PUBLIC_URL": "http://10.0.0.5:5000"}).BOT_PUBLIC_URL == \
        "http://10.0.0.5:5000"
    assert Config.from_env({"BOT_ENV": "development"}).BOT_PUBLIC_URL == "http://127.0.0.1:5000"


def test_production_refuses_to_start_the_app_with_an_http_public_address():
    from app import create_app

    with pytest.raises(ConfigError, match="https"):
        create_app({**PROD, "BOT_PUBLIC_URL": "http://bot.shop.example", "DATABASE_URL": "sqlite://"})
