"""Every way a loyalty operation can say no, as one family of exceptions.

Each class carries a stable machine `code` (for the API's JSON and for picking the chat's zh-TW/en
text), an English `message` for logs and developers, optional `fields` with details, and the HTTP
status an API should answer with (`http_status`): 404 not found, 409 conflict, 410 expired,
422 a business rule says no. Input that does not pass is not one of these: it is core.field_errors.FieldErrors.
"""
from __future__ import annotations

from datetime import datetime
from typing import Any

from core.formats import money


class DomainError(Exception):
    code = "domain_error"
    http_status = 422
    default_message = "the loyalty programme refused this operation"

    def __init__(self, code: str | None = None, message: str | None = None, fields: dict[str, Any] | None = None):
        self.code = code or type(self).code
        self.message = message or type(self).default_message
        self.fields = dict(fields or {})
        super().__init__(self.message)

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.code!r}, {self.message!r}, {self.fields!r})"


# -- families, by HTTP status -------------------------------------------------------------------

class NotFound(DomainError):
    code = "not_found"
    http_status = 404
    default_message = "not found"


class Conflict(DomainError):
    code = "conflict"
    http_status = 409
    default_message = "conflicts with what was recorded before"


class Gone(DomainError):
    code = "gone"
    http_status = 410
    default_message = "no longer valid"


class BusinessRuleError(DomainError):
    code = "rule_violated"
    http_status = 422
    default_message = "a programme rule does not allow this"


# -- not found (404) ------------------------------------------------------------------------------

class MemberNotFound(NotFound):
    code = "member_not_found"
    default_message = "no such member"


class OrderNotFound(NotFound):
    code = "order_not_found"
    default_message = "no such order"


class SpendNotFound(NotFound):
    code = "spend_not_found"
    default_message = "no such points spend for this member"


class LinkTokenNotFound(NotFound):
    code = "link_token_not_found"
    default_message = "no account link was asked for with this link token"


class CouponNotFound(NotFound):
    code = "coupon_not_found"
    default_message = "no such coupon"


class RewardNotFound(NotFound):
    code = "reward_not_found"
    default_message = "no such reward"


class ReferralCodeNotFound(NotFound):
    code = "referral_code_not_found"
    default_message = "no member has this referral code"


# -- conflicts (409) ------------------------------------------------------------------------------

class OrderConflict(Conflict):
    code = "order_conflict"
    default_message = "an order with this channel and id was already recorded with different content"


class RefundConflict(Conflict):
    code = "refund_conflict"
    default_message = "a refund with this id was already recorded with a different amount"


class SpendConflict(Conflict):
    code = "spend_conflict"
    default_message = "points were already spent on this order id with a different number of points or by another member"


class SpendTooLarge(Conflict):
    """At the till, asking for more than the balance is a clash with the member's state (409), not a bad field."""
    code = "points_exceed_balance"
    default_message = "not enough points"

    def __init__(self, balance: int, needed: int):
        self.balance = balance
        self.needed = needed
        super().__init__(None, f"not enough points: {balance} available, {needed} asked for",
                         {"balance": balance, "points": needed})


class LinkTokenTaken(Conflict):
    code = "link_token_taken"
    default_message = "this link token was used already (for another customer, or the link is done)"


class CouponAlreadyRedeemed(Conflict):
    code = "coupon_already_redeemed"
    default_message = "this coupon was already used"

    def __init__(self, redeemed_at: datetime | None = None, where: str | None = None):
        self.redeemed_at = redeemed_at
        self.where = where
        text = "this coupon was already used"
        if redeemed_at is not None:
            text += f" at {redeemed_at.isoformat()}"
        if where:
            text += f" ({where})"
        super().__init__(None, text, {"redeemed_at": redeemed_at, "where": where})


class ReferralAlreadyLinked(Conflict):
    code = "referral_already_linked"
    default_message = "this member was already referred by someone"


# -- gone (410) -----------------------------------------------------------------------------------

class CouponExpired(Gone):
    code = "coupon_expired"
    default_message = "this coupon has expired"

    def __init__(self, valid_until: datetime | None = None):
        self.valid_until = valid_until
        super().__init__(None, None, {"valid_until": valid_until} if valid_until else None)


class LinkTokenExpired(Gone):
    code = "link_token_expired"
    default_message = "this link token has expired: the member asks the bot again"

    def __init__(self, valid_until: datetime | None = None):
        super().__init__(None, None, {"valid_until": valid_until} if valid_until else None)


# -- business rules (422) -------------------------------------------------------------------------

class NotAMember(BusinessRuleError):
    code = "not_a_member"
    default_message = "this person has not joined the programme (or their data was erased)"


class InsufficientPoints(BusinessRuleError):
    code = "insufficient_points"
    default_message = "not enough points"

    def __init__(self, balance: int, needed: int):
        self.balance = balance
        self.needed = needed
        super().__init__(None, f"not enough points: {balance} available, {needed} needed",
                         {"balance": balance, "needed": needed})


class OutOfStock(BusinessRuleError):
    code = "out_of_stock"
    default_message = "this reward is out of stock"


class RewardInactive(BusinessRuleError):
    code = "reward_inactive"
    default_message = "this reward is not offered any more"


class RefundTooLarge(BusinessRuleError):
    code = "refund_too_large"
    default_message = "the refund is larger than what is left of the order"

    def __init__(self, amount: int, refundable: int):
        self.amount = amount
        self.refundable = refundable
        super().__init__(None, f"refund of {money(amount)} is more than the {money(refundable)} left on the order",
                         {"amount": amount, "refundable": refundable})


class CouponNotYetValid(BusinessRuleError):
    code = "coupon_not_yet_valid"
    default_message = "this coupon cannot be used yet"


class ReferralSelf(BusinessRuleError):
    code = "referral_self"
    default_message = "a member cannot refer themselves"


class ReferralLoop(BusinessRuleError):
    code = "referral_loop"
    default_message = "this referral would make a loop"


class ReferralWindowClosed(BusinessRuleError):
    code = "referral_window_closed"
    default_message = "a referral code can only be entered in the first days after joining"

