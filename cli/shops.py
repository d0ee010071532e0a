"""`flask --app app shops simulate PLATFORM [order|refund|cancel]`: a simulated shop sends the
running bot a signed webhook, signed with this bot's own secret for that platform (development:
`bin/dev` sets them), so the whole path shows without a real shop."""
from __future__ import annotations

import click
from flask import Blueprint

from core.runtime import runtime
from simulator.shop_sender import BUILDERS, KINDS, send

shops_cli = Blueprint("shops_cli", __name__, cli_group="shops")
SECRET = {"shopify": "SHOPIFY_WEBHOOK_SECRET", "woocommerce": "WOOCOMMERCE_WEBHOOK_SECRET",
          "shopline": "SHOPLINE_APP_SECRET"}


@shops_cli.cli.command("simulate")
@click.argument("platform", type=click.Choice(tuple(BUILDERS)))
@click.argument("kind", type=click.Choice(KINDS), default="order")
@click.option("--order-id", default="1001", show_default=True)
@click.option("--amount", default="1280.00", show_default=True, help="NT$, a decimal string")
@click.option("--member-code", help="given at checkout")
@click.option("--customer-id", help="the platform's customer id")
@click.option("--phone", help="the order's phone number")
def simulate(platform, kind, order_id, amount, member_code, customer_id, phone):
    """Send PLATFORM's signed KIND webhook for an order to this bot (BOT_PUBLIC_URL)."""
    config = runtime().config
    secret = getattr(config, SECRET[platform])
    if not secret:
        raise click.ClickException(f"{SECRET[platform]} is not set: the bot would answer 401")
    shop = config.SHOPIFY_SHOP_DOMAIN or "demo.myshopify.com" if platform == "shopify" else \
        (config.SHOPLINE_MERCHANT_ID or "main") if platform == "shopline" else "shop.example.com"
    answer = send(platform, kind, config.BOT_PUBLIC_URL, secret, order_id, amount, member_code, customer_id, phone, shop)
    click.echo(f"{platform} {kind} of order {order_id}: the bot answered {answer.status_code}"
               + ("; see the console's Shops page" if answer.status_code == 200 else ""))
