"""Staff edits to the rewards catalog (creating a reward is rewards.catalog.create_reward)."""
from __future__ import annotations

from dataclasses import dataclass

from rewards.models import Reward

from core.field_errors import FieldErrors


@dataclass(frozen=True)
class RewardFields:
    name_zh: str
    name_en: str
    description: str
    cost: int | None
    coupon_value: int | None
    stock: int | None  # None: unlimited


def check(fields: RewardFields) -> RewardFields:
    problems = {}
    if not fields.name_zh.strip() or len(fields.name_zh) > 200:
        problems["name_zh"] = "a name of 1-200 characters is required"
    if len(fields.name_en) > 200:
        problems["name_en"] = "at most 200 characters"
    if fields.cost is None or fields.cost <= 0:
        problems["cost"] = "a positive number of points"
    if fields.coupon_value is None or fields.coupon_value < 0:
        problems["coupon_value"] = "NT$ 0 or more"
    if fields.stock is not None and fields.stock < 0:
        problems["stock"] = "0 or more (empty: unlimited)"
    if problems:
        raise FieldErrors(problems)
    return fields


def update(reward: Reward, fields: RewardFields) -> dict:
    """Apply the edit; returns {field: [old, new]} of what changed (for the audit trail)."""
    check(fields)
    changes = {}
    for name in ("name_zh", "name_en", "description", "cost", "coupon_value", "stock"):
        new = getattr(fields, name)
        new = new.strip() if isinstance(new, str) else new
        if name == "name_en" and not new:
            new = fields.name_zh.strip()
        if getattr(reward, name) != new:
            changes[name] = [getattr(reward, name), new]
            setattr(reward, name, new)
    return changes


def set_active(reward: Reward, active: bool) -> bool:
    changed = reward.active != active
    reward.active = active
    return changed
