"""Plain-words reasons for points changes, in zh-TW and en.

A ledger row keeps `reason_code` + `reason_params` (data) and `reason` (these words, rendered once in
the member's language when written). The chat can re-render any row in another language with
`render(code, params, language)`.
"""
from __future__ import annotations

from typing import Any, Mapping


def money(amount: int) -> str:
    return f"NT${amount:,}"


def multiplier(pct: int) -> str:
    """120 → "×1.2", 100 → "×1.0", 125 → "×1.25" (integers only, no float rounding)."""
    whole, frac = divmod(int(pct), 100)
    decimals = f"{frac:02d}".rstrip("0") or "0"
    return f"×{whole}.{decimals}"


def _signed(n: int) -> str:
    return f"{n:+,d}"


def _where(params: Mapping[str, Any], language: str) -> str:
    store = params.get("store_id")
    if store:
        return f" at {store}" if language == "en" else f"（{store}）"
    if params.get("channel") == "online":
        return " online" if language == "en" else "（線上）"
    return ""


def _earn(p: Mapping[str, Any], lang: str) -> str:
    # "NT$1,250 at S01 ×1.2 → +14"
    where = _where(p, lang)
    gap = "" if where.endswith("）") else " "
    text = f"{money(p['amount'])}{where}{gap}{multiplier(p['multiplier_pct'])} → {_signed(p['points'])}"
    return text if lang == "en" else "消費 " + text + " 點"


def _refund(p: Mapping[str, Any], lang: str) -> str:
    short = int(p.get("shortfall") or 0)
    if lang == "en":
        text = f"Refund of {money(p['amount'])} on order {p['order']} → {_signed(-p['points'])}"
        return text + (f" ({short} already spent)" if short else "")
    text = f"訂單 {p['order']} 退款 {money(p['amount'])} → {_signed(-p['points'])} 點"
    return text + (f"（{short} 點已使用，未扣回）" if short else "")


def _redeem(p: Mapping[str, Any], lang: str) -> str:
    if lang == "en":
        return f"Redeemed {p.get('reward_en') or p.get('reward_zh')} → {_signed(-p['cost'])}"
    return f"兌換 {p.get('reward_zh') or p.get('reward_en')} → {_signed(-p['cost'])} 點"


def _expire(p: Mapping[str, Any], lang: str) -> str:
    if lang == "en":
        return f"{p['points']} points earned {p['earned_on']} expired"
    return f"{p['earned_on']} 獲得的 {p['points']} 點已到期"


def _adjust(p: Mapping[str, Any], lang: str) -> str:
    reason = p.get("reason") or ""
    if lang == "en":
        return f"Adjustment by staff {_signed(p['delta'])}" + (f": {reason}" if reason else "")
    return f"客服調整 {_signed(p['delta'])} 點" + (f"：{reason}" if reason else "")


def _welcome(p: Mapping[str, Any], lang: str) -> str:
    return f"Welcome gift {_signed(p['points'])}" if lang == "en" else f"入會禮 {_signed(p['points'])} 點"


def _referral_referee(p: Mapping[str, Any], lang: str) -> str:
    if lang == "en":
        return f"Referral bonus for your first order {_signed(p['points'])}"
    return f"推薦好禮：首次消費 {_signed(p['points'])} 點"


def _referral_referrer(p: Mapping[str, Any], lang: str) -> str:
    if lang == "en":
        return f"Referral bonus: a friend you referred made their first order {_signed(p['points'])}"
    return f"推薦好禮：您推薦的好友完成首次消費 {_signed(p['points'])} 點"


def _referral_revoked(p: Mapping[str, Any], lang: str) -> str:
    short = int(p.get("shortfall") or 0)
    if lang == "en":
        return (f"Referral bonus taken back (first order refunded) {_signed(-p['points'])}"
                + (f" ({short} already spent)" if short else ""))
    return (f"首次消費已退款，收回推薦好禮 {_signed(-p['points'])} 點"
            + (f"（{short} 點已使用，未扣回）" if short else ""))


def _generic(p: Mapping[str, Any], lang: str) -> str:
    delta = int(p.get("delta") or p.get("points") or 0)
    return f"Points {_signed(delta)}" if lang == "en" else f"點數 {_signed(delta)}"


RENDERERS = {
    "earn_order": _earn,
    "refund_order": _refund,
    "redeem_reward": _redeem,
    "expire": _expire,
    "adjust": _adjust,
    "welcome": _welcome,
    "referral_referee": _referral_referee,
    "referral_referrer": _referral_referrer,
    "referral_revoked": _referral_revoked,
}


def render(code: str, params: Mapping[str, Any] | None, language: str = "zh-TW") -> str:
    lang = "en" if language == "en" else "zh-TW"
    params = params or {}
    try:
        return RENDERERS.get(code, _generic)(params, lang)
    except (KeyError, TypeError, ValueError):
        return _generic(params, lang)
