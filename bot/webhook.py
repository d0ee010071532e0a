"""POST /callback: check the signature with the SDK, record the events, answer 200 at once."""
from __future__ import annotations

import json
import logging

from flask import Blueprint, abort, current_app, jsonify, request
from linebot.v3.exceptions import InvalidSignatureError
from linebot.v3.webhook import WebhookParser

from . import inbox
from core import metrics
from core.runtime import runtime

log = logging.getLogger(__name__)
bp = Blueprint("webhook", __name__)


@bp.post("/callback")
def callback():
    rt = runtime()
    signature = request.headers.get("X-Line-Signature")
    body = request.get_data(as_text=True)
    if not signature:
        abort(400, "missing X-Line-Signature")
    parser: WebhookParser = current_app.extensions["webhook_parser"]
    try:
        parser.parse(body, signature)
    except InvalidSignatureError:
        abort(400, "bad signature")
    except Exception as exc:  # noqa: BLE001 - the SDK raises assorted errors for bodies it cannot read
        log.info("unreadable webhook body: %s", exc.__class__.__name__)
        abort(400, "unreadable body")
    events = json.loads(body).get("events") or []
    if any(not isinstance(e, dict) or not e.get("webhookEventId") for e in events):
        abort(400, "event without webhookEventId")
    with rt.db.session() as session:
        new_ids = inbox.record(session, events, rt.clock.now())
    metrics.events_received(len(new_ids))
    current_app.extensions["inbox_worker"].submit(new_ids)
    return jsonify({})

