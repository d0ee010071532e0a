"""Outbox rows → LINE messages: one renderer per `kind`, in the member's language.

The domain queues only a kind and its params (see rewards/notices.py); what the member reads is
decided here, when the row is sent. An unknown kind or missing params raise RenderError, which
fails that row and nothing else.
"""
from __future__ import annotations

from datetime import date, timedelta
from typing import Callable

from core import formats
from rewards.settings import ProgramSettings

from . import broadcast_messages
from . import engagement_messages as em
from . import messages as m
from .texts import Texts, tier_benefits


class RenderError(ValueError):
    """The row cannot be turned into a message."""


Renderer = Callable[[dict, Texts, ProgramSettings], list[dict]]


def _n(value) -> str:
    return formats.number(int(value))


def _money(value) -> str:
    return formats.money(int(value))


def receipt(params: dict, t: Texts, settings: ProgramSettings) -> list[dict]:
    store = params.get("store_en" if t.language == "en" else "store_zh") or params.get("store_id")
    line = t("notice.receipt", amount=_money(params["amount"]),
             at_store=t("notice.receipt.at_store", store=store) if store else "",
             multiplier=formats.multiplier(params["multiplier_pct"]), points=_n(params["points"]),
             balance=_n(params["balance"]))
    lines = [line]
    if params.get("referral_bonus"):
        lines.append(t("notice.receipt.referral", points=_n(params["referral_bonus"])))
    if params.get("debt_repaid"):
        lines.append(t("notice.receipt.debt_repaid", points=_n(params["debt_repaid"])))
    if params.get("points_owed"):
        lines.append(t("notice.points_owed", points=_n(params["points_owed"])))
    return [m.text_message("\n".join(lines))]


def tier_up(params: dict, t: Texts, settings: ProgramSettings) -> list[dict]:
    old, new = settings.tier(params["old_tier"]), settings.tier(params["new_tier"])
    lines = [t("notice.tier_up", old=old.name(t.language), new=new.name(t.language))]
    lines.append(t("notice.tier_benefits", tier=new.name(t.language),
                   benefits=tier_benefits(new, settings.spend_per_point, t.language)))
    return [m.text_message("\n".join(lines))]


def tier_down(params: dict, t: Texts, settings: ProgramSettings) -> list[dict]:
    old, new = settings.tier(params["old_tier"]), settings.tier(params["new_tier"])
    lines = [t("notice.tier_down", old=old.name(t.language), new=new.name(t.language)),
             t("notice.tier_down.why", spend=_money(params["spend"]), old=old.name(t.language),
               threshold=_money(old.threshold))]
    lines.append(t("notice.tier_benefits", tier=new.name(t.language),
                   benefits=tier_benefits(new, settings.spend_per_point, t.language)))
    return [m.text_message("\n".join(lines))]


def refund(params: dict, t: Texts, settings: ProgramSettings) -> list[dict]:
    lines = [t("notice.refund", amount=_money(params["amount"]), points=_n(params["points_reversed"]),
               balance=_n(params["balance"]))]
    if params.get("spent_points_returned"):
        lines.append(t("notice.refund.spent_returned", points=_n(params["spent_points_returned"])))
    if params.get("shortfall"):
        lines.append(t("notice.refund.shortfall", points=_n(params["shortfall"])))
    if params.get("points_owed"):
        lines.append(t("notice.points_owed", points=_n(params["points_owed"])))
    return [m.text_message("\n".join(lines))]


def referral_bonus(params: dict, t: Texts, settings: ProgramSettings) -> list[dict]:
    return [m.text_message(t("notice.referral_bonus", points=_n(params["points"]), balance=_n(params["balance"])))]


def points_adjusted(params: dict, t: Texts, settings: ProgramSettings) -> list[dict]:
    delta = int(params["delta"])
    key = "notice.points_added" if delta > 0 else "notice.points_taken"
    return [m.text_message(t(key, points=_n(abs(delta)), reason=str(params["reason"])[:500],
                             balance=_n(params["balance"])))]


def plain_text(params: dict, t: Texts, settings: ProgramSettings) -> list[dict]:
    """Staff-written text in both languages (broadcasts, tests); the other language if one is missing."""
    own, other = ("text_en", "text_zh") if t.language == "en" else ("text_zh", "text_en")
    body = params.get(own) or params.get(other)
    if not body:
        raise RenderError("text: params text_zh and text_en are both empty")
    return [m.text_message(body)]


def staff_sticker(params: dict, t: Texts, settings: ProgramSettings) -> list[dict]:
    """A sticker staff sent from the console's chat."""
    return [m.sticker_message(params["package_id"], params["sticker_id"])]


def staff_image(params: dict, t: Texts, settings: ProgramSettings) -> list[dict]:
    """An image (an https address) staff sent from the console's chat."""
    return [m.image_message(str(params["url"]))]


def handoff_ended(params: dict, t: Texts, settings: ProgramSettings) -> list[dict]:
    return [m.text_message(t("handoff.ended"))]


def birthday(params: dict, t: Texts, settings: ProgramSettings) -> list[dict]:
    return [em.birthday_card(params, t)]


def content(params: dict, t: Texts, settings: ProgramSettings) -> list[dict]:
    return [em.content_message(params, t)]


def survey_invitation(params: dict, t: Texts, settings: ProgramSettings) -> list[dict]:
    return [em.survey_question(params, t)]


def tier_keep_warning(params: dict, t: Texts, settings: ProgramSettings) -> list[dict]:
    tier = settings.tier(params["tier"]).name(t.language)
    review = date.fromisoformat(params["review_date"])
    return [m.text_message(t("notice.tier_keep", date=formats.day(review, t.language), tier=tier,
                             spend=_money(params["spend"]), threshold=_money(params["threshold"]),
                             keep=_money(params["spend_to_keep"]),
                             last_day=formats.day(review - timedelta(days=1), t.language)))]


def repurchase(params: dict, t: Texts, settings: ProgramSettings) -> list[dict]:
    days = _n(params["days_since"])
    if params.get("content_id") is None:
        return [m.text_message(t("notice.repurchase.plain", days=days))]
    return [m.text_message(t("notice.repurchase", days=days)), em.content_message(params, t)]


RENDERERS: dict[str, Renderer] = {
    "receipt": receipt,
    "tier_up": tier_up,
    "tier_down": tier_down,
    "refund": refund,
    "referral_bonus": referral_bonus,
    "points_adjusted": points_adjusted,
    "text": plain_text,
    "staff_sticker": staff_sticker,
    "staff_image": staff_image,
    "handoff_ended": handoff_ended,
    "birthday": birthday,
    "content": content,
    "survey_invitation": survey_invitation,
    "tier_keep_warning": tier_keep_warning,
    "repurchase": repurchase,
    "broadcast": broadcast_messages.render,
    "journey": broadcast_messages.render,  # a welcome journey step: the same message types as a broadcast
}


def render(kind: str, params: dict | None, language: str, settings: ProgramSettings) -> list[dict]:
    renderer = RENDERERS.get(kind)
    if renderer is None:
        raise RenderError(f"no renderer for outbox kind {kind!r}")
    try:
        return renderer(dict(params or {}), Texts(language), settings)
    except RenderError:
        raise
    except KeyError as exc:
        raise RenderError(f"{kind}: missing param {exc.args[0]!r}") from None
    except (TypeError, ValueError) as exc:
        raise RenderError(f"{kind}: bad params ({exc.__class__.__name__})") from None
