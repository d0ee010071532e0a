"""The member pages (LIFF): ID tokens issued by the simulator's LINE Login, a member to show."""
from __future__ import annotations

import pytest

CHANNEL = "1000000000"  # the test configuration's LIFF_CHANNEL_ID (core/config.py's default outside production)


@pytest.fixture
def id_token(line):
    """An ID token LINE would give `user_id` in our LIFF app (or `channel`'s, or one `ttl` seconds long)."""
    def issue(user_id: str, channel: str = CHANNEL, ttl: float = 3600) -> str:
        return line.liff.issue(user_id, channel, ttl=ttl)
    return issue


@pytest.fixture
def bearer(id_token):
    def headers(user_id: str, **kw) -> dict:
        return {"Authorization": "Bearer " + id_token(user_id, **kw)}
    return headers
