"""Segments: an audience described by filters over what we know about members, counted live and saved.

A filter is plain data (`SegmentFilter.to_dict()` is what a saved segment stores). Every condition
given must hold (AND); within one list condition any value matches (OR). Only members (status
"member") are ever in a segment; whether a message can reach them (unsubscribed, blocked) is the
messaging policy's question, asked when a broadcast is counted and sent.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, fields
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import and_, case, exists, func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from rewards.models import Member, Order
from core.timeutil import local_midnight, require_aware
from rewards.tx import savepoint

from core import json_lists
from core.text_checks import text_problem
from insights import purchase_facts, rfm
from core.field_errors import FieldErrors
from insights.models import RFM_SEGMENTS, RfmScore, Segment

# the range of numbers and dates a filter may hold (beyond it SQL overflows, or date maths does)
MAX_WHOLE = 10**12
FIRST_DAY, LAST_DAY = date(1900, 1, 1), date(2999, 12, 31)
INTEREST_PREFIX = "interest:"  # interests are kept as member tags with this prefix
CHANNELS = ("store", "online")
SUBSCRIBED = ("", "yes", "no")
# members who never bought, with the purchase conditions: "" leave them out of any condition on the last
# purchase (said in the description), "include" let them through those conditions, "only" only them
NEVER_BOUGHT = ("", "include", "only")
BIRTHDAY_RELATIVE = ("this_month", "next_month")
SORTS = ("joined", "last_purchase", "spend", "points")


@dataclass(frozen=True)
class SegmentFilter:
    tiers: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    interests: tuple[str, ...] = ()
    rfm: tuple[str, ...] = ()
    birth_months: tuple[int, ...] = ()
    joined_from: date | None = None
    joined_to: date | None = None
    last_purchase_from: date | None = None
    last_purchase_to: date | None = None
    spend_12m_min: int | None = None
    spend_12m_max: int | None = None
    orders_min: int | None = None
    orders_max: int | None = None
    channels: tuple[str, ...] = ()
    subscribed: str = ""  # "" any, "yes", "no"
    # relative conditions, evaluated against `now` whenever the segment is used
    last_purchase_over_days: int | None = None  # last purchase more than N days ago
    last_purchase_within_days: int | None = None  # last purchase less than N days ago
    joined_within_days: int | None = None  # joined in the last N days (today counts as one)
    joined_over_days: int | None = None  # joined more than N days ago: exactly those "in the last N days" leaves out
    birthday_in: tuple[str, ...] = ()  # "this_month", "next_month"
    never_bought: str = ""  # see NEVER_BOUGHT

    # -- as data ----------------------------------------------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        data = {}
        for k, v in asdict(self).items():
            if v in ((), None, ""):
                continue
            data[k] = v.isoformat() if isinstance(v, date) else (list(v) if isinstance(v, tuple) else v)
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any] | None, tier_codes: tuple[str, ...] | None = None) -> "SegmentFilter":
        """Checked: raises FieldErrors naming each bad field."""
        data = dict(data or {})
        problems: dict[str, str] = {}
        known = {f.name for f in fields(cls)}
        for name in set(data) - known:
            problems[name] = "unknown filter"
        values: dict[str, Any] = {}

        def strings(name, allowed=None):
            raw = data.get(name) or []
            items = tuple(dict.fromkeys(str(x).strip() for x in (raw if isinstance(raw, (list, tuple)) else [raw])
                                        if str(x).strip()))
            bad = next((text_problem(x, single_line=True) for x in items if text_problem(x, single_line=True)), None)
            if bad:
                problems[name] = bad
            elif allowed is not None and set(items) - set(allowed):
                problems[name] = "unknown value " + ", ".join(sorted(set(items) - set(allowed)))
            values[name] = items

        def day(name):
            raw = data.get(name)
            if raw in (None, ""):
                return
            try:
                values[name] = raw if isinstance(raw, date) else date.fromisoformat(str(raw))
            except ValueError:
                problems[name] = "not a date (YYYY-MM-DD)"
                return
            if not FIRST_DAY <= values[name] <= LAST_DAY:
                problems[name] = f"must be between {FIRST_DAY.isoformat()} and {LAST_DAY.isoformat()}"

        def whole(name):
            raw = data.get(name)
            if raw in (None, ""):
                return
            try:
                number = int(raw)
            except (TypeError, ValueError):
                problems[name] = "not a whole number"
                return
            if number < 0:
                problems[name] = "cannot be negative"
            elif number > MAX_WHOLE:
                problems[name] = f"must be at most {MAX_WHOLE:,}"
            values[name] = number

        strings("tiers", tier_codes)
        strings("tags")
        strings("interests")
        strings("rfm", RFM_SEGMENTS)
        strings("channels", CHANNELS)
        strings("birthday_in", BIRTHDAY_RELATIVE)
        months = data.get("birth_months") or []
        try:
            values["birth_months"] = tuple(sorted({int(m) for m in months}))
            if any(not 1 <= m <= 12 for m in values["birth_months"]):
                problems["birth_months"] = "months are 1-12"
        except (TypeError, ValueError):
            problems["birth_months"] = "months are 1-12"
        for name in ("joined_from", "joined_to", "last_purchase_from", "last_purchase_to"):
            day(name)
        for name in ("spend_12m_min", "spend_12m_max", "orders_min", "orders_max", "last_purchase_over_days",
                     "last_purchase_within_days", "joined_within_days", "joined_over_days"):
            whole(name)
        never = str(data.get("never_bought") or "")
        if never not in NEVER_BOUGHT:
            problems["never_bought"] = "include, only or empty"
        values["never_bought"] = never
        subscribed = str(data.get("subscribed") or "")
        if subscribed not in SUBSCRIBED:
            problems["subscribed"] = "yes, no or empty"
        values["subscribed"] = subscribed
        for low, high in (("joined_from", "joined_to"), ("last_purchase_from", "last_purchase_to"),
                          ("spend_12m_min", "spend_12m_max"), ("orders_min", "orders_max")):
            if values.get(low) is not None and values.get(high) is not None and values[low] > values[high]:
                problems[high] = f"is before {low}" if "date" in type(values[low]).__name__ else f"is below {low}"
        if problems:
            raise FieldErrors(problems)
        return cls(**values)


    @property
    def last_purchase_conditions(self) -> bool:
        return any(v is not None for v in (self.last_purchase_from, self.last_purchase_to,
                                           self.last_purchase_over_days, self.last_purchase_within_days))

    @property
    def uses_orders(self) -> bool:
        return self.last_purchase_conditions or bool(self.never_bought) or any(
            v is not None for v in (self.spend_12m_min, self.spend_12m_max, self.orders_min, self.orders_max))


@dataclass(frozen=True)
class AudienceCount:
    total: int
    reachable: int  # subscribed, not blocked: who a marketing message could reach


# -- the query ---------------------------------------------------------------------------------------

def _day_start(day: date, now: datetime) -> datetime:
    return local_midnight(day, now)


def member_ids_query(session: Session, f: SegmentFilter, now: datetime):
    """SELECT members.id of everyone in the segment, as of `now` (its timezone is the store's: it
    reads the dates, and the order facts' rollup)."""
    require_aware(now)
    dialect = _dialect(session)
    q = select(Member.id).where(Member.status == "member")
    if f.tiers:
        q = q.where(Member.tier.in_(f.tiers))
    if f.tags:
        q = q.where(json_lists.contains_any(Member.tags, list(f.tags), dialect))
    if f.interests:
        q = q.where(json_lists.contains_any(Member.tags, [INTEREST_PREFIX + i for i in f.interests], dialect))
    if f.rfm:
        rfm.ensure_scored(session, now)
        q = q.where(Member.id.in_(select(RfmScore.member_id).where(RfmScore.segment.in_(f.rfm))))
    if f.birth_months:
        q = q.where(Member.birthday_month.in_(f.birth_months))
    if f.joined_from:
        q = q.where(Member.joined_at >= _day_start(f.joined_from, now))
    if f.joined_to:
        q = q.where(Member.joined_at < _day_start(f.joined_to + timedelta(days=1), now))
    today = now.date()
    if f.joined_within_days is not None:
        q = q.where(Member.joined_at >= _day_start(today - timedelta(days=max(f.joined_within_days - 1, 0)), now))
    if f.joined_over_days is not None:
        q = q.where(Member.joined_at < _day_start(today - timedelta(days=max(f.joined_over_days - 1, 0)), now))
    if f.birthday_in:
        months = {"this_month": today.month, "next_month": today.month % 12 + 1}
        q = q.where(Member.birthday_month.in_(sorted({months[b] for b in f.birthday_in})))
    if f.subscribed == "yes":
        q = q.where(Member.marketing_opt_in.is_(True))
    elif f.subscribed == "no":
        q = q.where(Member.marketing_opt_in.is_(False))
    if f.channels:
        q = q.where(exists(select(Order.id).where(Order.member_id == Member.id, Order.channel.in_(f.channels),
                                                  Order.status != "refunded")))
    if f.uses_orders:
        bought = purchase_facts.facts(session, now, now.tzinfo)
        q = q.outerjoin(bought, bought.c.member_id == Member.id)
        orders = func.coalesce(bought.c.orders, 0)
        spend = func.coalesce(bought.c.spend_12m, 0)
        last = []
        if f.last_purchase_from:
            last.append(bought.c.last_purchase >= _day_start(f.last_purchase_from, now))
        if f.last_purchase_to:
            last.append(bought.c.last_purchase < _day_start(f.last_purchase_to + timedelta(days=1), now))
        if f.last_purchase_over_days is not None:  # bought on a day before today - N
            last.append(bought.c.last_purchase < _day_start(today - timedelta(days=f.last_purchase_over_days), now))
        if f.last_purchase_within_days is not None:  # bought on a day after today - N
            last.append(bought.c.last_purchase
                        >= _day_start(today - timedelta(days=max(f.last_purchase_within_days - 1, 0)), now))
        never = bought.c.last_purchase.is_(None)
        if f.never_bought == "only":
            q = q.where(never)
        elif last and f.never_bought == "include":
            q = q.where(or_(never, and_(*last)))
        elif last:
            q = q.where(*last)
        if f.spend_12m_min is not None:
            q = q.where(spend >= f.spend_12m_min)
        if f.spend_12m_max is not None:
            q = q.where(spend <= f.spend_12m_max)
        if f.orders_min is not None:
            q = q.where(orders >= f.orders_min)
        if f.orders_max is not None:
            q = q.where(orders <= f.orders_max)
    return q


def _dialect(session: Session) -> str:
    return session.get_bind().dialect.name


def count(session: Session, f: SegmentFilter, now: datetime) -> AudienceCount:
    ids = member_ids_query(session, f, now).subquery()
    reachable = and_(Member.marketing_opt_in.is_(True), Member.is_blocked.is_(False),
                     Member.line_user_id.is_not(None))
    total, reach = session.execute(
        select(func.count(), func.coalesce(func.sum(case((reachable, 1), else_=0)), 0))
        .select_from(Member).join(ids, ids.c.id == Member.id)).one()
    return AudienceCount(int(total), int(reach))


def member_ids(session: Session, f: SegmentFilter, now: datetime) -> list[int]:
    return list(session.scalars(member_ids_query(session, f, now).order_by(Member.id)))


def members(session: Session, f: SegmentFilter, now: datetime, limit: int | None = 100) -> list[Member]:
    ids = member_ids_query(session, f, now).subquery()
    q = select(Member).join(ids, ids.c.id == Member.id).order_by(Member.joined_at.desc(), Member.id.desc())
    return list(session.scalars(q.limit(limit) if limit else q))


@dataclass(frozen=True)
class MemberRow:
    member: Member
    last_purchase: datetime | None
    spend_12m: int
    orders: int


def page(session: Session, f: SegmentFilter, now: datetime, sort: str = "joined", number: int = 1,
         per_page: int = 50, ascending: bool = False) -> tuple[int, list[MemberRow]]:
    """(how many match, one page of them with their purchase facts), newest / highest first, or with
    `ascending` oldest / lowest first; members without the value (never bought) last either way."""
    if sort not in SORTS:
        raise FieldErrors({"sort": "joined, last_purchase, spend or points"})
    ids = member_ids_query(session, f, now).subquery()
    total = session.scalar(select(func.count()).select_from(ids))
    bought = purchase_facts.facts(session, now, now.tzinfo)
    key = {"joined": Member.joined_at, "last_purchase": bought.c.last_purchase,
           "spend": func.coalesce(bought.c.spend_12m, 0), "points": Member.balance}[sort]
    q = (select(Member, bought.c.last_purchase, func.coalesce(bought.c.spend_12m, 0),
                func.coalesce(bought.c.orders, 0))
         .join(ids, ids.c.id == Member.id).outerjoin(bought, bought.c.member_id == Member.id)
         .order_by(key.is_(None), key.asc() if ascending else key.desc(),
                   Member.id.asc() if ascending else Member.id.desc())
         .limit(per_page).offset(max(number - 1, 0) * per_page))
    return int(total or 0), [MemberRow(m, last, int(spend), int(n)) for m, last, spend, n in session.execute(q)]


def known_tags(session: Session) -> tuple[list[str], list[str]]:
    """(tags, interests) used on members now, for the builder's choices. A tag stored before tags
    were checked (a NUL, a line break) is left out, never shown or offered."""
    every = [t for t in json_lists.distinct_values(session, Member.tags, where=Member.status == "member")
             if isinstance(t, str) and text_problem(t, single_line=True) is None]
    interests = [t[len(INTEREST_PREFIX):] for t in every if t.startswith(INTEREST_PREFIX)]
    return [t for t in every if not t.startswith(INTEREST_PREFIX)], interests


# -- saved segments ------------------------------------------------------------------------------------

def saved(session: Session, include_archived: bool = False) -> list[Segment]:
    q = select(Segment)
    if not include_archived:
        q = q.where(Segment.archived_at.is_(None))
    return list(session.scalars(q.order_by(Segment.name)))


def save(session: Session, name: str, f: SegmentFilter, actor: str, now: datetime,
         segment: Segment | None = None) -> Segment:
    """Create a segment, or (with `segment`) rename it and replace its filters."""
    require_aware(now)
    name = (name or "").strip()
    if not name or len(name) > 120:
        raise FieldErrors({"name": "a name of 1-120 characters is required"})
    clash = session.scalar(select(Segment.id).where(Segment.name == name))
    if clash is not None and (segment is None or clash != segment.id):
        raise FieldErrors({"name": f"a segment named “{name}” already exists"})
    if segment is None:
        segment = Segment(name=name, definition=f.to_dict(), created_by=actor, created_at=now, updated_at=now)
        try:
            with savepoint(session):
                session.add(segment)
                session.flush()
        except IntegrityError:
            raise FieldErrors({"name": f"a segment named “{name}” already exists"}) from None
        return segment
    segment.name, segment.definition, segment.updated_at = name, f.to_dict(), now
    session.flush()
    return segment


def archive(segment: Segment, now: datetime) -> None:
    segment.archived_at = now


def filter_of(segment: Segment | None, tier_codes: tuple[str, ...] | None = None) -> SegmentFilter:
    """The segment's filter (None: every member)."""
    return SegmentFilter.from_dict(segment.definition if segment else {}, tier_codes)
