"""`flask --app app metrics serve`: /metrics without a token, on a separate private bind."""
from __future__ import annotations

import click
from flask import Blueprint, current_app

from core.runtime import runtime
from ops import prometheus

metrics_cli = Blueprint("metrics_cli", __name__, cli_group="metrics")


@metrics_cli.cli.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", type=int, default=9464, show_default=True)
def serve(host, port):
    """Serve /metrics without a token on a separate, private bind (for a Prometheus on the same network)."""
    from werkzeug.serving import make_server

    app = current_app._get_current_object()
    rt = runtime()

    def wsgi(environ, start_response):
        if environ.get("PATH_INFO") != "/metrics":
            start_response("404 Not Found", [("Content-Type", "text/plain")])
            return [b"only /metrics here\n"]
        with app.app_context():
            body = prometheus.exposition(rt)
        start_response("200 OK", [("Content-Type", prometheus.CONTENT_TYPE)])
        return [body]

    server = make_server(host, port, wsgi, threaded=True)
    click.echo(f"metrics on http://{host}:{server.server_port}/metrics")
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
