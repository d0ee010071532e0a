"""Fixtures for the hostile-input tests: the console's logged-in clients and the API's key."""
from __future__ import annotations

import pytest

from tests.console.conftest import PASSWORD, ConsoleClient, create_staff, login_as  # noqa: F401


@pytest.fixture
def console(app):
    return ConsoleClient(app.test_client())


@pytest.fixture
def api_key(app):
    from api.keys import create_key

    rt = app.extensions["bot"]
    with rt.db.session() as s:
        _row, key = create_key(s, "security-tests", rt.clock.now())
    return {"Authorization": "Bearer " + key}


__all__ = ["PASSWORD", "create_staff"]
