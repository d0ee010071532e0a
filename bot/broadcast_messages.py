"""A broadcast's outbox row -> LINE messages (kind `broadcast`; params from messaging/broadcasts.py).

Types: "text" (with {name} filled in), "image" (optional text first), "button" (a card: optional
picture, the text, one link button), "content" (optional text, then the content item's card),
"carousel" (optional text first, then up to 10 cards, each a picture, a title, a few words, a button).
An uploaded picture's preview is its small copy (messaging.images.preview_url).
The console's preview renders with this same function, so staff see what members will get.
"""
from __future__ import annotations

from datetime import datetime

from core import formats
from messaging.images import preview_url
from rewards.settings import ProgramSettings

from . import engagement_messages as em
from . import messages as m
from .texts import Texts

NAME_FIELD = "{name}"


def _own(params: dict, name: str, language: str) -> str:
    own, other = (f"{name}_en", f"{name}_zh") if language == "en" else (f"{name}_zh", f"{name}_en")
    return (params.get(own) or params.get(other) or "").strip()


def _text(params: dict, t: Texts) -> str:
    body = _own(params, "text", t.language)
    # a plain replace, not str.format: staff text may hold other braces
    return body.replace(NAME_FIELD, params.get("name") or t("broadcast.name_fallback"))


def _card(params: dict, t: Texts, body: str) -> dict:
    hero = _hero(params["image_url"]) if params.get("image_url") else None
    button = m.flex_button(m.uri_action(_own(params, "button_label", t.language), params["button_url"]))
    return m.flex_message(body or _own(params, "button_label", t.language),
                          m.flex_bubble(body=[m.flex_text(body, size="md")], hero=hero, footer=[button]))


def _hero(url: str) -> dict:
    return {"type": "image", "url": url, "size": "full", "aspectRatio": "20:13", "aspectMode": "cover"}


def _carousel(params: dict, t: Texts, body: str) -> dict:
    bubbles = []
    for card in params.get("cards") or []:
        title, words = _own(card, "title", t.language), _own(card, "text", t.language)
        button = m.flex_button(m.uri_action(_own(card, "label", t.language), card["url"]))
        contents = [m.flex_text(title, size="md", weight="bold")] + ([m.flex_text(words, size="sm")] if words else [])
        bubbles.append(m.flex_bubble(body=contents, hero=_hero(card["image_url"]), footer=[button]))
    first = _own((params.get("cards") or [{}])[0], "title", t.language)
    return m.flex_message(first or body, m.flex_carousel(bubbles))


def _coupon(params: dict, t: Texts) -> list[dict]:
    """The recipient's own campaign coupon, after the message (none beyond the campaign's limit)."""
    coupon, code = params.get("coupon"), params.get("coupon_code")
    if not coupon or not code:
        return []
    until = coupon.get("valid_until")
    until_text = (formats.day(datetime.fromisoformat(until), t.language) if until
                  else t("broadcast.coupon_days", days=coupon.get("days")))
    return [m.text_message(t("broadcast.coupon", title=_own(coupon, "title", t.language), value=formats.money(coupon["value"]),
                             code=code, until=until_text))]


def render(params: dict, t: Texts, settings: ProgramSettings) -> list[dict]:
    if params.get("language"):  # a test send shows one language each
        t = Texts(params["language"])
    return _message(params, t) + _coupon(params, t)


def _message(params: dict, t: Texts) -> list[dict]:
    kind = params["type"]
    body = _text(params, t)
    if kind == "text":
        return [m.text_message(body)]
    if kind == "image":
        return ([m.text_message(body)] if body else []) + [m.image_message(params["image_url"],
                                                                           preview_url(params["image_url"]))]
    if kind == "carousel":
        return ([m.text_message(body)] if body else []) + [_carousel(params, t, body)]
    if kind == "button":
        return [_card(params, t, body)]
    if kind == "content":
        return ([m.text_message(body)] if body else []) + [em.content_message(params["content"], t)]
    raise ValueError(f"unknown broadcast type {kind!r}")
