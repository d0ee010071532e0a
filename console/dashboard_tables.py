"""The dashboard's numbers as tables (for the page, its charts and its CSV downloads) — one place."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, tzinfo

from sqlalchemy.orm import Session

from insights import dashboard_data, metrics, rfm
from messaging import broadcast_results
from insights.months import Month
from rewards.settings import ProgramSettings

from .texts import RFM_LABELS

TREND_MONTHS = 12


@dataclass
class Table:
    name: str
    title: str
    header: list[str]
    rows: list[list] = field(default_factory=list)

    @property
    def numeric_columns(self) -> set[int]:
        """Columns holding numbers (right-aligned): those whose values are all numbers or empty."""
        return {i for i in range(len(self.header))
                if self.rows and all(isinstance(r[i], (int, float)) or r[i] is None for r in self.rows)}


@dataclass
class Dashboard:
    month: Month
    measures: metrics.Measures
    previous: metrics.Measures | None
    trend: list[metrics.Measures]
    returning: dashboard_data.ReturningShare
    returning_before: dashboard_data.ReturningShare
    tables: dict[str, Table]
    rfm_as_of: datetime | None = None  # when the nightly RFM scores shown were computed


def _pct(value):
    return None if value is None else round(value * 100, 2)


def build(session: Session, month: Month, tz: tzinfo, settings: ProgramSettings,
          now: datetime | None = None) -> Dashboard:
    months = month.back(TREND_MONTHS)
    trend = metrics.measures_for_months(session, months, tz, now)
    current = trend[-1]
    stores = metrics.store_measures(session, month, tz, current.members_at_previous_end, now)
    funnel = dashboard_data.funnel(session, months, tz)
    tiers = dashboard_data.tier_mix(session)
    rfm_as_of = rfm.ensure_scored(session, now) if now is not None else rfm.last_scored_at(session)
    segments = rfm.segment_sizes(session)
    broadcasts = broadcast_results.latest(session)
    tables = {
        "measures": Table("measures", "每月指標 Monthly measures",
                          ["month", "new_members", "members_at_month_end", "acquisition_rate_%", "retention_rate_%",
                           "member_sales", "revenue_per_member_change", "satisfaction_avg", "satisfaction_4_5_%"],
                          [[m.month + (f" 至今 so far (1–{m.days_so_far})" if m.days_so_far else ""), m.new_members, m.members_at_end, _pct(m.acquisition_rate), _pct(m.retention_rate),
                            m.member_sales, None if m.revenue_per_member_change is None
                            else round(m.revenue_per_member_change, 2),
                            None if m.satisfaction.average is None else round(m.satisfaction.average, 2),
                            _pct(m.satisfaction.top_two_share)] for m in trend]),
        "stores": Table("stores", f"門市 Stores, {month}" + (f" 至今 so far (1–{current.days_so_far})"
                                                           if current.days_so_far else ""),
                        ["store", "member_sales", "previous_month_sales", "revenue_per_member_change",
                         "satisfaction_avg", "satisfaction_4_5_%", "responses"],
                        [[s.store, s.member_sales, s.previous_member_sales,
                          None if s.revenue_per_member_change is None else round(s.revenue_per_member_change, 2),
                          None if s.satisfaction.average is None else round(s.satisfaction.average, 2),
                          _pct(s.satisfaction.top_two_share), s.satisfaction.responses] for s in stores]),
        "funnel": Table("funnel", "漏斗（依成為好友月份）Funnel by join month",
                        ["month", "line_friends", "members", "first_purchase", "repeat_buyers", "blocked"],
                        [[f.month, f.friends, f.members, f.first_purchase, f.repeat_buyers, f.blocked]
                         for f in funnel]),
        "tiers": Table("tiers", "等級分布 Tier mix", ["tier", "name", "members"],
                       [[t.code, f"{t.name_zh} {t.name_en}", tiers.get(t.code, 0)]
                        for t in sorted(settings.tiers, key=lambda t: t.threshold)]),
        "rfm": Table("rfm", "RFM 分群 RFM segments", ["segment", "name", "members"],
                     [[code, RFM_LABELS[code], n] for code, n in segments.items()]),
        "broadcasts": Table("broadcasts", "推播成效 Broadcast results",
                            ["broadcast", "queued_at", "recipients", "sent", "blocked_within_24h", "block_rate_%"],
                            [[b.name, b.queued_at, b.recipients, b.sent, b.blocked_within_24h, _pct(b.block_rate)]
                             for b in broadcasts]),
    }
    return Dashboard(month=month, measures=current, previous=trend[-2] if len(trend) > 1 else None, trend=trend,
                     returning=dashboard_data.returning_share(session, month, tz),
                     returning_before=dashboard_data.returning_share(session, month.previous(), tz),
                     tables=tables, rfm_as_of=rfm_as_of)


def charts(d: Dashboard) -> dict[str, dict]:
    """Chart data (drawn in the browser by static/charts.js)."""
    labels = [m.month for m in d.trend]
    funnel = d.tables["funnel"].rows
    return {
        "rates": {"type": "line", "labels": labels, "format": "percent", "series": [
            {"name": "獲取率 Acquisition", "values": [m.acquisition_rate for m in d.trend]},
            {"name": "留存率 Retention", "values": [m.retention_rate for m in d.trend]}]},
        "members": {"type": "bar", "labels": labels, "format": "number", "series": [
            {"name": "月底會員 Members at month end", "values": [m.members_at_end for m in d.trend]},
            {"name": "新會員 New members", "values": [m.new_members for m in d.trend]}]},
        "sales": {"type": "bar", "labels": labels, "format": "money", "series": [
            {"name": "會員消費 Member sales", "values": [m.member_sales for m in d.trend]}]},
        "funnel": {"type": "bar", "labels": [r[0] for r in funnel], "format": "number", "series": [
            {"name": "好友 Friends", "values": [r[1] for r in funnel]},
            {"name": "會員 Members", "values": [r[2] for r in funnel]},
            {"name": "首購 First purchase", "values": [r[3] for r in funnel]},
            {"name": "回購 Repeat", "values": [r[4] for r in funnel]},
            {"name": "封鎖 Blocked", "values": [r[5] for r in funnel]}]},
        "tiers": {"type": "hbar", "labels": [r[1] for r in d.tables["tiers"].rows], "format": "number",
                  "series": [{"name": "會員 Members", "values": [r[2] for r in d.tables["tiers"].rows]}]},
        "rfm": {"type": "hbar", "labels": [r[1] for r in d.tables["rfm"].rows], "format": "number",
                "series": [{"name": "會員 Members", "values": [r[2] for r in d.tables["rfm"].rows]}]},
    }
