"""Builders for LINE message objects, as plain dicts in the Messaging API's JSON shape.

They enforce LINE's limits (label length, quick reply count, ...) so a long name or a translated
label can never make LINE reject a whole reply.
"""
from __future__ import annotations

from urllib.parse import urlencode

MAX_LABEL = 20
MAX_QUICK_REPLIES = 13
MAX_TEXT = 5000
MAX_ALT_TEXT = 1500
MAX_MESSAGES = 5


def _clip(value: str, limit: int) -> str:
    return value if len(value) <= limit else value[: limit - 1] + "…"


def _with_given(target: dict, **optional) -> dict:
    """`target` plus each optional value that was given (None and "" leave the key out)."""
    target.update({key: value for key, value in optional.items() if value})
    return target


def postback_data(action: str, **fields) -> str:
    return urlencode({"action": action, **{k: v for k, v in fields.items() if v is not None}})


# -- actions
def postback_action(label: str, action: str, display_text: str | None = None, **fields) -> dict:
    result = {"type": "postback", "label": _clip(label, MAX_LABEL), "data": postback_data(action, **fields)}
    if display_text:
        result["displayText"] = _clip(display_text, 300)
    return result


def message_action(label: str, text: str) -> dict:
    return {"type": "message", "label": _clip(label, MAX_LABEL), "text": _clip(text, 300)}


def uri_action(label: str, uri: str) -> dict:
    return {"type": "uri", "label": _clip(label, MAX_LABEL), "uri": uri}


def date_picker_action(label: str, action: str, initial: str | None = None, max_date: str | None = None,
                       min_date: str | None = None, **fields) -> dict:
    return _with_given({"type": "datetimepicker", "label": _clip(label, MAX_LABEL),
                        "data": postback_data(action, **fields), "mode": "date"},
                       initial=initial, max=max_date, min=min_date)


def quick_reply(actions: list[dict]) -> dict:
    return {"items": [{"type": "action", "action": a} for a in actions[:MAX_QUICK_REPLIES]]}


# -- messages
def text_message(text: str, quick_replies: list[dict] | None = None) -> dict:
    message = {"type": "text", "text": _clip(text, MAX_TEXT)}
    if quick_replies:
        message["quickReply"] = quick_reply(quick_replies)
    return message


def flex_message(alt_text: str, contents: dict, quick_replies: list[dict] | None = None) -> dict:
    message = {"type": "flex", "altText": _clip(alt_text, MAX_ALT_TEXT), "contents": contents}
    if quick_replies:
        message["quickReply"] = quick_reply(quick_replies)
    return message


def image_message(url: str, preview_url: str | None = None) -> dict:
    return {"type": "image", "originalContentUrl": url, "previewImageUrl": preview_url or url}


def sticker_message(package_id: str, sticker_id: str) -> dict:
    return {"type": "sticker", "packageId": str(package_id), "stickerId": str(sticker_id)}


# -- flex components
def flex_text(text: str, size: str | None = None, weight: str | None = None, color: str | None = None,
              wrap: bool = True, **extra) -> dict:
    return _with_given({"type": "text", "text": text or " ", "wrap": wrap}, size=size, weight=weight, color=color) \
        | extra


def flex_box(contents: list[dict], layout: str = "vertical", **extra) -> dict:
    return {"type": "box", "layout": layout, "contents": contents, **extra}


def flex_button(action: dict, style: str = "primary", **extra) -> dict:
    return {"type": "button", "action": action, "style": style, **extra}


def flex_bubble(body: list[dict], header: list[dict] | None = None, footer: list[dict] | None = None,
                hero: dict | None = None, size: str | None = None) -> dict:
    bubble: dict = {"type": "bubble"}
    if size:
        bubble["size"] = size
    if header:
        bubble["header"] = flex_box(header)
    if hero:
        bubble["hero"] = hero
    bubble["body"] = flex_box(body, spacing="md")
    if footer:
        bubble["footer"] = flex_box(footer, spacing="sm")
    return bubble


def flex_carousel(bubbles: list[dict]) -> dict:
    return {"type": "carousel", "contents": bubbles[:12]}
