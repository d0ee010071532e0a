import pytest

from .chat import Chat


@pytest.fixture
def chat(client, sender, line):
    return Chat(client, sender, line)
