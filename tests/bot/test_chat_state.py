"""The member, an open handoff and the conversation state of a user, read in one statement."""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import event

from bot import chat_state
from core import conversation
from messaging import handoff
from rewards import membership
from tests.conftest import TAIPEI

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
