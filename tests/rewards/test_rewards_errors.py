from datetime import datetime, timezone

import pytest

from core.field_errors import FieldErrors
from rewards import errors as E


@pytest.mark.parametrize("cls, code, status", [
    (E.MemberNotFound, "member_not_found", 404),
    (E.OrderNotFound, "order_not_found", 404),
    (E.CouponNotFound, "coupon_not_found", 404),
    (E.RewardNotFound, "reward_not_found", 404),
    (E.ReferralCodeNotFound, "referral_code_not_found", 404),
    (E.OrderConflict, "order_conflict", 409),
    (E.RefundConflict, "refund_conflict", 409),
    (E.ReferralAlreadyLinked, "referral_already_linked", 409),
    (E.OutOfStock, "out_of_stock", 422),
    (E.RewardInactive, "reward_inactive", 422),
    (E.NotAMember, "not_a_member", 422),
    (E.CouponNotYetValid, "coupon_not_yet_valid", 422),
    (E.ReferralSelf, "referral_self", 422),
    (E.ReferralLoop, "referral_loop", 422),
    (E.ReferralWindowClosed, "referral_window_closed", 422),
])
def test_plain_errors_have_code_status_and_message(cls, code, status):
    err = cls()
    assert isinstance(err, E.DomainError)
    assert (err.code, err.http_status) == (code, status)
    assert err.message and not err.fields


def test_errors_with_details():
    at = datetime(2026, 11, 20, 7, 0, tzinfo=timezone.utc)
    err = E.CouponAlreadyRedeemed(at, "store S01")
    assert (err.code, err.http_status, err.redeemed_at, err.where) == ("coupon_already_redeemed", 409, at, "store S01")
    assert err.fields == {"redeemed_at": at, "where": "store S01"}
    assert E.CouponExpired(at).http_status == 410
    ins = E.InsufficientPoints(10, 50)
    assert (ins.code, ins.http_status, ins.balance, ins.needed) == ("insufficient_points", 422, 10, 50)
    big = E.RefundTooLarge(7000, 6345)
    assert big.fields == {"amount": 7000, "refundable": 6345} and "6,345" in big.message
    bad = FieldErrors({"amount": "must be a whole number of NT$"})
    assert bad.code == "invalid" and bad.http_status == 422 and "amount" in bad.message
    assert bad.codes == {"amount": "invalid"} and FieldErrors.one("birthday", "x", code="future").codes == {
        "birthday": "future"}


def test_base_error_takes_code_message_fields():
    err = E.DomainError("custom", "something", {"a": 1})
    assert (err.code, err.message, err.fields, err.http_status) == ("custom", "something", {"a": 1}, 422)


def _all_subclasses(cls):
    for sub in cls.__subclasses__():
        yield sub
        yield from _all_subclasses(sub)


def test_every_error_has_its_own_code():
    codes = [c.code for c in _all_subclasses(E.DomainError)]
    assert len(codes) == len(set(codes))
