"""News: the latest content items as a carousel, and "read more" on one of them."""
from __future__ import annotations

from bot import engagement_messages as em
from bot import messages as m
from bot.dispatch import Context, Router, shows_loading
from content import interests, picks

from .common import standard_quick_replies

router = Router("news")

NEWS_ITEMS = 6


@router.on_request("news")
@shows_loading
def news(ctx: Context):
    items = picks.latest_for(ctx.session, ctx.member, ctx.now, NEWS_ITEMS)
    if not items:
        return [m.text_message(ctx.t("news.none"), standard_quick_replies(ctx))]
    return [em.news_carousel(items, ctx.t)]


@router.on_postback("content_open")
def content_open(ctx: Context):
    """The whole item; opening it counts towards the member's interests."""
    try:
        content_id = int(ctx.event.postback_data.get("id", ""))
    except ValueError:
        content_id = 0
    item = interests.open_item(ctx.session, ctx.member, content_id, ctx.now)
    if item is None:
        return [m.text_message(ctx.t("content.gone"), standard_quick_replies(ctx))]
    return [em.content_message(picks.snapshot(item), ctx.t, full=True)]
