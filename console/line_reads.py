"""LINE's read mark for a chat staff opened (POST /v2/bot/chat/markAsRead with the newest message's token)."""
from __future__ import annotations

import logging
from datetime import datetime

from core.runtime import runtime
from messaging import member_chat
from messaging.models import Handoff

log = logging.getLogger(__name__)


def mark_read(session, chat: Handoff, now: datetime) -> bool:
    """Tell LINE staff read the member's messages; best effort (the page works whatever LINE says)."""
    token = member_chat.unread_token(session, chat)
    if token is None:
        return False
    try:
        runtime().line.mark_as_read(token)
    except Exception as exc:  # noqa: BLE001 - the read mark is a courtesy, never a reason to fail the page
        log.warning("messages not marked read on LINE: %s", type(exc).__name__)
        return False
    member_chat.marked_read(session, chat, now)
    return True
