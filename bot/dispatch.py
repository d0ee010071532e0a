"""Routing one event to one handler: an ordered list of (predicate, handler), first match wins.

Each module in handlers/ has its own Router; the app chains them in a fixed order (routers for
conversation state first, then event types, then free-text intents, then the fallback).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Callable

from sqlalchemy.orm import Session

from rewards.models import Member
from rewards.settings import ProgramSettings

from .events import Incoming
from .intents import Match
from .texts import Texts


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
    intent: str | None = None
    # for a close call (intent == "ambiguous"): the intents to offer as "which one?"
    intent_candidates: tuple[str, ...] = ()
    # things to do on LINE once the effects are committed, e.g. ("rich_menu", "member");
    # carried out by the processor through Services.effects
    effects: list[tuple[str, str | None]] = field(default_factory=list)
    # where free words go beyond the member intents (bot.routing.Route), worked out once when asked
    route: object | None = None

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
    # effect name -> function(user_id, argument) run after commit (see Context.effects)
    effects: dict[str, Callable[[str, str | None], None]] = field(default_factory=dict)
    # a customer who asks for a person: how long the bot keeps quiet, and the hours staff answer
    handoff_hours: int = 24
    service_hours: str = "10:00-18:00"


Handler = Callable[[Context], list[dict] | None]


def shows_loading(handler):
    """Mark a handler whose answer may take a moment: LINE's loading animation is shown first."""
    handler.shows_loading = True
    return handler
Predicate = Callable[[Context], bool]


class Router:
    def __init__(self, name: str):
        self.name = name
        self.routes: list[tuple[Predicate, Handler]] = []

    def add(self, predicate: Predicate, handler: Handler) -> Handler:
        self.routes.append((predicate, handler))
        return handler

    # decorators
    def on_event(self, event_type: str):
        return lambda fn: self.add(lambda ctx: ctx.event.type == event_type, fn)

    def on_postback(self, action: str):
        return lambda fn: self.add(lambda ctx: ctx.event.type == "postback" and ctx.event.action == action, fn)

    def on_intent(self, intent: str):
        return lambda fn: self.add(lambda ctx: ctx.intent == intent, fn)

    def on(self, predicate: Predicate):
        return lambda fn: self.add(predicate, fn)


class Dispatcher:
    def __init__(self, routers: list[Router], classify: Callable[[str], "Match"]):
        self.routers = routers
        self.classify = classify

    def find(self, ctx: Context) -> Handler | None:
        if ctx.event.type == "message" and ctx.event.text is not None and ctx.intent is None:
            match = self.classify(ctx.event.text)
            ctx.intent, ctx.intent_candidates = match.intent, match.candidates
        for router in self.routers:
            for predicate, handler in router.routes:
                if predicate(ctx):
                    return handler
        return None
