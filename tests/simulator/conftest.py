"""Fixtures for the simulator's tests: a platform, the app, a running simulator, a tiny bot."""
import threading
from pathlib import Path
import uuid

import pytest
from flask import Flask, request
from linebot.v3 import WebhookParser
from linebot.v3.exceptions import InvalidSignatureError

from simulator.app import create_app
from simulator.platform import LinePlatform
from simulator.serving import simulator_server
from simulator.spec import MESSAGING_SPEC, openapi_dir
from simulator.testing import running_simulator

SECRET = "simulator-test-secret"
AUTH = {"Authorization": "Bearer test-token"}



def pytest_collection_modifyitems(config, items):
    if (openapi_dir() / MESSAGING_SPEC).is_file():
        return
    skip = pytest.mark.skip(reason=f"LINE's OpenAPI specs are not at {openapi_dir()} (set LINE_OPENAPI_DIR)")
    here = str(Path(__file__).parent)
    for item in items:
        if str(item.path).startswith(here):
            item.add_marker(skip)


def new_user_id():
    return "U" + uuid.uuid4().hex


@pytest.fixture
def platform():
    return LinePlatform()


@pytest.fixture
def client(platform):
    return create_app(platform=platform).test_client()


@pytest.fixture
def sim():
    with running_simulator() as running:
        yield running


class TinyBot:
    """A stand-in for the bot: checks the signature with the SDK, records events, answers
    ``status``, and calls ``on_event(event)`` for each event before answering."""

    def __init__(self, secret):
        self.parser = WebhookParser(secret)
        self.events = []
        self.bodies = []
        self.status = 200
        self.on_event = None
        app = Flask(__name__)

        @app.post("/callback")
        def callback():
            body = request.get_data(as_text=True)
            try:
                events = self.parser.parse(body, request.headers.get("X-Line-Signature", ""))
            except InvalidSignatureError:
                return "bad signature", 400
            self.bodies.append(body)
            self.events.extend(events)
            for event in events:
                if self.on_event:
                    self.on_event(event)
            return "", self.status

        self.server = simulator_server(app, "127.0.0.1", 0, quiet=True)
        self.url = f"http://127.0.0.1:{self.server.server_port}/callback"
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self.thread.start()

    def stop(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def tiny_bot():
    bot = TinyBot(SECRET)
    yield bot
    bot.stop()
