"""Fixtures of the outbox tests."""
from __future__ import annotations

import pytest

from ..conftest import make_app


@pytest.fixture
def two_runtimes(database_url, simulator_server, clock):
    """Two apps (two senders) on the one test database and simulator, shut down after the test."""
    apps = [make_app(database_url, simulator_server.url, clock) for _ in range(2)]
    try:
        yield [a.extensions["bot"] for a in apps]
    finally:
        for a in apps:
            a.extensions["inbox_worker"].shutdown()
            a.extensions["bot"].db.dispose()
