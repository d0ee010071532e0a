from datetime import timedelta

import pytest
from sqlalchemy import func, select

from rewards import coupons
from rewards.codes import ALPHABET, normalise, random_code
from rewards.errors import CouponAlreadyRedeemed, CouponExpired, CouponNotFound, CouponNotYetValid
from rewards.models import Coupon

TITLES = ("生日禮 NT$100", "Birthday NT$100 off")


def give(session, member, now, key=None, kind="birthday", days=30, **kw):
    return coupons.issue(session, member, kind, 100, now + timedelta(days=days), now, TITLES, key, **kw)


def test_codes_are_long_random_and_without_look_alikes():
    codes = {random_code(12) for _ in range(2000)}
    assert len(codes) == 2000
    assert all(len(c) == 12 and set(c) <= set(ALPHABET) for c in codes)
    assert not set("0O1IL") & set(ALPHABET)
    assert normalise(" abcd-efgh ") == "ABCDEFGH"


def test_issue(session, make_member, now):
    m = make_member()
    c = give(session, m, now)
    assert len(c.code) >= 10 and c.kind == "birthday" and c.value == 100 and c.valid_from == now
    assert (c.title("zh-TW"), c.title("en")) == TITLES and c.redeemed_at is None
    assert c.code not in repr(c)


def test_uniqueness_keys_are_enforced(session, make_member, now):
    m, other = make_member(), make_member()
    assert give(session, m, now, coupons.birthday_key(m.id, 2026)) is not None
    assert give(session, m, now, coupons.birthday_key(m.id, 2026)) is None
    assert give(session, m, now, coupons.birthday_key(m.id, 2027)) is not None
    assert give(session, other, now, coupons.birthday_key(other.id, 2026)) is not None
    assert give(session, m, now, coupons.welcome_key(m.id), kind="welcome") is not None
    assert give(session, m, now, coupons.welcome_key(m.id), kind="welcome") is None
    assert give(session, m, now) is not None and give(session, m, now) is not None  # no key: no limit
    assert session.scalar(select(func.count()).select_from(Coupon).where(Coupon.member_id == m.id)) == 5


def test_the_database_itself_refuses_a_second_key(session, make_member, now):
    m = make_member()
    give(session, m, now, "campaign:x:1", kind="campaign")
    dup = Coupon(code="ZZZZZZZZZZZZ", member_id=m.id, kind="campaign", title_zh="a", title_en="a", value=1,
                 valid_from=now, valid_until=now + timedelta(days=1), uniqueness_key="campaign:x:1", created_at=now)
    from sqlalchemy.exc import IntegrityError
    with pytest.raises(IntegrityError):
        with session.begin_nested():
            session.add(dup)
            session.flush()


def test_issue_validates(session, make_member, now):
    m = make_member()
    with pytest.raises(ValueError):
        coupons.issue(session, m, "free-lunch", 100, now + timedelta(days=1), now, TITLES)
    with pytest.raises(ValueError):
        coupons.issue(session, m, "reward", -1, now + timedelta(days=1), now, TITLES)
    with pytest.raises(ValueError):
        coupons.issue(session, m, "reward", 1, now, now, TITLES)
    c = coupons.issue(session, m, "reward", 1, now + timedelta(days=1), now, {"zh-TW": "咖啡", "en": "Coffee"})
    assert (c.title_zh, c.title_en) == ("咖啡", "Coffee")


def test_active_coupons(session, make_member, now):
    m = make_member()
    soon = give(session, m, now, days=2)
    later = give(session, m, now, days=20)
    used = give(session, m, now)
    give(session, m, now - timedelta(days=40))  # expired
    give(session, m, now, valid_from=now + timedelta(days=1))  # not yet
    coupons.redeem_coupon(session, used.code, "store", "S01", None, now)
    assert [c.id for c in coupons.active_coupons(session, m, now)] == [soon.id, later.id]


def test_redeem_once(session, make_member, now):
    m = make_member()
    c = give(session, m, now)
    done = coupons.redeem_coupon(session, "-" + c.code.lower(), "store", "S01", "POS-9", now)
    assert (done.redeemed_at, done.redeemed_channel, done.redeemed_store_id, done.redeemed_order_id) == \
        (now, "store", "S01", "POS-9")
    with pytest.raises(CouponAlreadyRedeemed) as info:
        coupons.redeem_coupon(session, c.code, "online", None, None, now + timedelta(hours=1))
    assert info.value.redeemed_at == now and info.value.where == "store S01" and info.value.http_status == 409


def test_redeem_refusals(session, make_member, now):
    m, other = make_member(), make_member()
    with pytest.raises(CouponNotFound):
        coupons.redeem_coupon(session, "NOSUCHCODE", "store", None, None, now)
    with pytest.raises(CouponNotFound):
        coupons.redeem_coupon(session, "", "store", None, None, now)
    old = give(session, m, now - timedelta(days=31))
    with pytest.raises(CouponExpired) as info:
        coupons.redeem_coupon(session, old.code, "store", None, None, now)
    assert info.value.http_status == 410
    future = give(session, m, now, valid_from=now + timedelta(days=1))
    with pytest.raises(CouponNotYetValid):
        coupons.redeem_coupon(session, future.code, "store", None, None, now)
    mine = give(session, m, now)
    with pytest.raises(CouponNotFound):
        coupons.redeem_coupon(session, mine.code, "line", None, None, now, member=other)
    assert coupons.redeem_coupon(session, mine.code, "line", None, None, now, member=m).redeemed_at == now
    with pytest.raises(ValueError):
        coupons.redeem_coupon(session, mine.code, "", None, None, now)


def test_redeem_is_one_conditional_update(session, make_member, now, capture_sql):
    c = give(session, make_member(), now)
    session.flush()
    with capture_sql() as stmts:
        coupons.redeem_coupon(session, c.code, "store", "S01", None, now)
    writes = [s for s in stmts if s.upper().startswith("UPDATE COUPONS")]
    assert len(writes) == 1 and "coupons.redeemed_at IS NULL" in writes[0]
    assert not any(s.upper().startswith("SELECT") for s in stmts[:stmts.index(writes[0])])
