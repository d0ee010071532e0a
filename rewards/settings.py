"""The programme's knobs, in one place, with sensible defaults.

A shop can override any of them with a JSON file named by BOT_SETTINGS_FILE (read by the app at
start-up and handed to the domain); the domain only ever receives a ProgramSettings object.
"""
from __future__ import annotations

import json
from dataclasses import asdict, dataclass, fields, replace
from datetime import time


@dataclass(frozen=True)
class Tier:
    code: str
    name_zh: str
    name_en: str
    threshold: int  # rolling 12-month net spend in NT$ to reach this tier
    multiplier_pct: int  # points multiplier in percent (120 = x1.2), integers only
    # benefits beyond the points multiplier and the birthday coupon, which are worded from their
    # settings (bot.texts.tier_benefits)
    benefits_zh: str = ""
    benefits_en: str = ""
    birthday_coupon_value: int = 100  # NT$ off

    def name(self, language: str) -> str:
        return self.name_en if language == "en" else self.name_zh

    def benefits(self, language: str) -> str:
        return self.benefits_en if language == "en" else self.benefits_zh


DEFAULT_TIERS = (
    Tier("member", "一般", "Member", 0, 100, birthday_coupon_value=100),
    Tier("silver", "銀卡", "Silver", 10_000, 120, birthday_coupon_value=200),
    Tier("gold", "金卡", "Gold", 30_000, 150, "專屬活動", "members-only events", 500),
)


@dataclass(frozen=True)
class ProgramSettings:
    # earning
    spend_per_point: int = 100  # NT$ per base point, rounded down
    points_valid_months: int = 12
    # spending at the till (rewards/spends.py): NT$ off per point
    point_value: int = 1
    tiers: tuple[Tier, ...] = DEFAULT_TIERS
    tier_review_month: int = 1  # yearly review on the 1st of this month
    tier_window_months: int = 12
    refund_window_days: int = 30
    # orders accepted from this many days back (imports of history) to this many minutes ahead
    order_history_days: int = 3 * 366
    order_future_minutes: int = 10
    # gifts
    welcome_gift_kind: str = "points"  # "points" or "coupon"
    welcome_gift_points: int = 50
    welcome_coupon_value: int = 100
    welcome_coupon_valid_days: int = 30
    referral_bonus_points: int = 100
    referral_link_days: int = 30
    birthday_send_hour: int = 9
    reward_coupon_valid_days: int = 90
    # messaging policy
    quiet_start: time = time(21, 0)
    quiet_end: time = time(9, 0)
    marketing_weekly_cap: int = 2
    # surveys
    survey_delay_store_hours: int = 2
    survey_delay_online_hours: int = 72
    survey_answer_days: int = 7
    survey_comment_hours: int = 24
    survey_min_days_between: int = 14  # at most one invitation per member in this many days
    # repurchase
    repurchase_factor_pct: int = 120
    repurchase_min_orders: int = 3
    # the weekly content drip: weekday (0 = Monday ... 6 = Sunday; -1 = no drip) and local hour
    content_drip_weekday: int = 1
    content_drip_hour: int = 10
    privacy_url: str = "https://example.com/privacy"
    # member records moved in from another programme and not claimed this many days after their
    # import are erased (privacy/unclaimed_imports.py; 0: never)
    unclaimed_import_days: int = 365

    def tier(self, code: str) -> Tier:
        for t in self.tiers:
            if t.code == code:
                return t
        return self.tiers[0]

    def tier_for_spend(self, spend: int) -> Tier:
        reached = self.tiers[0]
        for t in sorted(self.tiers, key=lambda t: t.threshold):
            if spend >= t.threshold:
                reached = t
        return reached

    def next_tier(self, code: str) -> Tier | None:
        ordered = sorted(self.tiers, key=lambda t: t.threshold)
        for i, t in enumerate(ordered):
            if t.code == code and i + 1 < len(ordered):
                return ordered[i + 1]
        return None

    @classmethod
    def from_file(cls, path: str | None) -> "ProgramSettings":
        if not path:
            return cls()
        with open(path, encoding="utf-8") as fh:
            return cls.from_dict(json.load(fh))

    @classmethod
    def from_dict(cls, data: dict) -> "ProgramSettings":
        known = {f.name for f in fields(cls)}
        unknown = set(data) - known
        if unknown:
            raise ValueError("unknown settings: " + ", ".join(sorted(unknown)))
        values = dict(data)
        if "tiers" in values:
            values["tiers"] = tuple(Tier(**t) for t in values["tiers"])
        for name in ("quiet_start", "quiet_end"):
            if name in values:
                values[name] = time.fromisoformat(values[name])
        return replace(cls(), **values)

    def to_dict(self) -> dict:
        data = asdict(self)
        data["quiet_start"] = self.quiet_start.isoformat()
        data["quiet_end"] = self.quiet_end.isoformat()
        return data
