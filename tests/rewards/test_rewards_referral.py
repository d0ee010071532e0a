from datetime import timedelta

import pytest

from rewards import ledger, orders, referral
from rewards.codes import ALPHABET
from rewards.errors import (NotAMember, ReferralAlreadyLinked, ReferralCodeNotFound, ReferralLoop, ReferralSelf,
                            ReferralWindowClosed)
from rewards.models import Outbox
from sqlalchemy import select


def buy(session, member, now, settings, external_id, amount=5000):
    return orders.record_fields(session, member, "online", external_id, amount, now, None, None, now, settings)


def test_code_is_assigned_once_short_and_unguessable(session, make_member):
    a, b = make_member(), make_member()
    code = referral.referral_code_for(session, a)
    assert len(code) == 8 and set(code) <= set(ALPHABET)
    assert referral.referral_code_for(session, a) == code
    assert referral.referral_code_for(session, b) != code


def test_link_and_refusals(session, make_member, now, settings):
    a, b, c = make_member(), make_member(), make_member()
    code_a = referral.referral_code_for(session, a)
    with pytest.raises(ReferralSelf):
        referral.link_referral(session, a, code_a, now, settings)
    with pytest.raises(ReferralCodeNotFound):
        referral.link_referral(session, b, "NOPE2345", now, settings)
    assert referral.link_referral(session, b, code_a.lower(), now, settings).id == a.id
    assert (b.referred_by_id, b.referred_at) == (a.id, now)
    assert referral.link_referral(session, b, code_a, now, settings).id == a.id  # same again: harmless
    with pytest.raises(ReferralAlreadyLinked):
        referral.link_referral(session, b, referral.referral_code_for(session, c), now, settings)
    with pytest.raises(ReferralLoop):  # A→B→A
        referral.link_referral(session, a, referral.referral_code_for(session, b), now, settings)
    referral.link_referral(session, c, referral.referral_code_for(session, b), now, settings)  # B→C
    with pytest.raises(ReferralLoop):  # A→B→C→A
        referral.link_referral(session, a, referral.referral_code_for(session, c), now, settings)


def test_link_only_within_the_window_and_for_members(session, make_member, now, settings):
    a = make_member()
    late = make_member(joined_days_ago=settings.referral_link_days + 1)
    with pytest.raises(ReferralWindowClosed):
        referral.link_referral(session, late, referral.referral_code_for(session, a), now, settings)
    friend = make_member(status="friend")
    with pytest.raises(NotAMember):
        referral.link_referral(session, friend, referral.referral_code_for(session, a), now, settings)


def test_first_order_pays_both_once(session, make_member, now, settings):
    a, b = make_member(), make_member()
    referral.link_referral(session, b, referral.referral_code_for(session, a), now, settings)
    r = buy(session, b, now, settings, "F-1")
    assert r.referral_bonus == 100 and r.balance == 50 + 100
    assert (a.balance, b.balance) == (100, 150)
    buy(session, b, now, settings, "F-2")
    assert (a.balance, b.balance) == (100, 200)
    notice = session.scalar(select(Outbox).where(Outbox.kind == "referral_bonus"))
    assert notice.member_id == a.id and notice.params["points"] == 100


def test_linking_after_the_first_order_pays_at_linking(session, make_member, now, settings):
    a, b = make_member(), make_member()
    buy(session, b, now, settings, "E-1")
    referral.link_referral(session, b, referral.referral_code_for(session, a), now, settings)
    assert (a.balance, b.balance) == (100, 150)


def test_refund_of_the_first_order_takes_both_bonuses_back(session, make_member, now, settings):
    a, b = make_member(), make_member()
    referral.link_referral(session, b, referral.referral_code_for(session, a), now, settings)
    o = buy(session, b, now, settings, "G-1").order
    ledger.debit(session, a, 60, "redeem", "redeem_reward", {"cost": 60}, "a-spends", now)  # A spent some
    rf = orders.refund(session, o, "R1", 5000, now + timedelta(days=3), settings)
    assert rf.referral_points_reversed == 100 + 40
    assert (a.balance, b.balance) == (0, 0)
    assert ledger.entry_for_key(session, referral.referrer_key(b.id) + ":revoked").shortfall == 60
    # a second refund changes nothing more
    o2 = buy(session, b, now, settings, "G-2")
    assert o2.referral_bonus == 0


def test_refund_after_the_window_keeps_the_bonuses(session, make_member, now, settings):
    a, b = make_member(), make_member()
    referral.link_referral(session, b, referral.referral_code_for(session, a), now, settings)
    o = buy(session, b, now, settings, "H-1").order
    orders.refund(session, o, "R1", 5000, now + timedelta(days=settings.refund_window_days + 1), settings)
    assert (a.balance, b.balance) == (100, 100)
