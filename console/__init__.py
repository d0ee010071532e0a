"""The staff console at /console: login, roles, CSRF; members, segments, broadcasts, content,
rewards, surveys and the dashboard. `init_console(app)` wires it into the app."""
from __future__ import annotations

from datetime import timedelta


def init_console(app) -> None:
    from . import pages, throttle  # noqa: F401 - pages registers the routes on the blueprint
    from .blueprint import bp

    config = app.extensions["bot"].config
    # set, not setdefault: Flask has its own default (31 days) already in place
    app.config["PERMANENT_SESSION_LIFETIME"] = timedelta(hours=config.CONSOLE_SESSION_HOURS)
    app.register_blueprint(bp)
    throttle.init(app, config)
