"""SHOPLINE's orders the webhooks missed (it resends at most 3 times): read from its Open API's order
listing and credited the webhooks' way (rewards/shops/catch_up.py). Nothing to do unless
SHOPLINE_API_URL and SHOPLINE_ACCESS_TOKEN are set."""
from __future__ import annotations

from functools import partial

from flask import current_app

from rewards.shops import catch_up, deliveries, shopline


def run(rt, now) -> str:
    config = rt.config
    if not (config.SHOPLINE_API_URL and config.SHOPLINE_ACCESS_TOKEN):
        return "SHOPLINE's Open API is not set"
    shop_settings = current_app.extensions["shop_settings"]
    shop = config.SHOPLINE_MERCHANT_ID or "main"

    def handle(session, order):
        try:
            event = shopline.events_of_order(shop, order)
        except ValueError as exc:  # a PayloadError or an unreadable amount: counted, the rest goes on
            return f"unreadable ({str(exc)[:40]})"
        return deliveries.apply(session, event, now, rt.settings, shop_settings).code

    fetch = partial(catch_up.shopline_page, config.SHOPLINE_API_URL, config.SHOPLINE_ACCESS_TOKEN,
                    timeout=config.SHOP_HTTP_TIMEOUT_SECONDS)
    return catch_up.sweep(partial(rt.db.run, write=True), "shopline", now, lambda since, page: fetch(since, page),
                          handle, lambda order: catch_up.modified_of(order, "updated_at"))
