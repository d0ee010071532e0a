"""Routing one event to one handler: an ordered list of (filter, handler), first match wins.

Each module in handlers/ has its own Router; the app chains them in a fixed order (routers for
conversation state first, then event types, then free-text intents, then the fallback). A text
message's intent is worked out once, before routing, and is part of the Context it is routed with;
matching only reads the context. A handler answers with messages and may ask for typed effects
(SwitchRichMenu) that the processor carries out on LINE once the unit of work is committed.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Callable, Iterator

from sqlalchemy.orm import Session

from rewards.models import Member
from rewards.phone_verification import Policy as PhonePolicy
from rewards.settings import ProgramSettings

from .events import Incoming
from .filters import Filter, asked_for, event_type, intent_is, postback
from .texts import Texts
from .understanding import Understanding

@dataclass(frozen=True)
class SwitchRichMenu:
    """Show the user the member rich menu (`member=True`: joined, back after a block) or the default
    one again (`member=False`: unfollowed, erased)."""

    member: bool


Effect = SwitchRichMenu  # a union when there are more kinds


@dataclass
class Context:
    """What a handler gets besides the event. Handlers never open sessions or call LINE themselves."""

    event: Incoming
    session: Session
    now: datetime
    settings: ProgramSettings
    member: Member | None
    t: Texts
    services: "Services"
    # what a text message means (bot/understanding/), worked out once before routing; None for other events
    understood: Understanding | None = None
    # what to do on LINE once the handler's changes are committed (the processor carries them out)
    effects: list[Effect] = field(default_factory=list)
    # the member's handoff and conversation state, read with the member (bot.chat_state); None: not read
    chat: object | None = None

    @property
    def intent(self) -> str | None:
        """The member intent the message was understood as ("ambiguous" when asked back), else None."""
        return self.understood.intent if self.understood is not None else None

    @property
    def intent_candidates(self) -> tuple[str, ...]:
        """For a close call: the readings to offer as "which one?" (intents, "faq:<slug>")."""
        return self.understood.alternatives if self.understood is not None else ()

    def use_language(self, language: str) -> None:
        self.t = Texts(language)


@dataclass
class Services:
    """Capabilities the bot layer lends to handlers (injected, so tests can fake them)."""

    profile: Callable[[str], object]  # user id -> Profile (display_name, language)
    public_url: str = ""
    # member code, now -> an expiring https link to the member's QR image (None: no image)
    qr_url: Callable[[str, datetime], str] | None = None
    # coupon code, now -> an expiring https link to the code's QR image, for the till's scanner
    coupon_qr_url: Callable[[str, datetime], str] | None = None
    default_language: str = "zh-TW"
    # LINE user id -> a link token for LINE's account link (None: LINE did not give one)
    link_token: Callable[[str], str | None] | None = None
    # the shop's login page for the account link (empty: not offered)
    account_link_login_url: str = ""
    # the card page inside LINE (https://liff.line.me/{LIFF_ID}; empty: no LIFF app)
    card_page_url: str = ""
    # a customer who asks for a person: how long the bot keeps quiet, and the hours staff answer
    handoff_hours: int = 24
    service_hours: str = "10:00-18:00"
    # phone verification: the SMS gateway (messaging/sms/; None: not offered), the limits, the codes' HMAC key
    sms: object | None = None
    phone_policy: PhonePolicy = field(default_factory=PhonePolicy)
    phone_code_key: bytes = b""
    # online orders waiting for a member are claimed by a phone verified within this many days
    order_claim_days: int = 30


@dataclass(frozen=True)
class Handler:
    """A handler with what the processor needs to know about it, declared where it is defined."""

    run: Callable[[Context], list[dict] | None]
    # the answer may take a moment (LINE's profile, a bigger query): LINE's loading animation first
    shows_loading: bool = False

    def __call__(self, ctx: Context) -> list[dict] | None:
        return self.run(ctx)


def shows_loading(fn: Callable[[Context], list[dict] | None]) -> Handler:
    """Declare a handler whose answer may take a moment: LINE's loading animation is shown first."""
    return Handler(fn, shows_loading=True)


def _handler(fn) -> Handler:
    return fn if isinstance(fn, Handler) else Handler(fn)


@dataclass(frozen=True)
class Route:
    filter: Filter
    handler: Handler


class Router:
    def __init__(self, name: str):
        self.name = name
        self.routes: list[Route] = []

    def add(self, matches: Filter, fn) -> Handler:
        handler = _handler(fn)
        self.routes.append(Route(matches, handler))
        return handler

    # decorators
    def on(self, matches: Filter):
        return lambda fn: self.add(matches, fn)

    def on_event(self, kind: str):
        return self.on(event_type(kind))

    def on_postback(self, action: str):
        return self.on(postback(action))

    def on_intent(self, intent: str):
        return self.on(intent_is(intent))

    def on_request(self, name: str):
        """Asked for in words or by a tap: the intent `name` or the postback action `name`."""
        return self.on(asked_for(name))


class Dispatcher:
    def __init__(self, routers: list[Router], understand: Callable[[Session, str], Understanding]):
        self.routers = routers
        self.understand_text = understand

    def understand(self, event: Incoming, session: Session) -> Understanding | None:
        """What a text message means (None for any other event), for the Context it is routed with."""
        if event.type == "message" and event.text is not None:
            return self.understand_text(session, event.text)
        return None

    def routes(self) -> Iterator[Route]:
        for router in self.routers:
            yield from router.routes

    def route(self, ctx: Context) -> Handler | None:
        """The first handler whose filter matches; None when nothing does."""
        return next((r.handler for r in self.routes() if r.filter(ctx)), None)
