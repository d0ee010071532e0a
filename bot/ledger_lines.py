"""A points ledger row in the member's words: their points history in the chat, and the console's
member page (through bot/preview.py).

The ledger keeps a reason code and its parameters (rewards/ledger.py), never words; the words are
bot/texts.py's `ledger.*`. An unknown code, or parameters that do not fit it, read as a plain
"Points +N".
"""
from __future__ import annotations

from typing import Any, Callable, Mapping

from core import formats

from .texts import Texts

Params = Mapping[str, Any]


def _shortfall(p: Params, t: Texts) -> str:
    short = int(p.get("shortfall") or 0)
    return t("ledger.shortfall", points=formats.number(short)) if short else ""


def _earn_order(p: Params, t: Texts) -> str:
    if p.get("store_id"):
        where = t("ledger.earn_order.store", store=p["store_id"])
    elif p.get("channel") == "online":
        where = t("ledger.earn_order.online")
    else:
        where = " "
    return t("ledger.earn_order", amount=formats.money(p["amount"]), where=where,
             multiplier=formats.multiplier(p["multiplier_pct"]), points=formats.signed(p["points"]))


def _refund_order(p: Params, t: Texts) -> str:
    return t("ledger.refund_order", order=p["order"], amount=formats.money(p["amount"]),
             points=formats.signed(-p["points"]), shortfall=_shortfall(p, t))


def _redeem_reward(p: Params, t: Texts) -> str:
    own, other = ("reward_en", "reward_zh") if t.language == "en" else ("reward_zh", "reward_en")
    return t("ledger.redeem_reward", reward=p.get(own) or p.get(other), points=formats.signed(-p["cost"]))


def _expire(p: Params, t: Texts) -> str:
    return t("ledger.expire", points=formats.number(p["points"]), earned_on=p["earned_on"])


def _adjust(p: Params, t: Texts) -> str:
    note = t("ledger.adjust.note", reason=p["reason"]) if p.get("reason") else ""
    return t("ledger.adjust", points=formats.signed(p["delta"]), note=note)


def _points(key: str) -> Callable[[Params, Texts], str]:
    return lambda p, t: t(key, points=formats.signed(p["points"]))


def _referral_revoked(p: Params, t: Texts) -> str:
    return t("ledger.referral_revoked", points=formats.signed(-p["points"]), shortfall=_shortfall(p, t))


def _spend(key: str, sign: int) -> Callable[[Params, Texts], str]:
    return lambda p, t: t(key, order=p["order"], points=formats.signed(sign * p["points"]))


def _debt_repaid(p: Params, t: Texts) -> str:
    left = int(p.get("debt_left") or 0)
    return t("ledger.debt_repaid", points=formats.signed(-p["points"]),
             left=t("ledger.debt_left", points=formats.number(left)) if left else "")


LINES: dict[str, Callable[[Params, Texts], str]] = {
    "earn_order": _earn_order,
    "refund_order": _refund_order,
    "redeem_reward": _redeem_reward,
    "expire": _expire,
    "adjust": _adjust,
    "welcome": _points("ledger.welcome"),
    "referral_referee": _points("ledger.referral_referee"),
    "referral_referrer": _points("ledger.referral_referrer"),
    "referral_revoked": _referral_revoked,
    "debt_repaid": _debt_repaid,
    "import_opening": lambda p, t: t("ledger.import_opening", source=p["source"], points=formats.signed(p["points"])),
    "import_unclaimed": lambda p, t: t("ledger.import_unclaimed", points=formats.signed(-p["points"])),
    "spend_till": _spend("ledger.spend_till", -1),
    "spend_cancelled": _spend("ledger.spend_cancelled", 1),
    "spend_refunded": _spend("ledger.spend_refunded", 1),
}


def _other(p: Params, t: Texts) -> str:
    return t("ledger.other", points=formats.signed(int(p.get("delta") or p.get("points") or 0)))


def ledger_line(code: str, params: Params | None, t: Texts) -> str:
    """What a ledger row with this reason code and these parameters says, in `t`'s language."""
    params = params or {}
    try:
        return LINES.get(code, _other)(params, t)
    except (KeyError, TypeError, ValueError):
        return _other(params, t)
