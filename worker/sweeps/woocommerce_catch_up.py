"""WooCommerce's orders the webhooks missed (it disables a webhook after 5 failures and never
retries): read from its REST API and credited the webhooks' way (rewards/shops/catch_up.py).
Nothing to do unless WOOCOMMERCE_URL and its consumer key and secret are set."""
from __future__ import annotations

from functools import partial

from flask import current_app

from rewards.shops import catch_up, deliveries, woocommerce


def run(rt, now) -> str:
    config = rt.config
    if not (config.WOOCOMMERCE_URL and config.WOOCOMMERCE_CONSUMER_KEY and config.WOOCOMMERCE_CONSUMER_SECRET):
        return "WooCommerce's REST API is not set"
    shop_settings = current_app.extensions["shop_settings"]
    shop = woocommerce.shop_of(config.WOOCOMMERCE_URL)

    def handle(session, order):
        try:
            found = woocommerce.events_of_order(shop, order, shop_settings.paid_status)
        except ValueError as exc:  # a PayloadError or an unreadable amount: counted, the rest goes on
            return f"unreadable ({str(exc)[:40]})"
        outcomes = [deliveries.apply(session, event, now, rt.settings, shop_settings) for event in found]
        return outcomes[0].code

    fetch = partial(catch_up.woocommerce_page, config.WOOCOMMERCE_URL, config.WOOCOMMERCE_CONSUMER_KEY,
                    config.WOOCOMMERCE_CONSUMER_SECRET, timeout=config.SHOP_HTTP_TIMEOUT_SECONDS)
    return catch_up.sweep(partial(rt.db.run, write=True), "woocommerce", now,
                          lambda since, page: fetch(since, page), handle, catch_up.modified_of)
