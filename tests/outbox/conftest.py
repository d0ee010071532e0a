import pytest


@pytest.fixture
def unlimited_quota(line):
    """The simulator's monthly quota (1,000 by default) out of the way for big broadcasts."""
    before = line.quota_limit
    line.quota_limit = None
    yield line
    line.quota_limit = before


@pytest.fixture
def rt(app):
    return app.extensions["bot"]
