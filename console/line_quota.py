"""The LINE channel's monthly message quota (Messaging API quota endpoints), for the broadcast pages."""
from __future__ import annotations

import logging
from dataclasses import dataclass

from core.runtime import runtime

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Quota:
    limit: int | None  # None: no monthly target ("none")
    used: int

    @property
    def left(self) -> int | None:
        return None if self.limit is None else max(0, self.limit - self.used)


def current() -> Quota | None:
    """This month's quota and usage, or None when LINE cannot be asked right now."""
    line = runtime().line
    try:
        kind, value = line.quota()
        used = line.quota_used()
    except Exception as exc:  # noqa: BLE001 - the page still works without the figure
        log.warning("LINE quota not available: %s", type(exc).__name__)
        return None
    return Quota(value if kind == "limited" else None, used)
