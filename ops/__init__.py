"""The operator's web edge: the start page at /, /healthz (database, worker heartbeat, outbox) and /metrics
(served on a private bind without a token by `flask --app app metrics serve`, cli/metrics.py)."""
from __future__ import annotations

from flask import Blueprint, Response, abort, jsonify, render_template, request, send_from_directory

from cli.content import DEFAULT_DIR, IMAGES_PATH, library_dir
from content.library_files import IMAGES_FOLDER

from core import formats
from core.runtime import runtime
from ops import prometheus, status

bp = Blueprint("ops", __name__, template_folder="templates")


@bp.get("/")
def start_page():
    rt = runtime()
    line_url = rt.config.LINE_API_URL.rstrip("/")
    simulator = line_url if not rt.config.is_production and "api.line.me" not in line_url else None
    return render_template("ops/start.html", simulator=simulator, env=rt.config.BOT_ENV,
                           metrics=bool(rt.config.METRICS_TOKEN))


@bp.get(IMAGES_PATH + "<name>")
def library_image(name):
    """The content library's own pictures (content/library/images/), for news cards and broadcasts."""
    folder = (library_dir(runtime().config) or DEFAULT_DIR) / IMAGES_FOLDER
    response = send_from_directory(folder, name, max_age=86400)
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


@bp.get("/healthz")
def healthz():
    """200 while the database answers (503 when not), with the worker's last heartbeat and the outbox's oldest
    due row; `?worker=1` also answers 503 when the worker is stale or sending is stuck (restart the worker)."""
    rt = runtime()
    now = rt.clock.now()
    try:
        with rt.db.session() as session:
            worker = status.worker_status(session, now)
            oldest = status.oldest_pending_seconds(session, now)
    except Exception:  # noqa: BLE001 - a health check reports, never raises
        return jsonify({"status": "error", "database": "unreachable"}), 503
    body = {"status": "ok", "database": "ok",
            "worker": {"alive": worker.alive,
                       "last_heartbeat": formats.instant(worker.last_beat, now.tzinfo),
                       "seconds_ago": None if worker.seconds_ago is None else round(worker.seconds_ago, 1)},
            "outbox": {"oldest_pending_seconds": round(oldest, 1),
                       "stuck": oldest > status.OUTBOX_STUCK_AFTER.total_seconds()}}
    if request.args.get("worker") and (not worker.alive or body["outbox"]["stuck"]):
        body["status"] = "worker stale" if not worker.alive else "outbox stuck"
        return jsonify(body), 503
    return jsonify(body)


@bp.get("/metrics")
def metrics():
    rt = runtime()
    if not rt.config.METRICS_TOKEN:
        abort(404)
    if not prometheus.token_ok(request.headers.get("Authorization"), rt.config.METRICS_TOKEN):
        return Response("metrics need Authorization: Bearer <METRICS_TOKEN>\n", 401,
                        {"WWW-Authenticate": 'Bearer realm="metrics"', "Content-Type": "text/plain"})
    return Response(prometheus.exposition(rt), content_type=prometheus.CONTENT_TYPE)
