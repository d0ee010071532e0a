"""Bulk set-up for outbox tests: members and outbox rows straight into the tables."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, insert, literal, select

from bot.line_client import LineClient
from bot.outbox.sender import OutboxSender, SendingRules
from rewards import outbox_state
from rewards.models import Member, Outbox
from bot.outbox.models import OutboxBatch, OutboxClaim

from ..api.live_server import all_at_once


def user_id(n: int) -> str:
    return f"U{n:032x}"


def add_members(db, count: int, now: datetime, start: int = 1, **fields) -> list[int]:
    """`count` joined members (LINE ids user_id(start...)); returns their ids in order."""
    rows = [dict(member_code=f"T{n:08d}", line_user_id=user_id(n), display_name=f"Member {n}",
                 language="zh-TW", status="member", is_blocked=False, marketing_opt_in=True, tier="member",
                 balance=0, tags=[], created_at=now, joined_at=now, consent_at=now) | fields
            for n in range(start, start + count)]
    with db.session() as s:
        s.execute(insert(Member), rows)
        codes = [r["member_code"] for r in rows]
        by_code = {code: mid for code, mid in s.execute(
            select(Member.member_code, Member.id).where(Member.member_code.in_(codes)))}
    return [by_code[c] for c in codes]


def queue_rows(db, member_ids: list[int], now: datetime, kind: str = "text", category: str = "service",
               params=None, campaign_id: int | None = None, key: str = "t",
               not_before: datetime | None = None) -> None:
    """One row per member; `params` may be a function of the member id (per-member texts)."""
    params = {"text_zh": "你好", "text_en": "Hello"} if params is None and kind == "text" else (params or {})
    rows = [dict(dedup_key=f"{key}:{mid}", member_id=mid, kind=kind, category=category,
                 params=params(mid) if callable(params) else params, campaign_id=campaign_id, status="pending",
                 not_before=not_before or now, created_at=now)
            for mid in member_ids]
    with db.session() as s:
        for i in range(0, len(rows), 5000):
            s.execute(insert(Outbox), rows[i:i + 5000])


def rows(db, **where) -> list[Outbox]:
    """The outbox rows as readers see them (a claimed row in its batch's state: nothing is settled
    here), those with the given attributes."""
    with db.session() as s:
        found = outbox_state.with_state(s, s.scalars(select(Outbox).order_by(Outbox.id)))
        return [r for r in found if all(getattr(r, name) == value for name, value in where.items())]


def sender_for(app, **rules) -> OutboxSender:
    return OutboxSender.from_runtime(app.extensions["bot"], SendingRules(**rules))


def statuses(db) -> dict[str, int]:
    from collections import Counter

    return dict(Counter(r.status for r in rows(db)))


def batch_of(db, row: Outbox) -> OutboxBatch:
    """The outbox_batches row (retry key, attempts, first attempt) a row was sent in."""
    with db.session() as s:
        return s.get(OutboxBatch, row.batch_id)


def tried_before(db, retry_key: str, first_attempt_at: datetime, attempts: int = 1, status: str = "pending",
                 claimed_at: datetime | None = None, error: str | None = None) -> int:
    """Every outbox row into one batch that was tried before (as a sender that died or was answered
    an error leaves it); returns the batch's id."""
    with db.session() as s:
        count = s.scalar(select(func.count()).select_from(Outbox))
        batch = OutboxBatch(retry_key=retry_key, multicast=count > 1, status=status, attempts=attempts,
                            first_attempt_at=first_attempt_at, claimed_at=claimed_at, not_before=first_attempt_at,
                            last_error=error)
        s.add(batch)
        s.flush()
        s.execute(insert(OutboxClaim).from_select(["outbox_id", "batch_id"], select(Outbox.id, literal(batch.id))))
        return batch.id


def drain_together(runtimes, rules: SendingRules) -> list:
    """A drain per runtime, all started at the same moment; their summaries (none may raise)."""
    results = all_at_once(len(runtimes), lambda i: OutboxSender.from_runtime(runtimes[i], rules).drain())
    assert [r for r in results if isinstance(r, BaseException)] == []
    return results


class SenderDied(BaseException):
    """Stands for the process being killed: nothing in the sender may catch it."""


def drain_until_killed(rt, monkeypatch, after_calls: int) -> list[str]:
    """Drain, with the sender dying (SenderDied) right after LINE accepted its `after_calls`-th
    multicast and before it recorded so; the retry keys of the multicasts made. LINE is real again
    afterwards."""
    real_multicast = LineClient.multicast
    keys: list[str] = []

    def accepted_then_died(self, to, messages, retry_key):
        real_multicast(self, to, messages, retry_key)
        keys.append(retry_key)
        if len(keys) == after_calls:
            raise SenderDied()

    monkeypatch.setattr(LineClient, "multicast", accepted_then_died)
    try:
        OutboxSender.from_runtime(rt).drain()
    except SenderDied:
        pass
    else:
        raise AssertionError("the sender should have died")
    finally:
        monkeypatch.setattr(LineClient, "multicast", real_multicast)
    return keys
