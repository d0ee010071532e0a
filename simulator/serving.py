"""The threaded werkzeug server the simulator runs on."""
from werkzeug.serving import BaseWSGIServer, WSGIRequestHandler, make_server


class _PollQuietHandler(WSGIRequestHandler):
    """Logs requests, except the chat page's once-a-second polling."""

    def log_request(self, code="-", size="-"):
        if self.command == "GET" and self.path.startswith("/__sim/"):
            return
        super().log_request(code, size)


class _SilentHandler(WSGIRequestHandler):
    def log_request(self, code="-", size="-"):
        pass


def simulator_server(app, host: str, port: int, quiet: bool = False) -> BaseWSGIServer:
    """A threaded server: the bot calls the API while the chat page waits for its webhook."""
    handler = _SilentHandler if quiet else _PollQuietHandler
    return make_server(host, port, app, threaded=True, request_handler=handler)
