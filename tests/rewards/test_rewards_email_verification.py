"""Email verification's rules (rewards/email_verification.py on rewards/one_time_codes.py), with the
clock in the test's hand, and what a verified address does to online orders (rewards/shops/crediting.py)."""
from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from core import emails
from rewards import email_verification as ev
from rewards import ledger, membership
from rewards.models import EmailCode, MemberLink
from rewards.settings import ProgramSettings
from rewards.shops import crediting
from rewards.shops.events import Contact, PlacedOrder
from rewards.shops.models import ShopOrder

from rewards_testkit import NOW

KEY = ev.code_key("test-secret")
POLICY = ev.Policy()
SETTINGS = ProgramSettings()
SHOP = crediting.ShopSettings()


def sent(session, member, now=NOW, text="Jon@Example.com", code="123456") -> ev.Issued:
    issued = ev.issue(session, member, text, now, POLICY, KEY, code=code)
    ev.mark_sent(session, issued.code_id, "smtp", "ref", now)
    return issued


def refused(fn, *args, **kw) -> ev.Refused:
    with pytest.raises(ev.Refused) as caught:
        fn(*args, **kw)
    return caught.value


def check(session, member, text, now=NOW):
    return ev.check(session, member, text, now, POLICY, KEY, SETTINGS, SHOP.claim_days)


def order(email: str | None, order_id: str = "1001", phone: str | None = None, customer_id: str = "C-7",
          amount: str = "1200") -> PlacedOrder:
    return PlacedOrder("shopify", "demo.myshopify.com", order_id, "#" + order_id,
                       Contact(customer_id=customer_id, phone=phone, email=email), Decimal(amount), Decimal("0"),
                       Decimal("0"), "TWD", NOW - timedelta(hours=1))


@pytest.mark.parametrize("typed, stored", [("Jon@Example.COM", "jon@example.com"), ("  jon@example.com\n", "jon@example.com"),
                                           ("ＪＯＮ＠example．com", "jon@example.com"), ("jon@exam ple.com", None), ("jon＠example．com", "jon@example.com")])
def test_an_address_is_stored_stripped_and_lower_cased(typed, stored):
    if stored is None:
        with pytest.raises(emails.EmailError):
            emails.normalise(typed)
    else:
        assert emails.normalise(typed) == stored


@pytest.mark.parametrize("typed, code", [("", "empty"), ("   ", "empty"), ("jon", "invalid"), ("jon@example", "invalid"),
                                         ("jon @example.com", "invalid"), ("a@b@example.com", "invalid"),
                                         ("x" * 65 + "@example.com", "invalid"), ("jon@" + "d" * 250 + ".tw", "invalid")])
def test_a_text_that_is_no_address_is_refused_with_its_reason_and_makes_no_code(session, make_member, typed, code):
    member = make_member()
    assert refused(ev.issue, session, member, typed, NOW, POLICY, KEY).code == code
    assert session.scalar(select(EmailCode.id)) is None


def test_the_right_code_verifies_the_address_lower_cased_with_its_time(session, make_member):
    member = make_member()
    issued = sent(session, member)
    assert issued.email == "jon@example.com" and issued.masked == "j***@example.com"
    verified = check(session, member, "123 456", NOW + timedelta(minutes=3))
    assert verified.email == "jon@example.com" and verified.credited == 0
    assert (member.email, member.email_verified_at) == ("jon@example.com", NOW + timedelta(minutes=3))
    assert membership.by_verified_email(session, "jon@example.com").id == member.id
    assert session.get(EmailCode, issued.code_id).status == "used"


def test_the_code_is_stored_only_as_an_hmac_keyed_from_the_secret(session, make_member):
    member = make_member()
    issued = ev.issue(session, member, "jon@example.com", NOW, POLICY, KEY)
    row = session.get(EmailCode, issued.code_id)
    assert issued.code not in row.code_hash and len(row.code_hash) == 64 and issued.code.isdigit()
    assert issued.code not in repr(issued) and issued.email not in repr(issued) and issued.email not in repr(row)
    assert ev.code_key("test-secret") != ev.code_key("other-secret")
    from rewards import phone_verification
    assert ev.code_key("test-secret") != phone_verification.code_key("test-secret")  # a key per purpose


def test_the_code_expires_and_wrong_guesses_are_limited(session, make_member):
    member = make_member()
    sent(session, member)
    assert [refused(check, session, member, "000000").params["left"] for _ in range(4)] == [4, 3, 2, 1]
    assert refused(check, session, member, "000000").code == "attempts_used"
    assert refused(check, session, member, "123456").code == "attempts_used"
    later = NOW + timedelta(minutes=1)
    sent(session, member, now=later, code="654321")
    assert refused(check, session, member, "654321", later + timedelta(minutes=10)).code == "expired"
    assert member.email_verified_at is None


def test_a_new_code_waits_a_minute_and_the_daily_limits_hold(session, make_member):
    member = make_member()
    sent(session, member)
    assert refused(ev.issue, session, member, "jon@example.com", NOW + timedelta(seconds=20), POLICY, KEY).params == {"seconds": 40}
    for i in range(1, 5):
        sent(session, member, now=NOW + timedelta(minutes=i))
    assert refused(ev.issue, session, member, "jon@example.com", NOW + timedelta(minutes=6), POLICY, KEY).code == "number_limit"
    assert refused(ev.issue, session, member, "other@example.com", NOW + timedelta(minutes=6), POLICY, KEY).code == "member_limit"


def test_an_address_another_member_verified_is_refused_after_its_code(session, make_member):
    first, second = make_member(), make_member()
    sent(session, first)
    check(session, first, "123456")
    sent(session, second, text="JON@example.com ", code="222222")
    assert refused(check, session, second, "222222").code == "taken"
    assert second.email is None and second.email_verified_at is None
    assert refused(ev.issue, session, first, "jon@example.com", NOW + timedelta(minutes=2), POLICY, KEY).code == "already_verified"
    assert refused(check, session, first, "123456").code == "replayed"


def test_an_erased_member_frees_the_address_and_forgets_it_in_the_codes(session, make_member):
    from privacy.erasure import erase_member
    first, second = make_member(), make_member()
    sent(session, first)
    check(session, first, "123456")
    erase_member(session, first, NOW + timedelta(minutes=1))
    assert (first.email, first.email_verified_at) == (None, None)
    assert session.scalars(select(EmailCode.email).where(EmailCode.member_id == first.id)).all() == [None]
    sent(session, second, now=NOW + timedelta(minutes=2), code="222222")
    assert check(session, second, "222222", NOW + timedelta(minutes=3)).email == "jon@example.com"


def test_an_order_with_a_verified_email_is_credited_fourth_and_links_its_customer(session, make_member):
    member = make_member()
    sent(session, member)
    check(session, member, "123456")
    outcome = crediting.place(session, order("JON@example.com"), NOW, SETTINGS, SHOP)
    assert outcome.code == "credited" and ledger.balance_of(session, member.id) == outcome.points > 0
    assert session.scalar(select(ShopOrder.matched_by)) == "email"
    assert session.scalar(select(MemberLink.member_id).where(MemberLink.customer_id == "C-7")) == member.id


def test_a_verified_phone_comes_before_a_verified_email(session, make_member):
    by_email, by_phone = make_member(), make_member()
    sent(session, by_email)
    check(session, by_email, "123456")
    by_phone.phone, by_phone.phone_verified_at = "+886912345678", NOW
    session.flush()
    crediting.place(session, order("jon@example.com", phone="0912-345-678"), NOW, SETTINGS, SHOP)
    assert session.scalar(select(ShopOrder.matched_by)) == "phone"
    assert ledger.balance_of(session, by_phone.id) > 0 and ledger.balance_of(session, by_email.id) == 0


def test_an_unverified_email_names_nobody(session, make_member):
    member = make_member()
    sent(session, member)  # a code sent, never typed back
    member.email = "jon@example.com"
    assert crediting.place(session, order("jon@example.com"), NOW, SETTINGS, SHOP).code == "waiting"


def test_orders_waiting_with_the_address_are_claimed_when_it_is_verified_within_the_claim_days(session, make_member):
    member = make_member()
    old = crediting.place(session, order("jon@example.com", "1", customer_id="C-1"), NOW - timedelta(days=31), SETTINGS, SHOP)
    fresh = crediting.place(session, order("Jon@Example.com", "2", customer_id="C-2"), NOW - timedelta(days=29), SETTINGS, SHOP)
    other = crediting.place(session, order("amy@example.com", "3", customer_id="C-3"), NOW, SETTINGS, SHOP)
    assert {old.code, fresh.code, other.code} == {"waiting"}
    assert sorted(session.scalars(select(ShopOrder.email))) == ["amy@example.com", "jon@example.com", "jon@example.com"]
    sent(session, member)
    verified = check(session, member, "123456")
    assert verified.credited == 1 and ledger.balance_of(session, member.id) > 0
    rows = {r.external_id: r for r in session.scalars(select(ShopOrder))}
    assert (rows["2"].status, rows["2"].matched_by, rows["2"].email, rows["2"].contact) == ("credited", "email", None, None)
    assert rows["1"].status == "waiting" and rows["3"].status == "waiting"  # the sweep expires "1"
    assert session.scalar(select(MemberLink.member_id).where(MemberLink.customer_id == "C-2")) == member.id
    crediting.claim_waiting(session, NOW, SETTINGS, SHOP)
    session.expire_all()
    assert session.get(ShopOrder, rows["1"].id).status == "expired" and session.get(ShopOrder, rows["1"].id).email is None
