"""Recording a chunk of checked orders at once (imports of history): the same rules and results as
`rewards.orders.record_order` one order after another, in a handful of set-based statements.

Per chunk, in the caller's unit of work:
  1. the chunk's members (and the referrers a first order may pay) are read and locked in one SELECT
     ... FOR UPDATE (SQLite: the unit already holds the write lock);
  2. the chunk's keys go into a temporary table, which answers in one statement each which orders
     are already recorded and, for every row, the member's last order placed before it (its tier
     then) and the members' spend in the tier window;
  3. the rows are played in file order in memory, member by member state (tier, since when,
     balance, debt, spend), exactly as `record_order` would play them one by one (an earning repays
     what the member owes first: `ledger.repayment`, a `debt_repaid` row taken from the new lot);
  4. the new orders, then their ledger rows, are written each with one INSERT ... ON CONFLICT DO
     NOTHING executed for all rows (the new orders' ids read back through the temporary table),
     the members' balances and tiers with one UPDATE ... FROM, and any notices with one INSERT.

If another writer recorded one of the chunk's orders in between (an INSERT writes fewer rows),
`ChunkRaced` is raised: the caller rolls the chunk back and records it one order at a time.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import BigInteger, Column, Integer, MetaData, String, Table, and_, func, select, update
from sqlalchemy.orm import Session, aliased
from sqlalchemy.schema import CreateTable

from core.bulk import insert_new_counted, one_of

from . import notices, tiers
from core.db_types import UTCDateTime
from .errors import MemberNotFound, NotAMember
from .ledger import points_expiry, repaid_key, repaid_row, repayment
from .models import Member, Order, PointsLedger
from .order_input import OrderInput
from .orders import fingerprint, points_for
from .referral import referee_key, referrer_key
from .settings import ProgramSettings
from core.timeutil import require_aware

_temp = MetaData()
CHUNK_ROWS = Table("order_chunk_rows", _temp, Column("i", Integer), Column("channel", String(12)),
                   Column("external_id", String(64)), Column("member_id", BigInteger),
                   Column("placed_at", UTCDateTime()), prefixes=["TEMPORARY"])
MEMBER_CHANGES = Table("order_chunk_members", _temp, Column("member_id", BigInteger), Column("delta", Integer),
                       Column("debt_delta", Integer), Column("tier", String(32)), Column("tier_since", UTCDateTime()),
                       prefixes=["TEMPORARY"])


class ChunkRaced(Exception):
    """Another writer recorded one of the chunk's orders meanwhile; record the chunk one by one."""


@dataclass(frozen=True)
class Outcome:
    line: int
    kind: str           # created | unchanged | conflict | error
    detail: str = ""    # what is wrong (conflict, error)
    points: int = 0     # points the order earned (created)


@dataclass
class _MemberState:
    id: int
    code: str
    status: str
    tier: str
    tier_since: datetime | None
    balance: int
    debt: int                       # points owed (refunds of points already spent)
    referred_by_id: int | None
    spend: int = 0                  # net spend in the tier window ending now
    has_orders: bool = False        # any order recorded before this chunk
    delta: int = 0                  # points this chunk adds
    debt_delta: int = 0             # change of what the member owes (repaid: negative)
    tier_moved: bool = False
    placed: list = field(default_factory=list)   # (placed_at, tier_after) of this chunk's new orders


def record_chunk(session: Session, rows: list[tuple[int, OrderInput]], now: datetime, settings: ProgramSettings,
                 notify: bool = False) -> list[Outcome]:
    """Record `rows` ((line, checked order) in file order); one Outcome per row, in the same order."""
    require_aware(now)
    members = _lock_members(session, Member.member_code, sorted({data.member_code for _line, data in rows}))
    by_code = {m.code: m for m in members.values()}
    keyed = [(i, data, by_code.get(data.member_code)) for i, (_line, data) in enumerate(rows)]
    _fill_temp(session, CHUNK_ROWS, [dict(i=i, channel=d.channel, external_id=d.order_id, member_id=m.id,
                                          placed_at=d.placed_at) for i, d, m in keyed if m is not None])
    recorded = _recorded_fingerprints(session)
    before = _last_order_before(session)
    _read_spend(session, members, now, settings)
    referrals = _referrals(session, members, settings)

    play = _Play(members, by_code, recorded, before, referrals, now, settings, notify)
    outcomes = [play.row(i, rows[i][0], data, member) for i, data, member in keyed]
    play.write(session)
    return outcomes


def _lock_members(session: Session, column, values: list) -> dict[int, _MemberState]:
    if not values:
        return {}
    match = one_of(session, column, values)
    found = session.execute(
        select(Member.id, Member.member_code, Member.status, Member.tier, Member.tier_since, Member.balance,
               Member.points_debt, Member.referred_by_id).where(match).order_by(Member.id).with_for_update()).all()
    return {r.id: _MemberState(r.id, r.member_code, r.status, r.tier, r.tier_since, r.balance, r.points_debt,
                               r.referred_by_id) for r in found}


def _fill_temp(session: Session, table: Table, values: list[dict]) -> None:
    conn = session.connection()
    conn.execute(CreateTable(table, if_not_exists=True))
    conn.execute(table.delete())
    if values:
        conn.execute(table.insert(), values)
        if conn.dialect.name == "postgresql":  # a temporary table has no statistics until asked
            conn.exec_driver_sql(f"ANALYZE {table.name}")


def _recorded_fingerprints(session: Session) -> dict[tuple[str, str], str]:
    t = CHUNK_ROWS
    found = session.execute(select(Order.channel, Order.external_id, Order.request_fingerprint).join(
        t, and_(Order.channel == t.c.channel, Order.external_id == t.c.external_id)))
    return {(channel, external_id): fp for channel, external_id, fp in found}


def _order_ids(session: Session) -> dict[tuple[str, str], int]:
    t = CHUNK_ROWS
    found = session.execute(select(Order.channel, Order.external_id, Order.id).join(
        t, and_(Order.channel == t.c.channel, Order.external_id == t.c.external_id)))
    return {(channel, external_id): order_id for channel, external_id, order_id in found}


def _last_order_before(session: Session) -> dict[int, tuple[datetime, str]]:
    """Row index → (placed_at, tier_after) of the member's last order placed at or before the row's
    time, among the orders recorded before this chunk (as `orders.tier_when_placed` picks it)."""
    t, o = CHUNK_ROWS, aliased(Order)
    last = (select(o.id).where(o.member_id == t.c.member_id, o.placed_at <= t.c.placed_at)
            .order_by(o.placed_at.desc(), o.id.desc()).limit(1).scalar_subquery())
    found = session.execute(select(t.c.i, Order.placed_at, Order.tier_after).join(Order, Order.id == last))
    return {i: (placed_at, tier_after) for i, placed_at, tier_after in found}


def _read_spend(session: Session, members: dict[int, _MemberState], now: datetime, settings: ProgramSettings) -> None:
    if not members:
        return
    t = CHUNK_ROWS
    in_window = func.sum(func.coalesce(Order.net_amount, 0)).filter(
        Order.placed_at > tiers.window_start(now, settings))
    ids = select(t.c.member_id).distinct().scalar_subquery()
    for member_id, spend in session.execute(
            select(Order.member_id, in_window).where(Order.member_id.in_(ids)).group_by(Order.member_id)):
        members[member_id].spend = int(spend or 0)
        members[member_id].has_orders = True


@dataclass
class _Referrals:
    points: int
    referrers: dict[int, _MemberState]
    keys_used: set[str]


def _referrals(session: Session, members: dict[int, _MemberState], settings: ProgramSettings) -> _Referrals:
    """What a first order's referral bonus needs: the referrers (locked) and the bonus keys used."""
    points = settings.referral_bonus_points
    waiting = [m for m in members.values() if m.referred_by_id is not None and not m.has_orders]
    if points <= 0 or not waiting:
        return _Referrals(points, {}, set())
    referrers = {i: members[i] for i in {m.referred_by_id for m in waiting} if i in members}
    referrers.update(_lock_members(session, Member.id, sorted({m.referred_by_id for m in waiting} - set(referrers))))
    members.update(referrers)
    keys = [k for m in waiting for k in (referee_key(m.id), referrer_key(m.id))]
    used = set(session.scalars(select(PointsLedger.idempotency_key).where(PointsLedger.idempotency_key.in_(keys))))
    return _Referrals(points, referrers, used)


class _Play:
    """The chunk's rows played in file order, as `record_order` would play them one by one."""

    def __init__(self, members, by_code, recorded, before, referrals: _Referrals, now, settings, notify):
        self.members, self.by_code, self.recorded, self.before = members, by_code, recorded, before
        self.referrals, self.now, self.settings, self.notify = referrals, now, settings, notify
        self.window_start = tiers.window_start(now, settings)
        self.base_tier = settings.tiers[0].code
        self.rank = {t.code: i for i, t in enumerate(tiers.ordered_tiers(settings))}
        self.expiry: dict = {}   # local day placed → when its points expire (one computation per day)
        self.orders: list[dict] = []
        self.ledger: list[tuple[int, dict]] = []     # (index in self.orders, row without its order id)
        # in the order they were made: a dict is a row; (at, params) the receipt of self.orders[at],
        # written once its order has an id
        self.notices: list[dict | tuple[int, dict]] = []
        self.index = 0

    def row(self, i: int, line: int, data: OrderInput, member: _MemberState | None) -> Outcome:
        self.index = i
        if member is None:
            return Outcome(line, "error", MemberNotFound(message=f"member_code {data.member_code!r}: no such member").message)
        fp = fingerprint(member.id, data.channel, data.order_id, data.amount, data.placed_at, data.store_id, data.items)
        key = (data.channel, data.order_id)
        if key in self.recorded:
            if self.recorded[key] != fp:
                return Outcome(line, "conflict",
                               f"order {data.channel}:{data.order_id} was recorded before with different content")
            return Outcome(line, "unchanged")
        if member.status != "member":
            return Outcome(line, "error", NotAMember().message)
        self.recorded[key] = fp
        return Outcome(line, "created", points=self._create(member, data, fp))

    def _tier_when_placed(self, member: _MemberState, placed_at: datetime) -> str:
        if member.tier_since is None or placed_at >= member.tier_since:
            return member.tier
        best = self.before.get(self.index)
        for placed, tier_after in member.placed:  # this chunk's orders come after every earlier one
            if placed <= placed_at and (best is None or placed >= best[0]):
                best = (placed, tier_after)
        return best[1] if best else self.base_tier

    def _create(self, member: _MemberState, data: OrderInput, fp: str) -> int:
        now, settings = self.now, self.settings
        tier_before = self._tier_when_placed(member, data.placed_at)
        pct = settings.tier(tier_before).multiplier_pct
        points = points_for(data.amount, pct, settings)
        at = len(self.orders)
        owed_before = member.debt
        receipt_at = len(self.notices)  # the receipt goes before the tier_up and bonus it caused
        params = {"amount": data.amount, "store_id": data.store_id, "channel": data.channel, "multiplier_pct": pct,
                  "base_points": data.amount // settings.spend_per_point, "points": points, "order": data.order_id}
        if points > 0:
            self._credit(member, at, _lot(member.id, points, "earn", "earn_order", params, None, now,
                                          self._expires(data.placed_at)))
        changed = self._upgrade(member, data)
        bonus = self._referral_bonus(member, at)
        self.orders.append(dict(
            channel=data.channel, external_id=data.order_id, member_id=member.id, amount=data.amount,
            net_amount=data.amount, status="paid", placed_at=data.placed_at, store_id=data.store_id, items=data.items,
            tier_at_order=tier_before, multiplier_pct=pct, points_earned=points, request_fingerprint=fp,
            balance_after=member.balance, tier_after=member.tier, tier_changed=changed, created_at=now,
            updated_at=now))
        member.placed.append((data.placed_at, member.tier))
        member.has_orders = True
        if self.notify:
            receipt = {**params, "order_id": data.order_id, "placed_at": data.placed_at.isoformat(),
                       "balance": member.balance, "tier": member.tier, "referral_bonus": bonus,
                       "debt_repaid": owed_before - member.debt, "points_owed": member.debt}
            self.notices.insert(receipt_at, (at, receipt))
        return points

    def _expires(self, placed_at: datetime) -> datetime | None:
        local = placed_at.astimezone(self.now.tzinfo)
        day = local.date()
        if day not in self.expiry:
            self.expiry[day] = points_expiry(local, self.settings)  # depends on the local day only
        return self.expiry[day]

    def _credit(self, member: _MemberState, at: int, lot: dict) -> None:
        """A new lot for `member` (its key None: the order's earn key, known once the order is written),
        and what it repays of their debt first, as `ledger.credit` does."""
        points = lot["delta"]
        self.ledger.append((at, lot))
        repay = repayment(points, member.debt)
        if repay:
            lot["remaining"] = points - repay
            member.debt -= repay
            member.debt_delta -= repay
            self.ledger.append((at, repaid_row(member.id, repay, member.debt, lot["idempotency_key"], None, self.now)))
        member.balance += points - repay
        member.delta += points - repay

    def _upgrade(self, member: _MemberState, data: OrderInput) -> bool:
        if data.placed_at > self.window_start:
            member.spend += data.amount
        target = self.settings.tier_for_spend(member.spend)
        old = member.tier
        if self.rank.get(target.code, 0) <= self.rank.get(old, 0):
            return False
        member.tier, member.tier_since, member.tier_moved = target.code, self.now, True
        if self.notify:
            self.notices.append(notices.outbox_row(
                member.id, "tier_up", "service",
                {"old_tier": old, "new_tier": target.code, "spend": member.spend, "order_id": data.order_id},
                tiers.tier_up_key(member.id, target.code, self.now, self.settings), self.now))
        return True

    def _referral_bonus(self, member: _MemberState, at: int) -> int:
        """`referral.award_referral_bonus` for the member's first order ever (the one being played)."""
        ref, points, now = self.referrals, self.referrals.points, self.now
        if member.referred_by_id is None or points <= 0 or member.has_orders:
            return 0
        given = 0
        if referee_key(member.id) not in ref.keys_used:
            ref.keys_used.add(referee_key(member.id))
            self._credit(member, at, _lot(member.id, points, "bonus", "referral_referee", {"points": points},
                                          referee_key(member.id), now, points_expiry(now, self.settings)))
            given = points
        referrer = ref.referrers.get(member.referred_by_id)
        if referrer is not None and referrer.status == "member" and referrer_key(member.id) not in ref.keys_used:
            ref.keys_used.add(referrer_key(member.id))
            self._credit(referrer, at, _lot(referrer.id, points, "bonus", "referral_referrer", {"points": points},
                                            referrer_key(member.id), now, points_expiry(now, self.settings)))
            if self.notify:
                self.notices.append(notices.outbox_row(
                    referrer.id, "referral_bonus", "service",
                    {"points": points, "balance": referrer.balance, "friend_member_code": member.code},
                    f"referral_bonus:{member.id}", now))
        return given

    def write(self, session: Session) -> None:
        if not self.orders:
            return
        if insert_new_counted(session, Order.__table__, self.orders) != len(self.orders):
            raise ChunkRaced()
        ids = _order_ids(session)
        order_ids = [ids[(o["channel"], o["external_id"])] for o in self.orders]
        rows = []
        for at, row in self.ledger:
            key = row["idempotency_key"]
            if key is None:  # the order's earn row, or what it repaid: keyed by the order's id
                earn = f"order:{order_ids[at]}:earn"
                key = repaid_key(earn) if row["reason_code"] == "debt_repaid" else earn
            rows.append({**row, "order_id": order_ids[at], "idempotency_key": key})
        if insert_new_counted(session, PointsLedger.__table__, rows) != len(rows):
            raise ChunkRaced()
        changes = [dict(member_id=m.id, delta=m.delta, debt_delta=m.debt_delta, tier=m.tier, tier_since=m.tier_since)
                   for m in self.members.values() if m.delta or m.debt_delta or m.tier_moved]
        if changes:
            _fill_temp(session, MEMBER_CHANGES, changes)
            c = MEMBER_CHANGES.c
            session.execute(update(Member).where(Member.id == c.member_id)
                            .values(balance=Member.balance + c.delta, points_debt=Member.points_debt + c.debt_delta,
                                    tier=c.tier, tier_since=c.tier_since)
                            .execution_options(synchronize_session=False))
        notices.queue_rows(session, [
            row if isinstance(row, dict) else
            notices.outbox_row(self.orders[row[0]]["member_id"], "receipt", "service", row[1],
                               f"receipt:{order_ids[row[0]]}", self.now)
            for row in self.notices])


def _lot(member_id: int, points: int, kind: str, reason_code: str, params: dict, key: str | None, now: datetime,
         expires_at: datetime | None) -> dict:
    """A new lot's values (every row of a chunk has the same keys, for one multi-row INSERT)."""
    return dict(member_id=member_id, delta=points, kind=kind, reason_code=reason_code, reason_params=params,
                idempotency_key=key, order_id=None, created_at=now, shortfall=0, actor=None, remaining=points,
                expires_at=expires_at, debt_delta=0, reason="")
