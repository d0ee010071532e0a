"""Member records moved in from another programme and unclaimed for `unclaimed_import_days` are
erased (privacy/unclaimed_imports.py)."""
from __future__ import annotations

from privacy import unclaimed_imports


def run(rt, now) -> str:
    """A batch per transaction until none is left."""
    total = 0
    while True:
        erased = rt.db.run(lambda session: unclaimed_imports.due_batch(session, now, rt.settings), write=True)
        total += erased
        if erased < unclaimed_imports.BATCH:
            return f"erased {total} unclaimed imported records"
