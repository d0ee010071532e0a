"""Login attempts per client address, with Flask-Limiter (on top of the per-account lock-out).

The counts live in memory by default (one web process); `RATELIMIT_STORAGE_URI=redis://host:6379/0`
shares them between several web processes. An address over the limit is answered 429 before any
password is checked. Behind a proxy, the app must see the client's address as `remote_addr`
(e.g. werkzeug's ProxyFix), else every visitor shares the proxy's.
"""
from __future__ import annotations

from flask import Flask
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address

from core.config import Config


def init(app: Flask, config: Config) -> Limiter:
    limiter = Limiter(get_remote_address, app=app, storage_uri=config.RATELIMIT_STORAGE_URI,
                      key_prefix=config.RATELIMIT_KEY_PREFIX, headers_enabled=False)
    endpoint = "console.login"
    app.view_functions[endpoint] = limiter.limit(config.LOGIN_RATE_LIMIT, methods=["POST"])(
        app.view_functions[endpoint])
    # The login's limit is checked by its decorator. The extension's own check before every request
    # looks for default and application-wide limits, of which there are none (up to 0.1 ms of CPU a
    # request, on every webhook event)
    app.before_request_funcs[None].remove(limiter._check_request_limit)
    app.extensions["login_limiter"] = limiter
    return limiter
