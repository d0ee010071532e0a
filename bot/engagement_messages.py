"""Messages of the engagement features: the birthday card, content cards, the news carousel and the
survey question. Built from plain dicts (outbox params, or a content item's `picks.snapshot`), so
the outbox renderers and the chat handlers show the very same thing."""
from __future__ import annotations

from datetime import date

from core import formats

from . import messages as m
from .texts import Texts

EXCERPT = 90  # characters of the body on a card; "read more" shows the rest
ACCENT = "#b5651d"


def _pick(item: dict, name: str, language: str) -> str:
    own, other = (f"{name}_en", f"{name}_zh") if language == "en" else (f"{name}_zh", f"{name}_en")
    return item.get(own) or item.get(other) or ""


def _excerpt(body: str) -> str:
    first = body.strip().split("\n\n")[0].replace("\n", " ")
    return first if len(first) <= EXCERPT else first[:EXCERPT - 1] + "…"


# -- birthday --------------------------------------------------------------------------------------

def birthday_card(params: dict, t: Texts) -> dict:
    """The birthday coupon as a flex card: greeting, value, code, last day."""
    value = formats.money(int(params["value"]))
    last_day = formats.day(date.fromisoformat(params["last_day"]), t.language)
    bubble = m.flex_bubble(
        header=[m.flex_text(t("birthday.card.title"), size="xl", weight="bold", color=ACCENT)],
        body=[m.flex_text(t("birthday.card.body", value=value), size="md"),
              m.flex_text(t("coupons.value", value=value), size="xxl", weight="bold", color="#c0392b", align="center"),
              m.flex_text(t("coupons.code", code=params["code"]), size="lg", weight="bold", align="center"),
              m.flex_text(t("coupons.until", date=last_day), size="sm", color="#888888", align="center"),
              m.flex_text(t("birthday.card.how"), size="xs", color="#888888", align="center")],
        footer=[m.flex_button(m.postback_action(t("qr.coupons"), "coupons", display_text=t("qr.coupons")),
                              style="secondary")])
    return m.flex_message(t("birthday.card.alt", value=value, code=params["code"]), bubble)


# -- content ---------------------------------------------------------------------------------------

def content_bubble(item: dict, t: Texts, full: bool = False) -> dict:
    """One content item: picture, kind, title, an excerpt with "read more" (or the whole body), link."""
    lang = t.language
    body = _pick(item, "body", lang)
    rows = [m.flex_text(t(f"content.kind.{item.get('kind') or 'story'}"), size="xs", color=ACCENT, weight="bold"),
            m.flex_text(_pick(item, "title", lang), size="lg", weight="bold"),
            m.flex_text(body.strip() if full else _excerpt(body), size="sm", color="#555555")]
    footer = []
    if not full:
        footer.append(m.flex_button(m.postback_action(t("content.read_more"), "content_open",
                                                      display_text=t("content.read_more"), id=item["content_id"])))
    if item.get("link_url"):
        footer.append(m.flex_button(m.uri_action(t("content.open_link"), item["link_url"]), style="link"))
    hero = ({"type": "image", "url": item["image_url"], "size": "full", "aspectRatio": "20:13", "aspectMode": "cover"}
            if item.get("image_url") else None)
    return m.flex_bubble(body=rows, hero=hero, footer=footer or None, size="kilo" if not full else None)


def content_message(item: dict, t: Texts, full: bool = False) -> dict:
    return m.flex_message(_pick(item, "title", t.language), content_bubble(item, t, full))


def news_carousel(items: list[dict], t: Texts) -> dict:
    titles = "、".join(_pick(i, "title", t.language) for i in items) if t.language != "en" else \
        "; ".join(_pick(i, "title", t.language) for i in items)
    return m.flex_message(t("news.alt", titles=titles), m.flex_carousel([content_bubble(i, t) for i in items]))


# -- surveys ---------------------------------------------------------------------------------------

def survey_question(params: dict, t: Texts) -> dict:
    """"How was your visit?" with quick replies 1-5."""
    store = params.get("store_id")
    if params.get("channel") == "online":
        question = t("survey.invite.online")
    else:
        question = t("survey.invite.store", store=store) if store else t("survey.invite.visit")
    invitation = params["invitation_id"]
    return m.text_message(question, [
        m.postback_action(t("survey.rating", n=n), "survey_rate", display_text="★" * n, inv=invitation, r=n)
        for n in range(1, 6)])
