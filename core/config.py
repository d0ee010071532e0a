"""Configuration from the environment only. One place reads os.environ; everything else reads Config."""
from __future__ import annotations

import hashlib
import hmac
import os
import secrets
import time
from dataclasses import dataclass, field, fields
from pathlib import Path
from urllib.parse import urlsplit

PROJECT_ROOT = Path(__file__).resolve().parent.parent

REQUIRED_IN_PRODUCTION = ("LINE_CHANNEL_SECRET", "LINE_CHANNEL_ACCESS_TOKEN", "SECRET_KEY", "BOT_PUBLIC_URL")
LOCAL_PUBLIC_URL = "http://127.0.0.1:5000"
MIN_SECRET_KEY_LENGTH = 32
SECRET_KEY_FILE = "secret_key"


# what each SMS gateway needs in production
SMS_CREDENTIALS = {"twilio": ("TWILIO_ACCOUNT_SID", "TWILIO_AUTH_TOKEN", "TWILIO_FROM"),
                   "every8d": ("EVERY8D_UID", "EVERY8D_PASSWORD"),
                   "mitake": ("MITAKE_USERNAME", "MITAKE_PASSWORD"),
                   "console": ()}


class ConfigError(RuntimeError):
    """Raised at start-up when the environment cannot run the bot."""


def _default_database_url() -> str:
    return "sqlite:///" + str(PROJECT_ROOT / "instance" / "bot.db")


def database_url(environ=None) -> str:
    """DATABASE_URL as the app reads it, for Alembic run on its own (migrations/env.py), which needs
    no other setting."""
    environ = os.environ if environ is None else environ
    return environ.get("DATABASE_URL") or _default_database_url()


@dataclass
class Config:
    LINE_CHANNEL_SECRET: str = ""
    LINE_CHANNEL_ACCESS_TOKEN: str = ""
    LINE_API_URL: str = "https://api.line.me"
    LINE_API_DATA_URL: str = "https://api-data.line.me"
    DATABASE_URL: str = field(default_factory=_default_database_url)
    SECRET_KEY: str = ""
    # the secret members' identity hashes are keyed from; unset: SECRET_KEY. Pin it (to the current
    # SECRET_KEY) before rotating SECRET_KEY, or returning people are no longer recognised.
    IDENTITY_HASH_SECRET: str = ""
    BOT_TIMEZONE: str = "Asia/Taipei"
    BOT_LANGUAGE: str = "zh-TW"
    # the bot's public address (member QR codes, signed links, the library's pictures): https in
    # production; development and tests default to LOCAL_PUBLIC_URL
    BOT_PUBLIC_URL: str = ""
    # production (default) refuses to start without secrets; development and test fill in local ones.
    BOT_ENV: str = "production"
    # "thread": events are processed off the request by an in-process worker; "sync": inside the
    # request (deterministic tests); "off": only recorded, left for the worker's sweeper.
    INBOX_MODE: str = "thread"
    INBOX_THREADS: int = 4
    LINE_TIMEOUT_SECONDS: float = 10.0
    # an answer that could not go through the event's reply token within this many seconds of the
    # event's arrival (LINE's tokens last about a minute) goes as a push, which counts against the
    # monthly message quota; "off": never as a push (such an answer is recorded as unanswered)
    REPLY_AS_PUSH_AFTER_SECONDS: str = "50"
    BOT_SETTINGS_FILE: str = ""
    # LINE's account link: the shop's login page the bot sends a member to (it gets `linkToken` as a
    # query parameter); unset, the bot says linking is not offered. LINE_ACCESS_URL is where LINE's
    # account-link dialog lives (the simulator's address in development and tests).
    ACCOUNT_LINK_LOGIN_URL: str = ""
    LINE_ACCESS_URL: str = "https://access.line.me"
    # a font with Chinese glyphs for the rich menu images (Pillow's own font has none); unset: any
    # installed CJK font (fontconfig), else icons and English labels only
    BOT_FONT_PATH: str = ""
    LINE_OPENAPI_DIR: str = ""
    # the content library's folder (default content/library; in tests none unless set)
    CONTENT_LIBRARY_DIR: str = ""
    # a console login lasts at most this long, and ends after this long without a request
    CONSOLE_SESSION_HOURS: int = 8
    CONSOLE_IDLE_MINUTES: int = 60
    # login attempts per client address (Flask-Limiter notation) and where the counts are kept:
    # memory:// (one process) or redis://host:6379/0 (several web processes share the counts)
    LOGIN_RATE_LIMIT: str = "10 per minute; 100 per hour"
    RATELIMIT_STORAGE_URI: str = "memory://"
    RATELIMIT_KEY_PREFIX: str = "bot-login"
    # finished webhook events are deleted after this many days (privacy.retention)
    INBOX_RETENTION_DAYS: int = 30
    # where this instance keeps what it generates for itself (the development SECRET_KEY)
    INSTANCE_PATH: str = ""
    # a customer who asks for a person: the bot keeps quiet on their free text this long (or until
    # staff hand the chat back); the hours staff answer, as told to the customer
    HANDOFF_HOURS: int = 24
    SERVICE_HOURS: str = "10:00-18:00"
    # kept chat messages and unanswered messages are deleted this long after the chat ends / the miss
    KEPT_MESSAGES_DAYS: int = 30
    # logging: level (DEBUG, INFO, WARNING, ...) and format ("text", or "json": one JSON object a line)
    LOG_LEVEL: str = "INFO"
    LOG_FORMAT: str = "text"
    # GET /metrics/prometheus needs "Authorization: Bearer <METRICS_TOKEN>"; unset, it answers 404
    # (serve it on a separate bind with `flask --app app metrics serve` instead)
    METRICS_TOKEN: str = ""
    # the worker's sweep intervals in seconds, overriding worker/schedule.py's: "outbox=1,broadcasts=2"
    WORKER_INTERVALS: str = ""
    # an outbox claim older than this is taken over by another sender (its worker died mid-send)
    OUTBOX_LEASE_SECONDS: int = 300
    # phone verification's SMS gateway: twilio, every8d, mitake or console (development: the code shows
    # in the log and the simulator's page; production refuses it). Unset: console outside production,
    # no phone verification in production. SMS_BASE_URL replaces the provider's address (a simulator).
    SMS_PROVIDER: str = ""
    SMS_BASE_URL: str = ""
    SMS_TIMEOUT_SECONDS: float = 10.0
    TWILIO_ACCOUNT_SID: str = ""
    TWILIO_AUTH_TOKEN: str = ""
    # a From number (+1555...) or a Messaging Service sid (MG...)
    TWILIO_FROM: str = ""
    EVERY8D_UID: str = ""
    EVERY8D_PASSWORD: str = ""
    MITAKE_USERNAME: str = ""
    MITAKE_PASSWORD: str = ""
    # "yes": numbers of other countries (written with their country code) may be verified
    PHONE_ALLOW_FOREIGN: str = "no"
    # email verification's mail server (messaging/mail/smtp.py); unset SMTP_HOST: emails are not
    # verified (and so name no member of an online order). SMTP_STARTTLS=yes upgrades the connection
    # (port 587); a login when SMTP_USER is set. SMTP_FROM: the sender, e.g. "Shop <no-reply@shop.tw>"
    SMTP_HOST: str = ""
    SMTP_PORT: int = 587
    SMTP_USER: str = ""
    SMTP_PASSWORD: str = ""
    SMTP_FROM: str = ""
    SMTP_STARTTLS: str = "yes"
    SMTP_TIMEOUT_SECONDS: float = 10.0
    # set by gunicorn.conf.py for prometheus-client's multiprocess mode (every worker's counters)
    PROMETHEUS_MULTIPROC_DIR: str = ""
    # online shops' order webhooks (/webhooks/<platform>, rewards/shops/): each platform's secret;
    # unset, its endpoint answers 401 to everything. SHOPIFY_SHOP_DOMAIN: the only shop accepted.
    SHOPIFY_WEBHOOK_SECRET: str = ""
    SHOPIFY_SHOP_DOMAIN: str = ""
    WOOCOMMERCE_WEBHOOK_SECRET: str = ""
    # the order status that means paid (WooCommerce's "completed" by default; "processing" for some shops)
    WOOCOMMERCE_PAID_STATUS: str = "completed"
    # the catch-up sweep reads WOOCOMMERCE_URL/wp-json/wc/v3/orders with this REST API key; unset: no sweep
    WOOCOMMERCE_URL: str = ""
    WOOCOMMERCE_CONSUMER_KEY: str = ""
    WOOCOMMERCE_CONSUMER_SECRET: str = ""
    SHOPLINE_APP_SECRET: str = ""
    # the merchant's id, naming the shop in its orders' keys (shopline:<merchant>:<order id>); unset: "main"
    SHOPLINE_MERCHANT_ID: str = ""
    # SHOPLINE Open API's address and a merchant's access token, for its catch-up sweep; unset: no sweep
    SHOPLINE_API_URL: str = ""
    SHOPLINE_ACCESS_TOKEN: str = ""
    # NT$ per unit of the other currencies orders may be in: "USD=32.5,JPY=0.21"; others are skipped
    SHOP_CURRENCY_RATES: str = ""
    # an online order nobody could be found for is credited if its customer is linked within this many days
    ORDER_CLAIM_DAYS: int = 30
    SHOP_HTTP_TIMEOUT_SECONDS: float = 10.0
    # the member pages inside LINE (LIFF, /liff/): the LIFF app's id (rich menus open
    # https://liff.line.me/{LIFF_ID}), the channel id of the LINE Login channel it belongs to (the
    # ID tokens' audience, checked at LINE's verify endpoint on LINE_API_URL), LINE's SDK (development
    # and tests: the simulator's stand-in, {simulator}/__sim/liff/sdk.js) and how long a session
    # made from an ID token lasts. Without LIFF_CHANNEL_ID the pages answer 404 in production.
    LIFF_ID: str = ""
    LIFF_CHANNEL_ID: str = ""
    LIFF_SDK_URL: str = "https://static.line-scdn.net/liff/edge/2/sdk.js"
    LIFF_SESSION_MINUTES: int = 15
    # uploaded pictures (core/media_store.py): "local" keeps them in MEDIA_DIR (default instance/media),
    # served at {BOT_PUBLIC_URL}/media/; "s3" puts them in an S3-compatible bucket (boto3) whose objects
    # are read at S3_PUBLIC_URL (default {S3_ENDPOINT_URL}/{S3_BUCKET}); S3_PUBLIC_READ_ACL=no when the
    # bucket is public by its own policy (e.g. Cloudflare R2, which has no ACLs)
    # "yes": each broadcast is sent with its aggregation unit (customAggregationUnits) and the
    # line-statistics sweep reads LINE's opens and taps per unit; LINE offers units to accounts that
    # applied for them: "no" sends none (and the results say opens are not read)
    LINE_AGGREGATION_UNITS: str = "yes"
    MEDIA_STORE: str = "local"
    MEDIA_DIR: str = ""
    S3_BUCKET: str = ""
    S3_ENDPOINT_URL: str = ""
    S3_REGION: str = "us-east-1"
    S3_ACCESS_KEY_ID: str = ""
    S3_SECRET_ACCESS_KEY: str = ""
    S3_PUBLIC_URL: str = ""
    S3_PUBLIC_READ_ACL: str = "yes"

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
        if self.LOG_FORMAT not in ("text", "json"):
            raise ConfigError(f"LOG_FORMAT must be text or json, not {self.LOG_FORMAT!r}")
        self.worker_intervals()  # refuses a malformed WORKER_INTERVALS at start-up
        if self.OUTBOX_LEASE_SECONDS <= 0:
            raise ConfigError("OUTBOX_LEASE_SECONDS must be positive")
        self.reply_as_push_after()  # refuses a malformed REPLY_AS_PUSH_AFTER_SECONDS at start-up
        self._check_sms()
        self._check_smtp()
        if not 1 <= self.LIFF_SESSION_MINUTES <= 60:
            raise ConfigError("LIFF_SESSION_MINUTES must be from 1 to 60 (a session is short)")
        if self.LIFF_ID and not self.LIFF_CHANNEL_ID and self.is_production:
            raise ConfigError("LIFF_ID needs LIFF_CHANNEL_ID, the id of the LINE Login channel the LIFF app is on "
                              "(the audience of its ID tokens)")
        if self.LINE_AGGREGATION_UNITS not in ("yes", "no"):
            raise ConfigError(f"LINE_AGGREGATION_UNITS must be yes or no, not {self.LINE_AGGREGATION_UNITS!r}")
        if self.MEDIA_STORE not in ("local", "s3"):
            raise ConfigError(f"MEDIA_STORE must be local or s3, not {self.MEDIA_STORE!r}")
        if self.MEDIA_STORE == "s3" and not self.S3_BUCKET:
            raise ConfigError("MEDIA_STORE=s3 needs S3_BUCKET")
        if self.is_production:
            missing = [name for name in REQUIRED_IN_PRODUCTION if not getattr(self, name)]
            if missing:
                raise ConfigError(
                    "missing environment variable" + ("s " if len(missing) > 1 else " ") + ", ".join(missing)
                    + " (required when BOT_ENV=production; set BOT_ENV=development to run locally)")
            if len(self.SECRET_KEY) < MIN_SECRET_KEY_LENGTH:
                raise ConfigError(f"SECRET_KEY must be at least {MIN_SECRET_KEY_LENGTH} characters "
                                  "(e.g. python3 -c 'import secrets; print(secrets.token_urlsafe(48))')")
            if self.IDENTITY_HASH_SECRET and len(self.IDENTITY_HASH_SECRET) < MIN_SECRET_KEY_LENGTH:
                raise ConfigError(f"IDENTITY_HASH_SECRET must be at least {MIN_SECRET_KEY_LENGTH} characters "
                                  "(or unset: keyed from SECRET_KEY)")
            public = urlsplit(self.BOT_PUBLIC_URL)
            if public.scheme.lower() != "https" or not public.hostname:
                raise ConfigError(f"BOT_PUBLIC_URL must be an https:// address in production, not "
                                  f"{self.BOT_PUBLIC_URL!r}: members open the QR codes and links made from it "
                                  "(plain http only with BOT_ENV=development)")
            if self.LINE_API_DATA_URL.rstrip("/") == "https://api.line.me":
                raise ConfigError("LINE_API_DATA_URL must not be https://api.line.me: uploads go to https://api-data.line.me")
        else:
            self.LINE_CHANNEL_SECRET = self.LINE_CHANNEL_SECRET or "development-channel-secret"
            self.LINE_CHANNEL_ACCESS_TOKEN = self.LINE_CHANNEL_ACCESS_TOKEN or "development-access-token"
            self.BOT_PUBLIC_URL = self.BOT_PUBLIC_URL or LOCAL_PUBLIC_URL
            self.LIFF_CHANNEL_ID = self.LIFF_CHANNEL_ID or "1000000000"
            if not self.SECRET_KEY:
                # never a key known from the source: development keeps its own under instance/,
                # tests make one per process
                self.SECRET_KEY = (instance_secret_key(self.instance_path()) if self.BOT_ENV == "development"
                                   else secrets.token_urlsafe(48))

    def identity_key(self) -> bytes:
        """The key of members' identity hashes, derived from IDENTITY_HASH_SECRET, else from SECRET_KEY
        (never the secret itself). Pinned to an old SECRET_KEY, it gives the same key as before."""
        return identity_key(self.IDENTITY_HASH_SECRET or self.SECRET_KEY)

    def start_warnings(self) -> list[str]:
        """What start-up logs as a warning: settings that work but will bite later."""
        if self.is_production and not self.IDENTITY_HASH_SECRET:
            return ["IDENTITY_HASH_SECRET is not set: identity hashes are keyed from SECRET_KEY, so rotating "
                    "SECRET_KEY would stop recognising returning people; set IDENTITY_HASH_SECRET to the "
                    "current SECRET_KEY before rotating it (README: Rotating credentials)"]
        return []

    def worker_intervals(self) -> dict[str, float]:
        """WORKER_INTERVALS as {sweep name: seconds}."""
        intervals = {}
        for part in filter(None, (p.strip() for p in self.WORKER_INTERVALS.split(","))):
            name, _, seconds = part.partition("=")
            try:
                intervals[name.strip()] = float(seconds)
            except ValueError:
                raise ConfigError(f"WORKER_INTERVALS: {part!r} is not name=seconds") from None
            if intervals[name.strip()] <= 0 or not name.strip():
                raise ConfigError(f"WORKER_INTERVALS: {part!r} is not name=seconds (a positive number)")
        return intervals

    def reply_as_push_after(self) -> float | None:
        """REPLY_AS_PUSH_AFTER_SECONDS in seconds, or None for "off"."""
        raw = self.REPLY_AS_PUSH_AFTER_SECONDS.strip().lower()
        if raw == "off":
            return None
        try:
            seconds = float(raw)
        except ValueError:
            seconds = -1.0
        if not 0 < seconds <= 60:
            raise ConfigError("REPLY_AS_PUSH_AFTER_SECONDS must be a number of seconds from 1 to 60 (a reply "
                              f"token lasts about a minute) or off, not {self.REPLY_AS_PUSH_AFTER_SECONDS!r}")
        return seconds

    def sms_provider(self) -> str:
        """The SMS gateway in use: SMS_PROVIDER, else console outside production, else "" (none)."""
        return self.SMS_PROVIDER.strip().lower() or ("" if self.is_production else "console")

    def phone_allow_foreign(self) -> bool:
        return _yes(self.PHONE_ALLOW_FOREIGN)

    def smtp_starttls(self) -> bool:
        return _yes(self.SMTP_STARTTLS)

    def _check_smtp(self) -> None:
        _check_yes_or_no("SMTP_STARTTLS", self.SMTP_STARTTLS)
        if self.SMTP_HOST and "@" not in self.SMTP_FROM:
            raise ConfigError("SMTP_HOST needs SMTP_FROM, the sender's address (Shop <no-reply@shop.example>)")
        if self.SMTP_HOST and not 0 < self.SMTP_PORT < 65536:
            raise ConfigError(f"SMTP_PORT must be a port number, not {self.SMTP_PORT}")

    def _check_sms(self) -> None:
        provider = self.sms_provider()
        if provider not in SMS_CREDENTIALS and provider != "":
            raise ConfigError(f"SMS_PROVIDER must be twilio, every8d, mitake or console, not {self.SMS_PROVIDER!r}")
        _check_yes_or_no("PHONE_ALLOW_FOREIGN", self.PHONE_ALLOW_FOREIGN)
        if self.is_production and provider == "console":
            raise ConfigError("SMS_PROVIDER=console only shows the codes in the log: production needs twilio, "
                              "every8d or mitake")
        missing = [name for name in SMS_CREDENTIALS.get(provider, ()) if not getattr(self, name)]
        if missing:
            raise ConfigError(f"SMS_PROVIDER={provider} needs " + ", ".join(missing))

    def instance_path(self) -> Path:
        return Path(self.INSTANCE_PATH) if self.INSTANCE_PATH else PROJECT_ROOT / "instance"

    def openapi_dir(self) -> Path:
        if self.LINE_OPENAPI_DIR:
            return Path(self.LINE_OPENAPI_DIR)
        return PROJECT_ROOT.parent / "shared" / "line-openapi"


def derived_key(secret_key: str, purpose: bytes) -> bytes:
    """A key of its own for one purpose (identity hashes, phone codes, card codes, LIFF sessions),
    derived from SECRET_KEY: what one purpose's MACs reveal says nothing of another's, or of the secret."""
    return hmac.new(secret_key.encode(), purpose, hashlib.sha256).digest()


def identity_key(secret_key: str) -> bytes:
    return derived_key(secret_key, b"member-identity-hash-v1")


def instance_secret_key(folder: Path) -> str:
    """This instance's own random key, made on first use and kept in `folder`/secret_key (0600)."""
    path = folder / SECRET_KEY_FILE
    folder.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        for _ in range(50):  # another process may be writing it right now
            key = path.read_text(encoding="ascii").strip()
            if len(key) >= MIN_SECRET_KEY_LENGTH:
                return key
            time.sleep(0.02)
        raise ConfigError(f"{path} holds no usable key: delete it to make a new one") from None
    key = secrets.token_urlsafe(48)
    with os.fdopen(fd, "w", encoding="ascii") as fh:
        fh.write(key + "\n")
    return key


# how a yes-or-no setting may be written
_YES = ("yes", "true", "1", "on")
_NO = ("no", "false", "0", "off")


def _yes(raw: str) -> bool:
    return raw.strip().lower() in _YES


def _check_yes_or_no(name: str, raw: str) -> None:
    if raw.strip().lower() not in _YES + _NO:
        raise ConfigError(f"{name} must be yes or no, not {raw!r}")


def _cast(kind, raw: str):
    if kind in (int, "int"):
        return int(raw)
    if kind in (float, "float"):
        return float(raw)
    return raw
