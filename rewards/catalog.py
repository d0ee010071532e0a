"""The rewards catalog, and buying a reward with points (it is handed out as a `reward` coupon).

`redeem_reward` does, inside one SAVEPOINT of the caller's transaction:
  1. take one from stock — one conditional UPDATE (`stock > 0`, or unlimited), which also checks `active`;
  2. debit the points — one conditional UPDATE (`balance >= cost`);
  3. issue the coupon.
Any failure undoes all three. The member's nonce (minted into the button) makes a double tap redeem
once: ledger key and coupon uniqueness key are both `redeem:{member_id}:{nonce}`, and a repeated
nonce returns the coupon of the first tap. Locks are taken reward first, then member, always.
"""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import case, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from . import coupons, ledger
from .errors import InsufficientPoints, NotAMember, OutOfStock, RewardInactive, RewardNotFound
from .models import Coupon, Member, Reward
from .settings import ProgramSettings
from core.timeutil import end_of_local_day, require_aware
from .tx import savepoint


def list_rewards(session: Session, active_only: bool = True) -> list[Reward]:
    """Rewards on offer (cheapest first); with active_only=False, the whole catalog."""
    q = select(Reward)
    if active_only:
        q = q.where(Reward.active.is_(True))
    return list(session.scalars(q.order_by(Reward.cost, Reward.id)))


def affordable(session: Session, member: Member) -> list[Reward]:
    """Active, in-stock rewards the member's points cover now."""
    return [r for r in list_rewards(session) if r.cost <= member.balance and (r.stock is None or r.stock > 0)]


def get_reward(session: Session, reward_id: int) -> Reward:
    reward = session.get(Reward, reward_id)
    if reward is None:
        raise RewardNotFound()
    return reward


def create_reward(session: Session, name_zh: str, name_en: str, cost: int, coupon_value: int, now: datetime,
                  stock: int | None = None, description: str = "", active: bool = True) -> Reward:
    require_aware(now)
    if not isinstance(cost, int) or cost <= 0:
        raise ValueError("a reward costs a positive number of points")
    if stock is not None and stock < 0:
        raise ValueError("stock cannot be negative")
    reward = Reward(name_zh=name_zh, name_en=name_en or name_zh, description=description, cost=cost, stock=stock,
                    active=active, coupon_value=coupon_value, created_at=now)
    session.add(reward)
    session.flush()
    return reward


def redemption_key(member_id: int, nonce: str) -> str:
    return f"redeem:{member_id}:{nonce}"


def redeem_reward(session: Session, member: Member, reward: Reward, nonce: str, now: datetime,
                  settings: ProgramSettings) -> Coupon:
    """Buy `reward` with the member's points; returns the coupon. Raises InsufficientPoints,
    OutOfStock, RewardInactive, NotAMember. The same nonce again returns the same coupon."""
    require_aware(now)
    if not nonce or len(nonce) > 100:
        raise ValueError("a nonce (1-100 chars) is required")
    key = redemption_key(member.id, nonce)
    done = session.scalar(select(Coupon).where(Coupon.uniqueness_key == key))
    if done is not None:
        return done
    if member.status != "member":
        raise NotAMember()
    try:
        with savepoint(session):
            took = session.execute(
                update(Reward).where(Reward.id == reward.id, Reward.active.is_(True),
                                     (Reward.stock.is_(None)) | (Reward.stock > 0))
                .values(stock=case((Reward.stock.is_(None), None), else_=Reward.stock - 1))
                .execution_options(synchronize_session=False)).rowcount
            session.refresh(reward)
            if took != 1:
                raise RewardInactive() if not reward.active else OutOfStock()
            _row, created = ledger.debit_once(
                session, member, reward.cost, "redeem", "redeem_reward",
                {"reward_id": reward.id, "reward_zh": reward.name_zh, "reward_en": reward.name_en,
                 "cost": reward.cost}, key, now)
            if not created:
                raise _Replay()
            until = end_of_local_day((now + timedelta(days=settings.reward_coupon_valid_days)).date(), now)
            coupon = coupons.issue(session, member, "reward", reward.coupon_value, until, now,
                                   (reward.name_zh, reward.name_en), key, reward=reward)
            if coupon is None:
                raise _Replay()
    except (_Replay, IntegrityError, InsufficientPoints, OutOfStock, RewardInactive) as exc:
        session.expire(reward)  # it was re-read inside the savepoint that has just been undone
        # a concurrent tap with the same nonce may have won meanwhile: answer with its coupon
        done = session.scalar(select(Coupon).where(Coupon.uniqueness_key == key))
        if done is not None:
            return done
        if isinstance(exc, _Replay):
            raise RuntimeError(f"ledger row {key} exists without its coupon") from exc
        raise
    return coupon


class _Replay(Exception):
    """Internal: the nonce was used by a call that committed while this one waited."""
