"""Who runs a command, as the audit trail names them: `cli:<login name>`."""
from __future__ import annotations

import getpass


def login_name() -> str:
    try:
        return getpass.getuser()
    except Exception:  # noqa: BLE001 - no login name in some containers
        return "operator"


def actor(name: str | None = None) -> str:
    return "cli:" + (name or login_name())
