"""A verified email names an online order's member (issue 20, point 2.4), end to end: the member
verifies the address on the profile page (the code by SMTP to a real mail server in its own
process), then Shopify's signed golden orders/paid with that address is credited to them; and an
order that waited in "online orders without a member" is credited when the address is verified."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from rewards.models import MemberLink, Order
from rewards.shops.models import ShopOrder

from ..liff.email_steps import EmailSteps
from ..mail_server import mail_server
from .conftest import balance, rows

CUSTOMER = "115310627314723954"


@pytest.fixture
def mail(tmp_path):
    with mail_server(tmp_path / "mail") as running:
        yield running


@pytest.fixture
def shop_settings(mail):
    return mail.settings()


@pytest.fixture
def steps(client, line, mail):
    return EmailSteps(client, line, mail)


def paid(shopify, email: str, order_id: int = 820982911946154508, total: str = "1280.00", customer_id=int(CUSTOMER)):
    order = shopify.order(order_id=order_id, total=total, customer_id=customer_id)
    order["email"] = order["contact_email"] = email
    return order


def test_an_order_with_a_verified_email_is_credited_and_links_the_customer(rt, shopify, steps, make_member):
    member = make_member()
    assert steps.verify(member.line_user_id, "Jon@Example.com").status_code == 200
    assert shopify.send("orders/paid", paid(shopify, "JON@example.com ")).status_code == 200
    assert balance(rt, member) == 12  # NT$1,280 less NT$80 shipping
    assert rows(rt, select(ShopOrder.status, ShopOrder.matched_by, ShopOrder.email)) == [("credited", "email", None)]
    assert rows(rt, select(MemberLink.member_id, MemberLink.customer_id)) == [(member.id, CUSTOMER)]
    assert rows(rt, select(Order.channel, Order.store_id)) == [("online", "shopify")]
    # the next order of that customer matches by the link, whatever its email
    shopify.send("orders/paid", paid(shopify, "other@example.com", order_id=5, total="580.00"))
    assert balance(rt, member) == 17
    assert rows(rt, select(ShopOrder.matched_by).where(ShopOrder.external_id == "5")) == [("link",)]


def test_an_unverified_email_names_nobody(rt, shopify, steps, make_member):
    member = make_member()
    assert steps.ask(member.line_user_id, "jon@example.com").status_code == 200  # a code mailed, never typed
    shopify.send("orders/paid", paid(shopify, "jon@example.com"))
    assert balance(rt, member) == 0
    assert rows(rt, select(ShopOrder.status)) == [("waiting",)]


def test_a_waiting_order_is_credited_when_its_email_is_verified(rt, client, shopify, steps, make_member, clock):
    shopify.send("orders/paid", paid(shopify, "jon@example.com"))
    assert rows(rt, select(ShopOrder.status, ShopOrder.email)) == [("waiting", "jon@example.com")]
    member = make_member()
    clock.advance(timedelta(days=12))
    verified = steps.verify(member.line_user_id, "JON@example.com")
    assert verified.status_code == 200 and verified.json["credited"] == 1
    assert "1 online order" in verified.json["message"] or "1 筆" in verified.json["message"]
    assert balance(rt, member) == 12
    assert rows(rt, select(ShopOrder.status, ShopOrder.matched_by, ShopOrder.email, ShopOrder.contact)) == \
        [("credited", "email", None, None)]
    assert rows(rt, select(MemberLink.member_id, MemberLink.customer_id)) == [(member.id, CUSTOMER)]
    # the order is credited once: the same delivery again changes nothing
    shopify.send("orders/paid", paid(shopify, "jon@example.com"))
    assert balance(rt, member) == 12


def test_an_order_older_than_the_claim_days_is_not_claimed_by_a_later_verification(rt, shopify, steps, make_member, clock):
    shopify.send("orders/paid", paid(shopify, "jon@example.com"))
    clock.advance(timedelta(days=31))
    member = make_member()
    verified = steps.verify(member.line_user_id, "jon@example.com")
    assert verified.status_code == 200 and verified.json["credited"] == 0
    assert balance(rt, member) == 0
