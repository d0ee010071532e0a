"""A webhook event, reduced to what the handlers need.

Built from the event's JSON as LINE sent it (after the SDK checked signature and shape), so an event
the SDK hands over as UnknownEvent only because an optional-looking field is missing is still
understood by its type. What a member wrote or sent back (a message's text, postback data and
parameters) is cleaned here by the one rule for text from outside (core.text_checks.clean_text):
no NUL or other control character reaches a handler or the database, a message keeps its line
breaks.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import parse_qsl

from core.text_checks import clean_text


@dataclass
class Incoming:
    event_id: str
    type: str
    mode: str
    timestamp: int
    source_type: str
    user_id: str | None
    chat_id: str | None  # user, group or room id: where a reply or loading animation goes
    reply_token: str | None
    is_redelivery: bool = False
    message_type: str | None = None
    text: str | None = None
    postback_data: dict = field(default_factory=dict)
    postback_params: dict = field(default_factory=dict)
    is_unblocked: bool = False
    # a location message's place
    latitude: float | None = None
    longitude: float | None = None
    # an accountLink event's result ("ok" or "failed") and nonce
    link_result: str | None = None
    link_nonce: str | None = None
    # a message's token for marking it read (POST /v2/bot/chat/markAsRead), kept while staff have the chat
    mark_as_read_token: str | None = None

    @property
    def action(self) -> str | None:
        return self.postback_data.get("action")

    @classmethod
    def from_json(cls, event: dict) -> "Incoming":
        source = event.get("source") or {}
        user_id = source.get("userId")
        chat_id = source.get("groupId") or source.get("roomId") or user_id
        message = event.get("message") or {}
        postback = event.get("postback") or {}
        data = postback.get("data") or ""
        text = message.get("text") if message.get("type") == "text" else None
        return cls(
            event_id=event.get("webhookEventId") or "",
            type=event.get("type") or "",
            mode=event.get("mode") or "active",
            timestamp=int(event.get("timestamp") or 0),
            source_type=source.get("type") or "",
            user_id=user_id,
            chat_id=chat_id,
            reply_token=event.get("replyToken"),
            is_redelivery=bool((event.get("deliveryContext") or {}).get("isRedelivery")),
            message_type=message.get("type"),
            text=clean_text(text) if isinstance(text, str) else None,
            postback_data=_clean_fields(dict(parse_qsl(data, keep_blank_values=True)) if "=" in data
                                        else {"action": data}),
            postback_params=_clean_fields(postback.get("params") or {}),
            is_unblocked=bool((event.get("follow") or {}).get("isUnblocked")),
            latitude=message.get("latitude") if message.get("type") == "location" else None,
            longitude=message.get("longitude") if message.get("type") == "location" else None,
            link_result=_single_line((event.get("link") or {}).get("result")),
            link_nonce=_single_line((event.get("link") or {}).get("nonce")),
            mark_as_read_token=_single_line(message.get("markAsReadToken")),
        )


def _single_line(value) -> str | None:
    return clean_text(value, single_line=True) if isinstance(value, str) else None


def _clean_fields(fields: dict) -> dict:
    """Postback data or parameters: single lines, keys and values (a value that is no text stays)."""
    return {clean_text(str(k), single_line=True): clean_text(v, single_line=True) if isinstance(v, str) else v
            for k, v in fields.items()}


def conversation_key(event: dict) -> str:
    """Whose conversation an event belongs to; one key's events are processed in arrival order."""
    source = event.get("source") or {}
    return source.get("userId") or source.get("groupId") or source.get("roomId") or "-"
