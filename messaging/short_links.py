"""Short links in broadcasts: every https address a broadcast sends (its button, its cards' buttons, and addresses in its
text) goes out as {BOT_PUBLIC_URL}/l/{token}; the bot counts the click per link and redirects.

The token is random and stands for (broadcast, address) only: nothing in it, or in what is stored
when someone clicks, says who clicked.
"""
from __future__ import annotations

import re
import secrets
from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from messaging.models import Broadcast, ShortLink

# an address runs to a space or CJK punctuation, and does not end in a sentence's own punctuation
URL = re.compile(r"https://[^\s<>\"'，。！？、；：）」』】]*[^\s<>\"'，。！？、；：）」』】.,!?;:)]")
PATH = "/l/"


def addresses(b: Broadcast, variant: str = "") -> list[str]:
    """The addresses variant `variant` of the broadcast sends (its only message without an A/B test)."""
    own = next((v for v in (b.variants or []) if v["key"] == variant and variant not in ("", "A")), None)
    button_url = own.get("button_url") if own else b.button_url
    texts = (own.get("text_zh") or "", own.get("text_en") or "") if own else (b.text_zh or "", b.text_en or "")
    found = [button_url] if b.message_type == "button" and button_url else []
    if b.message_type == "carousel":
        found += [c["url"] for c in (b.cards or []) if c.get("url")]
    for text in texts:
        found += URL.findall(text)
    return list(dict.fromkeys(found))


def shorten(session: Session, b: Broadcast, now: datetime) -> None:
    """A token for every address of each variant of the broadcast (made once; kept when scheduled
    again): clicks are counted per variant."""
    have = {(link.variant, link.url) for link in session.scalars(select(ShortLink).where(ShortLink.broadcast_id == b.id))}
    for variant in ([v["key"] for v in b.variants] if b.variants else [""]):
        for url in addresses(b, variant):
            if (variant, url) not in have:
                session.add(ShortLink(token=secrets.token_urlsafe(6), broadcast_id=b.id, variant=variant, url=url,
                                      clicks=0, created_at=now))
                have.add((variant, url))
    session.flush()


def rewrite(params: dict, tokens: dict[str, str], base_url: str) -> dict:
    """The outbox params with each tracked address replaced by its short link."""
    if not tokens or not base_url:
        return params
    base = base_url.rstrip("/") + PATH
    out = dict(params)
    if out.get("button_url") in tokens:
        out["button_url"] = base + tokens[out["button_url"]]
    if out.get("cards"):
        out["cards"] = [c | {"url": base + tokens[c["url"]]} if c.get("url") in tokens else c for c in out["cards"]]
    for key in ("text_zh", "text_en"):
        if out.get(key):
            out[key] = URL.sub(lambda m: base + tokens[m.group(0)] if m.group(0) in tokens else m.group(0), out[key])
    return out


def follow(session: Session, token: str) -> str | None:
    """Count one click and return where it goes (None: no such link)."""
    if not token or len(token) > 16:
        return None
    url = session.scalar(select(ShortLink.url).where(ShortLink.token == token))
    if url is not None:
        session.execute(update(ShortLink).where(ShortLink.token == token).values(clicks=ShortLink.clicks + 1))
    return url


def clicks(session: Session, broadcast_id: int) -> int:
    return int(session.scalar(select(func.coalesce(func.sum(ShortLink.clicks), 0))
                              .where(ShortLink.broadcast_id == broadcast_id)) or 0)


def clicks_by_variant(session: Session, broadcast_id: int) -> dict[str, int]:
    return {variant: int(n) for variant, n in session.execute(
        select(ShortLink.variant, func.sum(ShortLink.clicks)).where(ShortLink.broadcast_id == broadcast_id)
        .group_by(ShortLink.variant))}
