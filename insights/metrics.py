"""The four measures of a membership programme, per month (and per store where it applies).

One computation, used by the dashboard and by GET /api/v1/metrics:

  acquisition rate        = new members in the month / members at month end
  retention rate          = (members at month end - new members in the month) / members at the previous month end
  revenue per member change = (member sales in the month - member sales in the previous month)
                              / members at the previous month end          (NT$)
  satisfaction            = average survey rating (1-5), and the share of 4-5 ratings

"Members at" an instant: joined before it and not erased before it. Member sales: the net amount
(after refunds) of orders placed in the month. Months are read in the store's timezone. A measure
whose denominator is zero is None. Sales come from the nightly rollups plus the live tail
(insights/rollups.py), which together are exact at any moment.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta, tzinfo
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from rewards.models import Member
from core.timeutil import local_midnight

from insights import rollups, survey_reports
from insights.months import Month, bucket
from insights.survey_reports import Satisfaction



@dataclass(frozen=True)
class Measures:
    month: str
    new_members: int
    members_at_end: int
    members_at_previous_end: int
    member_sales: int
    previous_member_sales: int
    satisfaction: Satisfaction = Satisfaction()
    # a month still in progress: its sales are of days 1..days_so_far, compared with the same days of
    # the previous month (previous_member_sales); None for a month that is over
    days_so_far: int | None = None

    @property
    def acquisition_rate(self) -> float | None:
        return self.new_members / self.members_at_end if self.members_at_end else None

    @property
    def retention_rate(self) -> float | None:
        if not self.members_at_previous_end:
            return None
        return (self.members_at_end - self.new_members) / self.members_at_previous_end

    @property
    def revenue_per_member_change(self) -> float | None:
        return revenue_change_per_member(self.member_sales, self.previous_member_sales,
                                         self.members_at_previous_end)

    def to_dict(self) -> dict[str, Any]:
        return {
            "month": self.month,
            "acquisition_rate": _round(self.acquisition_rate, 6),
            "acquisition_rate_percent": _round(_pct(self.acquisition_rate), 2),
            "retention_rate": _round(self.retention_rate, 6),
            "retention_rate_percent": _round(_pct(self.retention_rate), 2),
            "revenue_per_member_change": _round(self.revenue_per_member_change, 2),
            "satisfaction_average_rating": _round(self.satisfaction.average, 2),
            "satisfaction_share_4_5": _round(self.satisfaction.top_two_share, 4),
            "satisfaction_responses": self.satisfaction.responses,
            "new_members": self.new_members,
            "members_at_month_end": self.members_at_end,
            "members_at_previous_month_end": self.members_at_previous_end,
            "member_sales": self.member_sales,
            "previous_month_member_sales": self.previous_member_sales,
        }


@dataclass(frozen=True)
class StoreMeasures:
    store: str
    member_sales: int
    previous_member_sales: int
    members_at_previous_end: int
    satisfaction: Satisfaction

    @property
    def revenue_per_member_change(self) -> float | None:
        return revenue_change_per_member(self.member_sales, self.previous_member_sales,
                                         self.members_at_previous_end)

    def to_dict(self) -> dict[str, Any]:
        return {"store": self.store, "member_sales": self.member_sales,
                "previous_month_member_sales": self.previous_member_sales,
                "revenue_per_member_change": _round(self.revenue_per_member_change, 2),
                "satisfaction_average_rating": _round(self.satisfaction.average, 2),
                "satisfaction_share_4_5": _round(self.satisfaction.top_two_share, 4),
                "satisfaction_responses": self.satisfaction.responses}


def revenue_change_per_member(sales: int, previous_sales: int, members_at_previous_end: int) -> float | None:
    """(member sales in the month - in the previous month) / members at the previous month end."""
    if not members_at_previous_end:
        return None
    return (sales - previous_sales) / members_at_previous_end


def _pct(value: float | None) -> float | None:
    return None if value is None else value * 100


def _round(value: float | None, digits: int) -> float | None:
    return None if value is None else round(value, digits)


# -- the queries -------------------------------------------------------------------------------------

def member_counts(session: Session, months: list[Month], tz: tzinfo) -> tuple[dict[Month, int], dict[Month, int]]:
    """({month: members at its end}, {month: new members in it}) for consecutive `months`, and the
    members at the end of the month before the first.

    Members at T = joined before T - erased before T (an erased member had joined first, if ever).
    """
    bounds = [months[0].start(tz)] + [m.end(tz) for m in months]
    joined_before, erased_before = session.execute(select(
        select(func.count()).where(Member.joined_at < bounds[0]).scalar_subquery(),
        select(func.count()).where(Member.erased_at < bounds[0], Member.joined_at.is_not(None)).scalar_subquery(),
    )).one()

    def per_interval(column, *where):
        b = bucket(column, bounds)
        found = {i: int(n) for i, n in session.execute(
            select(b, func.count()).where(column >= bounds[0], column < bounds[-1], *where).group_by(b))
            if i is not None}
        return [found.get(i, 0) for i in range(len(months))]

    joins = per_interval(Member.joined_at)
    erasures = per_interval(Member.erased_at, Member.joined_at.is_not(None))
    counts = {months[0].previous(): int(joined_before) - int(erased_before)}
    running = counts[months[0].previous()]
    for m, joined, erased in zip(months, joins, erasures):
        running += joined - erased
        counts[m] = running
    return counts, dict(zip(months, joins))


def member_sales(session: Session, months: list[Month], tz: tzinfo, by_store: bool = False) -> dict:
    """{month: NT$} (or {(month, store): NT$}) of member orders placed in each of `months`, net of refunds."""
    bounds = [months[0].start(tz)] + [m.end(tz) for m in months]
    found = rollups.net_sales(session, bounds, tz, by_store)
    if by_store:
        return {(months[i], store): total for (i, store), total in found.items()}
    return {m: found.get(i, 0) for i, m in enumerate(months)}


def sales_so_far(session: Session, month: Month, now: datetime, by_store: bool = False) -> tuple[int, Any, Any]:
    """(days so far, member sales of those days, member sales of the same days of the previous month)
    for the month in progress at `now` (the previous month's part stops at its end); by store, the two
    sales are {store: NT$}."""
    tz = now.tzinfo
    days = (now.date() - month.start(tz).date()).days + 1
    before = month.previous()
    previous_cut = min(local_midnight(before.start(tz).date() + timedelta(days=days), now), month.start(tz))
    bounds = [before.start(tz), previous_cut, month.start(tz),
              local_midnight(month.start(tz).date() + timedelta(days=days), now)]
    now_part, before_part = 2, 0
    if previous_cut == month.start(tz):  # the whole previous month: drop the empty interval
        bounds, now_part = [bounds[0], bounds[2], bounds[3]], 1
    found = rollups.net_sales(session, bounds, tz, by_store)
    if not by_store:
        return days, found.get(now_part, 0), found.get(before_part, 0)
    return (days, {st: v for (i, st), v in found.items() if i == now_part},
            {st: v for (i, st), v in found.items() if i == before_part})


def measures_for_months(session: Session, months: list[Month], tz: tzinfo,
                        now: datetime | None = None) -> list[Measures]:
    """The four measures for each of the consecutive `months` (oldest first). With `now`, a month in
    progress compares its days so far with the same days of the previous month."""
    months = sorted(months)
    counts, new = member_counts(session, months, tz)
    sales = member_sales(session, [months[0].previous(), *months], tz)
    result = []
    for m in months:
        start, end = m.start(tz), m.end(tz)
        result.append(Measures(month=str(m), new_members=new[m], members_at_end=counts[m],
                               members_at_previous_end=counts[m.previous()], member_sales=sales[m],
                               previous_member_sales=sales[m.previous()],
                               satisfaction=survey_reports.satisfaction(session, start, end)))
    if now is not None and months[-1].start(tz) <= now < months[-1].end(tz):
        days, so_far, before = sales_so_far(session, months[-1], now.astimezone(tz))
        result[-1] = replace(result[-1], member_sales=so_far, previous_member_sales=before, days_so_far=days)
    return result


def monthly_measures(session: Session, month: Month, tz: tzinfo) -> Measures:
    """The four measures of one month: what the dashboard's headline and the metrics API show."""
    return measures_for_months(session, [month], tz)[0]


def store_measures(session: Session, month: Month, tz: tzinfo, members_at_previous_end: int,
                   now: datetime | None = None) -> list[StoreMeasures]:
    """Sales and satisfaction per store (online orders as "online"), biggest sales first. With `now` in
    the month, its days so far against the same days of the previous month."""
    sales = member_sales(session, [month.previous(), month], tz, by_store=True)
    if now is not None and month.start(tz) <= now < month.end(tz):
        _, so_far, before = sales_so_far(session, month, now.astimezone(tz), by_store=True)
        sales = {**{(month, st): v for st, v in so_far.items()},
                 **{(month.previous(), st): v for st, v in before.items()}}
    stores = sorted({store for _, store in sales} | set(survey_reports.stores(session)))
    rated = survey_reports.satisfaction_by_store(session, month.start(tz), month.end(tz))
    rows = [StoreMeasures(store, sales.get((month, store), 0), sales.get((month.previous(), store), 0),
                          members_at_previous_end, rated.get(store, Satisfaction()))
            for store in stores]
    return sorted(rows, key=lambda r: (-r.member_sales, r.store))


def report(session: Session, month: Month, tz: tzinfo) -> dict[str, Any]:
    """The measures as the metrics API answers them."""
    overall = monthly_measures(session, month, tz)
    stores = store_measures(session, month, tz, overall.members_at_previous_end)
    return {**overall.to_dict(), "stores": [s.to_dict() for s in stores],
            "definitions": {
                "acquisition_rate": "new members in the month / members at month end",
                "retention_rate": "(members at month end - new members in the month) / members at the previous month end",
                "revenue_per_member_change": "(member sales in the month - member sales in the previous month) "
                                             "/ members at the previous month end, NT$",
                "satisfaction": "average survey rating (1-5) and the share of 4-5 ratings",
            }}
