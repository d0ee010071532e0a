"""Points past their expiry date leave the balance (rewards/expiry.py)."""
from __future__ import annotations

from rewards import expiry


def run(rt, now) -> str:
    written = rt.db.run(lambda session: expiry.expire_points(session, now, rt.settings), write=True)
    return f"expired {written} lots"
