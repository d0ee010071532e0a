"""The member, an open handoff and the conversation state of a user, read in one statement."""
from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlalchemy import event

from bot import chat_state, inbox
from core import conversation
from messaging import handoff
from rewards import membership
from tests.conftest import ON_POSTGRES, TAIPEI

NOW = datetime(2026, 11, 20, 14, 0, tzinfo=TAIPEI)
MEMBER, STRANGER = "U" + "1" * 32, "U" + "2" * 32


def statements_while(db, work):
    seen = []
    listen = lambda *args: seen.append(args[2])  # noqa: E731
    event.listen(db.engine, "before_cursor_execute", listen)
    try:
        return work(), [s for s in seen if not s.startswith("BEGIN")]
    finally:
        event.remove(db.engine, "before_cursor_execute", listen)


def test_one_statement_reads_what_the_separate_look_ups_read(db):
    with db.session() as s:
        member = membership.get_or_create(s, MEMBER, NOW)
        handoff.start(s, MEMBER, member, NOW, timedelta(hours=1))
        conversation.set(s, MEMBER, "survey_comment", {"response_id": 7}, NOW, timedelta(hours=2))
        conversation.set(s, STRANGER, "survey_comment", {"response_id": 8}, NOW - timedelta(hours=3),
                         timedelta(hours=2))  # expired an hour ago
        member_id = member.id
    with db.session() as s:
        chat, seen = statements_while(db, lambda: chat_state.read(s, MEMBER, NOW))
        assert len(seen) == 1
        assert chat.member.id == member_id and chat.in_handoff
        assert chat.state.name == "survey_comment" and chat.state.data == {"response_id": 7}
        assert chat.state is conversation.get(s, MEMBER, NOW)  # the same row, no second read
        later = chat_state.read(s, MEMBER, NOW + timedelta(hours=1, minutes=1))
        assert later.in_handoff is False and later.state.name == "survey_comment"
        stranger = chat_state.read(s, STRANGER, NOW)
        assert stranger.member is None and stranger.in_handoff is False and stranger.state is None
        assert chat_state.read(s, "U" + "3" * 32, NOW) == chat_state.Chat(None, False, None)


def _event(event_id: str, source: dict) -> dict:
    return {"type": "message", "webhookEventId": event_id, "timestamp": 0, "mode": "active", "source": source,
            "message": {"type": "text", "id": "1", "text": "點數"}, "replyToken": "r" + event_id,
            "deliveryContext": {"isRedelivery": False}}


@pytest.mark.skipif(not ON_POSTGRES, reason="PostgreSQL claims in the event's unit of work (SQLite at its record)")
def test_the_claim_and_the_chat_are_one_statement_with_what_each_reads_alone(db):
    with db.session() as s:
        member = membership.get_or_create(s, MEMBER, NOW)
        handoff.start(s, MEMBER, member, NOW, timedelta(hours=1))
        conversation.set(s, MEMBER, "survey_comment", {"response_id": 7}, NOW, timedelta(hours=2))
        member_id = member.id
        first, group, later = inbox.record(s, [_event("e1", {"type": "user", "userId": MEMBER}),
                                               _event("e2", {"type": "group", "groupId": "C" + "9" * 32}),
                                               _event("e3", {"type": "user", "userId": MEMBER})], NOW)
    with db.session() as s:
        taken, seen = statements_while(db, lambda: chat_state.claim_and_read(s, first, NOW))
        assert len(seen) == 1 and seen[0].lstrip().upper().startswith("WITH")
        (payload, user_key, received_at), chat = taken
        assert payload["webhookEventId"] == "e1" and user_key == MEMBER and received_at == NOW
        assert chat.member.id == member_id and chat.in_handoff
        assert chat.state.data == {"response_id": 7}
        assert chat_state.claim_and_read(s, first, NOW) is None  # claimed: not taken twice
        assert chat_state.claim_and_read(s, later, NOW) is None  # behind an unfinished event of its user
        (payload, key, _at), chat = chat_state.claim_and_read(s, group, NOW)  # the group's key: nobody's
        assert payload["webhookEventId"] == "e2" and key == "C" + "9" * 32
        assert chat == chat_state.Chat(None, False, None)
