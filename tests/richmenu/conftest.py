import pytest

from tests.e2e.chat import Chat


@pytest.fixture
def chat(client, sender, line):
    return Chat(client, sender, line)


@pytest.fixture
def deploy(app):
    """Runs `flask --app app richmenu deploy` against the simulator; returns the CLI result."""
    def run():
        result = app.test_cli_runner().invoke(args=["richmenu", "deploy"])
        return result
    return run
