"""The chaos test, bounded for CI (PostgreSQL only; skipped on SQLite): see tests/chaos/run.py.

CHAOS_SEED replays a run (its seed is printed first); CHAOS_MINUTES runs the traffic longer."""
from __future__ import annotations

import os
import random

import pytest

from ..conftest import ON_POSTGRES
from ..processes import GUNICORN
from .run import run

pytestmark = [pytest.mark.postgres, pytest.mark.chaos,
              pytest.mark.skipif(not ON_POSTGRES, reason="needs PostgreSQL (TEST_DATABASE_URL)"),
              pytest.mark.skipif(not GUNICORN.exists(), reason="no gunicorn")]

SEED = int(os.environ.get("CHAOS_SEED") or random.randrange(10**6))
MINUTES = float(os.environ.get("CHAOS_MINUTES", "1.5"))


def test_nothing_lost_nothing_twice_under_kills_and_faults(database_url, tmp_path, capsys):
    with capsys.disabled():  # the seed and the figures show in CI's log, passed or failed
        outcome = run(database_url, tmp_path, SEED, MINUTES, log=lambda line: print("\n" + line, flush=True))
    broken = {name: problems for name, problems in outcome.problems.items() if problems}
    assert not broken, (f"seed {SEED} (replay: CHAOS_SEED={SEED}); logs in {tmp_path}\n" + "\n".join(
        f"{name}: {len(problems)} problems, e.g.\n  " + "\n  ".join(problems[:8]) for name, problems in broken.items()))
