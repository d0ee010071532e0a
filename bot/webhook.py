"""POST /callback: check the signature with the SDK, record the events, answer 200 at once."""
from __future__ import annotations

import json
import logging

from flask import Blueprint, abort, current_app, jsonify, request
from linebot.v3.exceptions import InvalidSignatureError
from linebot.v3.webhook import WebhookParser

from . import inbox
from core.models import InboxEvent
from core import metrics
from core.runtime import runtime
from core.text_checks import text_problem

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
    usable = [e for e in events if usable_event(e)]
    if len(usable) < len(events):
        # one odd event (an id longer than the column, none at all) must not lose its neighbours
        log.warning("webhook: %d of %d events skipped (no usable webhookEventId)", len(events) - len(usable),
                    len(events))
    events = usable
    # run again on a pooled connection the server had closed (a restarted or busy database): a 500
    # would have LINE redeliver what is recorded once anyway (ON CONFLICT DO NOTHING)
    now = rt.clock.now()
    new_ids = rt.db.run(lambda session: inbox.record(session, events, now), write=True)
    metrics.events_received(len(new_ids))
    current_app.extensions["inbox_worker"].submit(new_ids)
    return jsonify({})


def usable_event(event) -> bool:
    """An event the inbox can key: an object whose webhookEventId is a line of 1-64 characters."""
    event_id = event.get("webhookEventId") if isinstance(event, dict) else None
    return (isinstance(event_id, str) and 0 < len(event_id) <= InboxEvent.webhook_event_id.type.length
            and text_problem(event_id, single_line=True) is None)

