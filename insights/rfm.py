"""RFM: every member who bought is scored nightly on recency, frequency and monetary value.

* recency   = whole days since the last purchase (fewer is better);
* frequency = number of orders, fully refunded ones not counted;
* monetary  = net spend (after refunds) in NT$, all time.

Each is scored 1-5 by quintile among the members scored: a value's score is 1 + floor(5 * b / n),
where b is how many members have a strictly worse value and n how many are scored. Equal values
get equal scores (so one-order members all share F=1 instead of being split at random).

The segment is named from the three scores by the first rule that matches (see SEGMENT_RULES).
Members without a purchase are not scored and have no segment.
"""
from __future__ import annotations

import bisect
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import delete, func, insert, select
from sqlalchemy.orm import Session

from rewards.models import Member, Order
from core.timeutil import require_aware
from rewards.tx import isolated

from insights.models import RFM_SEGMENTS, RfmScore

if TYPE_CHECKING:
    from core.sweep_batches import Skips

# (segment, rule on r, f, m): the first that holds names the segment; the last always holds.
SEGMENT_RULES = (
    ("champions", lambda r, f, m: r >= 4 and f >= 4 and m >= 4),
    ("cant_lose", lambda r, f, m: r <= 2 and f >= 4 and m >= 4),
    ("at_risk", lambda r, f, m: r <= 2 and f >= 3),
    ("loyal", lambda r, f, m: r >= 3 and f >= 3),
    ("new", lambda r, f, m: r >= 4 and f == 1),
    ("potential", lambda r, f, m: r >= 3),
    ("hibernating", lambda r, f, m: r == 2),
    ("lost", lambda r, f, m: True),
)
assert {name for name, _ in SEGMENT_RULES} == set(RFM_SEGMENTS)


@dataclass(frozen=True)
class Scored:
    member_id: int
    recency_days: int
    frequency: int
    monetary: int
    r: int
    f: int
    m: int
    segment: str


def segment_for(r: int, f: int, m: int) -> str:
    return next(name for name, rule in SEGMENT_RULES if rule(r, f, m))


def quintile_scores(values: list[int], higher_is_better: bool = True) -> list[int]:
    """The 1-5 score of each value among `values` (ties share a score)."""
    n = len(values)
    ordered = sorted(values)
    scores = []
    for v in values:
        worse = bisect.bisect_left(ordered, v) if higher_is_better else n - bisect.bisect_right(ordered, v)
        scores.append(1 + (5 * worse) // n)
    return scores


def compute(facts: list[tuple[int, int, int, int]]) -> list[Scored]:
    """Scores from (member_id, recency_days, frequency, monetary) for every member to score."""
    if not facts:
        return []
    rs = quintile_scores([x[1] for x in facts], higher_is_better=False)
    fs = quintile_scores([x[2] for x in facts])
    ms = quintile_scores([x[3] for x in facts])
    return [Scored(mid, rec, freq, mon, r, f, m, segment_for(r, f, m))
            for (mid, rec, freq, mon), r, f, m in zip(facts, rs, fs, ms)]


def purchase_facts(session: Session, now: datetime) -> list[tuple[int, int, int, int]]:
    """(member_id, recency_days, frequency, monetary) of every member with a purchase before `now`."""
    require_aware(now)
    rows = session.execute(
        select(Order.member_id, func.max(Order.placed_at), func.count(), func.coalesce(func.sum(Order.net_amount), 0))
        .join(Member, Member.id == Order.member_id)
        .where(Member.status == "member", Order.status != "refunded", Order.placed_at <= now)
        .group_by(Order.member_id)).all()
    return [(mid, max(0, (now - last).days), int(n), int(spend)) for mid, last, n, spend in rows]


def score_all(session: Session, now: datetime, skips: Skips | None = None) -> dict[str, int]:
    """Score everyone afresh (replacing yesterday's scores); returns members per segment. With
    `skips`, the scores are written a member at a time and a member whose row fails is skipped."""
    scored = compute(purchase_facts(session, now))
    session.execute(delete(RfmScore))
    rows = [{"member_id": s.member_id, "recency_days": s.recency_days, "frequency": s.frequency,
             "monetary": s.monetary, "r": s.r, "f": s.f, "m": s.m, "segment": s.segment, "scored_at": now}
            for s in scored]
    counts = {name: 0 for name in RFM_SEGMENTS}
    if skips is None:
        for i in range(0, len(rows), 5000):
            session.execute(insert(RfmScore), rows[i:i + 5000])
        written = rows
    else:
        written = []
        for row in rows:
            with isolated(session, skips, row["member_id"]):
                session.execute(insert(RfmScore), [row])
                written.append(row)
    for row in written:
        counts[row["segment"]] += 1
    return counts


def last_scored_at(session: Session) -> datetime | None:
    return session.scalar(select(func.max(RfmScore.scored_at)))


def ensure_scored(session: Session, now: datetime) -> datetime | None:
    """When the scores in use were computed: the nightly job's last run, or (if it never ran) now,
    scoring everyone first. None when there is nobody to score (no member has bought)."""
    last = last_scored_at(session)
    if last is None and sum(score_all(session, now).values()):
        return now
    return last


def score_if_due(session: Session, now: datetime, skips: Skips | None = None) -> str:
    """The nightly sweep: score once per local day (the first run after midnight does it)."""
    last = last_scored_at(session)
    if last is not None and last.astimezone(now.tzinfo).date() >= now.date():
        return f"already scored today at {last.astimezone(now.tzinfo):%H:%M}"
    counts = score_all(session, now, skips)
    return f"scored {sum(counts.values())} members: " + ", ".join(f"{k} {v}" for k, v in counts.items() if v)


def segment_sizes(session: Session) -> dict[str, int]:
    found = {name: n for name, n in session.execute(select(RfmScore.segment, func.count())
                                                   .group_by(RfmScore.segment))}
    return {name: int(found.get(name, 0)) for name in RFM_SEGMENTS}
