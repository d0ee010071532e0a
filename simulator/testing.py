"""Run the simulator on a free local port for the length of a test."""
import threading
from contextlib import contextmanager
from dataclasses import dataclass

from flask import Flask
from werkzeug.serving import BaseWSGIServer

from simulator.app import create_app
from simulator.platform import LinePlatform
from simulator.serving import simulator_server


@dataclass
class RunningSimulator:
    url: str
    platform: LinePlatform
    app: Flask
    server: BaseWSGIServer


@contextmanager
def running_simulator(platform=None, **kw):
    """Yields a RunningSimulator (``.url``, ``.platform``); ``kw`` go to create_app
    (``bot_url``, ``channel_secret``)."""
    platform = platform or LinePlatform()
    app = create_app(platform=platform, **kw)
    server = simulator_server(app, "127.0.0.1", 0, quiet=True)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05},
                              name="line-simulator", daemon=True)
    thread.start()
    try:
        yield RunningSimulator(f"http://127.0.0.1:{server.server_port}", platform, app, server)
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
