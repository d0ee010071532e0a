"""POST /callback: check the signature with the SDK, record the events, answer 200 at once."""
from __future__ import annotations

import logging

from flask import Blueprint, abort, current_app, jsonify, request
from linebot.v3.exceptions import InvalidSignatureError
from linebot.v3.webhook import WebhookParser

from . import inbox
from .events import conversation_key
from core.models import InboxEvent
from core import metrics, strict_json
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
    try:
        # what the SDK's parser lets through but is not JSON (NaN, Infinity): PostgreSQL would refuse
        # to store it, a 500 that LINE would redeliver for ever
        events = strict_json.loads(body).get("events") or []
    except ValueError:
        log.info("webhook body is not JSON (NaN, Infinity or a number out of range)")
        abort(400, "the body is not JSON (NaN, Infinity and numbers out of range are not)")
    usable = [e for e in events if usable_event(e)]
    if len(usable) < len(events):
        # one odd event (an id longer than the column, none at all) must not lose its neighbours
        log.warning("webhook: %d of %d events skipped (no usable webhookEventId or source id)",
                    len(events) - len(usable), len(events))
    events = usable
    # run again on a pooled connection the server had closed (a restarted or busy database): a 500
    # would have LINE redeliver what is recorded once anyway (ON CONFLICT DO NOTHING)
    now = rt.clock.now()
    worker = current_app.extensions["inbox_worker"]
    # SQLite: the events this process will handle now are claimed here, by the INSERT that records
    # them (its writers take turns), instead of in a transaction of their own (bot/processing.py)
    claim_here = not rt.db.is_postgres and worker.mode != "off"

    def record(session):
        if claim_here:
            new_ids, claimed = inbox.record_and_claim(session, events, now)
        else:
            new_ids, claimed = inbox.record(session, events, now), {}
        waiting, unanswered = [], []
        if len(new_ids) < len(events):
            # events seen before (a redelivery): one a crash left pending is processed now, one whose
            # answer has not gone is answered now
            waiting, unanswered = inbox.waiting(session, [e["webhookEventId"] for e in events])
        return new_ids, claimed, waiting, unanswered

    # one event (LINE's usual body): its INSERT is the whole write, committed as it runs (no
    # transaction around it: on PostgreSQL one round trip instead of three)
    new_ids, claimed, waiting, unanswered = rt.db.run(record, write=True, core=True, autocommit=len(events) == 1)
    metrics.events_received(len(new_ids))
    worker.submit(new_ids + [i for i in waiting if i not in new_ids], claimed)
    worker.submit_answers(unanswered)
    return jsonify({})


def usable_event(event) -> bool:
    """An event the inbox can key: an object whose webhookEventId is a line of 1-64 characters, from
    a user, group or room whose id is a line too."""
    event_id = event.get("webhookEventId") if isinstance(event, dict) else None
    return (isinstance(event_id, str) and 0 < len(event_id) <= InboxEvent.webhook_event_id.type.length
            and text_problem(event_id, single_line=True) is None
            and isinstance(event.get("source") or {}, dict)
            and text_problem(str(conversation_key(event)), single_line=True) is None)

