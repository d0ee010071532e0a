"""A small fake context for handler unit tests: an event, a member (or none), the texts and fake
services, and a database session only when the handler needs one (the migrated test database)."""
from __future__ import annotations

from datetime import datetime
from types import SimpleNamespace

import pytest

from bot.understanding import current as understanding
from bot.dispatch import Context, Services
from bot.events import Incoming
from bot.texts import Texts
from rewards.models import Member
from rewards.settings import ProgramSettings

from ..conftest import TAIPEI

NOW = datetime(2026, 11, 20, 14, 0, tzinfo=TAIPEI)
USER = "U" + "f" * 32


def event(kind: str = "message", text: str | None = None, action: str | None = None, params: dict | None = None,
          **data) -> Incoming:
    """A webhook event as the processor hands it over: a text message, a postback (action and data), a follow."""
    return Incoming(event_id="01HANDLERTEST", type=kind, mode="active", timestamp=0, source_type="user",
                    user_id=USER, chat_id=USER, reply_token="reply-token", message_type="text" if text else None,
                    text=text, postback_data={"action": action, **data} if action else {},
                    postback_params=params or {})


def member(**fields) -> Member:
    """A member the handler reads (not in a database)."""
    values = dict(id=1, member_code="M2345ABCD", line_user_id=USER, display_name="小美", language="zh-TW",
                  status="member", tier="member", balance=120, marketing_opt_in=True)
    values.update(fields)
    return Member(**values)


@pytest.fixture
def session(db):
    """A unit of work on the migrated test database, rolled back afterwards."""
    s = db.sessionmaker()
    yield s
    s.rollback()
    s.close()


@pytest.fixture
def make_ctx(session):
    def make(incoming: Incoming, who: Member | None = None, language: str = "zh-TW",
             settings: ProgramSettings | None = None) -> Context:
        understood = understanding.model_for(session).understand(incoming.text) if incoming.text is not None else None
        services = Services(profile=lambda uid: SimpleNamespace(display_name="小美", language=language),
                            default_language=language)
        return Context(event=incoming, session=session, now=NOW, settings=settings or ProgramSettings(),
                       member=who, t=Texts(who.language if who else language), services=services,
                       understood=understood)
    return make


def texts(messages: list[dict]) -> list[str]:
    return [m.get("text") or m.get("altText") for m in messages]
