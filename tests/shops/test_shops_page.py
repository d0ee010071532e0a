"""The console's Shops page: each platform's URL, a secret shown once, a signed test delivery through
the bot's own endpoint, the last delivery and failures with their reasons, the sweeps' state, and the
online orders without a member."""
from __future__ import annotations

from sqlalchemy import select

from rewards.shops.models import ShopDelivery

from ..console.conftest import login_as  # noqa: F401


def test_only_admins_see_it(login_as):
    assert login_as("marketer").get("/console/shops").status_code == 403


def test_the_page_shows_what_to_paste_and_the_unmatched_orders(login_as, shopify, woo):
    shopify.send("orders/paid", shopify.order())  # nobody: waits
    woo.send("order.updated", None, body=b"{broken")  # recorded as failed
    page = login_as("admin").get("/console/shops").get_data(as_text=True)
    assert "https://bot.example.com/webhooks/shopify" in page
    assert "https://bot.example.com/webhooks/woocommerce" in page and "/webhooks/shopline" in page
    assert "#9999" in page  # the order waiting for its member
    assert "the body is not JSON" in page  # WooCommerce's failure, with its reason


def test_a_test_delivery_goes_through_the_endpoint_signed(rt, login_as):
    admin = login_as("admin")
    for platform in ("shopify", "woocommerce", "shopline"):
        answer = admin.post("/console/shops", {"platform": platform, "what": "test"})
        assert answer.status_code == 302
    with rt.db.session() as s:
        got = s.execute(select(ShopDelivery.platform, ShopDelivery.status).order_by(ShopDelivery.id)).all()
    assert got == [("shopify", "ignored"), ("woocommerce", "ignored"), ("shopline", "ignored")]
    page = admin.get("/console/shops").get_data(as_text=True)
    assert "test/delivery" in page and "shop/update" in page


def test_a_new_secret_is_shown_once(login_as):
    admin = login_as("admin")
    shown = admin.post("/console/shops", {"platform": "woocommerce", "what": "secret"}).get_data(as_text=True)
    assert "shown only this once" in shown
    assert "shown only this once" not in admin.get("/console/shops").get_data(as_text=True)


def test_the_form_needs_its_csrf_token(login_as):
    answer = login_as("admin").post("/console/shops", {"platform": "shopify", "what": "test"}, csrf=False)
    assert answer.status_code in (400, 403)
