"""The staff console at /console: login, roles, CSRF; members, segments, broadcasts, content,
rewards, surveys and the dashboard. `init_console(app)` wires it into the app."""
from __future__ import annotations

from datetime import timedelta


def init_console(app) -> None:
    from . import pages  # noqa: F401 - registers the routes on the blueprint
    from .blueprint import bp

    app.config.setdefault("PERMANENT_SESSION_LIFETIME", timedelta(hours=8))
    app.register_blueprint(bp)
