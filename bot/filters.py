"""Named filters that say which events a handler takes, composable with `&`, `|` and `~`.

    router.on(TEXT & waiting_for("survey_comment") & ~plain_request)

A filter is a question about the Context (bot/dispatch.py) that only reads it. The basic ones are
here; a feature's own (is the bot waiting for a comment from this user?) live with its handlers.
"""
from __future__ import annotations

from typing import Any, Callable

Context = Any  # bot.dispatch.Context (which imports this module)


class Filter:
    def __init__(self, name: str, test: Callable[[Context], bool]):
        self.name = name
        self.test = test

    def __call__(self, ctx: Context) -> bool:
        return bool(self.test(ctx))

    def __and__(self, other: "Filter") -> "Filter":
        return Filter(f"({self.name} & {other.name})", lambda ctx: self(ctx) and other(ctx))

    def __or__(self, other: "Filter") -> "Filter":
        return Filter(f"({self.name} | {other.name})", lambda ctx: self(ctx) or other(ctx))

    def __invert__(self) -> "Filter":
        return Filter(f"~{self.name}", lambda ctx: not self(ctx))

    def __repr__(self) -> str:
        return f"<Filter {self.name}>"


def event_type(kind: str) -> Filter:
    """An event of this type: "follow", "unfollow", "message", "postback", ..."""
    return Filter(f"event:{kind}", lambda ctx: ctx.event.type == kind)


def postback(action: str) -> Filter:
    """A postback (a button, a quick reply) with this action."""
    return Filter(f"postback:{action}", lambda ctx: ctx.event.type == "postback" and ctx.event.action == action)


def intent_is(intent: str) -> Filter:
    """A text message understood as this intent (bot/intents.py)."""
    return Filter(f"intent:{intent}", lambda ctx: ctx.intent == intent)


def asked_for(name: str) -> Filter:
    """The user asked for this in words (the intent) or by a tap (a postback with the same action)."""
    return intent_is(name) | postback(name)


MESSAGE = event_type("message")
TEXT = Filter("text", lambda ctx: ctx.event.type == "message" and ctx.event.text is not None)
