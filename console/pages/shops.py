"""Admins connect the online shops (Shopify, WooCommerce, SHOPLINE): each platform's URL to paste,
a secret shown once, a signed test delivery, the last delivery and recent failures with their
reasons, the catch-up sweep's state; and the online orders without a member."""
from __future__ import annotations

import secrets

from flask import current_app, flash, redirect, render_template, request, url_for

from core import metrics
from core.runtime import runtime
from rewards.shops import crediting, deliveries, probes
from rewards.shops.catch_up import state
from rewards.shops.models import PLATFORMS

from ..auth import requires
from ..blueprint import bp
from ..web import db_session, now, record

# per platform: the variable holding its secret, and what names the shop
SECRET_VARIABLE = {"shopify": "SHOPIFY_WEBHOOK_SECRET", "woocommerce": "WOOCOMMERCE_WEBHOOK_SECRET",
                   "shopline": "SHOPLINE_APP_SECRET"}
SWEPT = {"woocommerce": "WOOCOMMERCE_URL", "shopline": "SHOPLINE_API_URL"}


def _secrets() -> dict[str, str]:
    config = runtime().config
    return {platform: getattr(config, name) for platform, name in SECRET_VARIABLE.items()}


def _shop(platform: str) -> str:
    config = runtime().config
    return {"shopify": config.SHOPIFY_SHOP_DOMAIN, "woocommerce": config.WOOCOMMERCE_URL or "https://shop.example.com",
            "shopline": config.SHOPLINE_MERCHANT_ID or "main"}[platform]


def _page(new_secret: tuple[str, str] | None = None):
    config = runtime().config
    base = (config.BOT_PUBLIC_URL or "").rstrip("/")
    with db_session() as s:
        platforms = [{
            "name": platform, "title": crediting.NAMES[platform], "url": f"{base}/webhooks/{platform}",
            "variable": SECRET_VARIABLE[platform], "configured": bool(_secrets()[platform]),
            "last": deliveries.last_of(s, platform), "failures": deliveries.failures_of(s, platform),
            "refused": metrics.shop_tallies(platform).get("refused", 0),
            "swept": bool(getattr(config, SWEPT[platform], "")) if platform in SWEPT else None,
            "sweep": state(s, platform)} for platform in PLATFORMS]
        waiting = crediting.waiting(s)
        return render_template("console/shops.html", platforms=platforms, waiting=waiting, new_secret=new_secret,
                               claim_days=current_app.extensions["shop_settings"].claim_days)


@bp.route("/shops")
@requires("manage_shops")
def shops():
    return _page()


@bp.route("/shops", methods=["POST"])
@requires("manage_shops")
def shop_action():
    platform = request.form.get("platform", "")
    if platform not in PLATFORMS:
        flash("沒有這個平台。No such platform.", "error")
        return redirect(url_for("console.shops"))
    if request.form.get("what") == "secret":
        with db_session() as s:
            record(s, "shops.secret_shown", f"shop:{platform}")
        # shown once, on this response only; the bot keeps its secrets in the environment alone
        return _page((platform, secrets.token_urlsafe(32)))
    if not _secrets()[platform]:
        flash(f"先設定 {SECRET_VARIABLE[platform]}。Set {SECRET_VARIABLE[platform]} first.", "error")
        return redirect(url_for("console.shops"))
    path, body, headers = probes.signed(platform, _secrets(), _shop(platform), now())
    # through the bot's own endpoint, as the platform would post it (no unit of work is open here)
    answer = current_app.test_client().post(path, data=body, headers={**headers, "Content-Type": "application/json"})
    with db_session() as s:
        record(s, "shops.test_delivery", f"shop:{platform}", {"status": answer.status_code})
    if answer.status_code == 200:
        flash(f"測試傳送已收到（{answer.status_code}）。The test delivery was received and recorded.", "ok")
    else:
        flash(f"測試傳送被拒（{answer.status_code}）。The test delivery was refused ({answer.status_code}).", "error")
    return redirect(url_for("console.shops"))
