"""The gateway SMS_PROVIDER names, built from core/config.py's settings."""
from __future__ import annotations

from core.config import Config

from .base import Gateway
from .console import Console
from .every8d import Every8d
from .mitake import Mitake
from .twilio_gateway import Twilio


def gateway_from(config: Config) -> Gateway | None:
    """None when no provider is configured (production without SMS_PROVIDER: verification is off)."""
    provider, url, timeout = config.sms_provider(), config.SMS_BASE_URL, config.SMS_TIMEOUT_SECONDS
    if provider == "twilio":
        return Twilio(config.TWILIO_ACCOUNT_SID, config.TWILIO_AUTH_TOKEN, config.TWILIO_FROM, url, timeout)
    if provider == "every8d":
        return Every8d(config.EVERY8D_UID, config.EVERY8D_PASSWORD, url, timeout)
    if provider == "mitake":
        return Mitake(config.MITAKE_USERNAME, config.MITAKE_PASSWORD, url, timeout)
    if provider == "console":
        # the page that shows it: SMS_BASE_URL, else the LINE simulator development talks to
        simulator = url or ("" if "api.line.me" in config.LINE_API_URL else config.LINE_API_URL)
        return Console(simulator, timeout)
    return None
