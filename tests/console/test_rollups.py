"""The dashboard's nightly rollups are only a cache: with or without them, the numbers are the same,
also for orders and refunds that arrive after they were built (late imports included)."""
from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import delete, select

from worker.runner import run_due
from insights import dashboard_data, metrics, purchase_facts, rollups, segments
from insights.models import RollupState
from insights.months import Month
from rewards.models import Refund

from .people import add_member, add_order

TAIPEI = ZoneInfo("Asia/Taipei")
MONTHS = Month(2026, 11).back(6)


SEGMENTS = [{"orders_min": 2}, {"orders_max": 1}, {"spend_12m_min": 1_500}, {"spend_12m_max": 1_000},
            {"last_purchase_from": "2026-11-01"}, {"last_purchase_to": "2026-06-30"}]


def everything(rt):
    now = rt.clock.now()
    with rt.db.session() as s:
        bought = purchase_facts.facts(s, now, TAIPEI)
        return (sorted(tuple(r) for r in s.execute(select(bought))),
                [segments.count(s, segments.SegmentFilter.from_dict(f), now) for f in SEGMENTS],
                metrics.measures_for_months(s, MONTHS, TAIPEI),
                metrics.store_measures(s, Month(2026, 11), TAIPEI, 10),
                dashboard_data.funnel(s, MONTHS, TAIPEI),
                dashboard_data.returning_share(s, Month(2026, 11), TAIPEI),
                dashboard_data.returning_share(s, Month(2026, 10), TAIPEI))


def live_only(rt):
    """The same numbers computed with the rollups switched off."""
    with rt.db.session() as s:
        state = s.get(RollupState, 1)
        saved = (state.cutoff, state.timezone, state.built_at)
        s.execute(delete(RollupState))
    try:
        return everything(rt)
    finally:
        with rt.db.session() as s:
            s.add(RollupState(id=1, cutoff=saved[0], timezone=saved[1], built_at=saved[2]))


def test_rollups_change_no_number(app, clock):
    rt = app.extensions["bot"]
    now = clock.now()  # 2026-11-20 14:00 Taipei
    with rt.db.session() as s:
        people = [add_member(s, now - timedelta(days=30 * k + 3)) for k in range(8)]
        for k, m in enumerate(people):
            add_order(s, m, 1000 + k, now - timedelta(days=20 * k + 1), store_id=f"S0{k % 3}")
            add_order(s, m, 500, now - timedelta(days=20 * k + 40), channel="online")
        add_order(s, people[1], 800, now - timedelta(days=2), status="partially_refunded", net_amount=300)
        # an order placed at 23:30 local on 31 October: October in Taipei, though still 31 Oct in UTC too
        add_order(s, people[2], 777, datetime(2026, 10, 31, 23, 30, tzinfo=TAIPEI))
        old = add_order(s, people[5], 1_200, now - timedelta(days=200))  # to be refunded after the build
        gone = add_order(s, people[6], 900, now - timedelta(days=30))  # to be fully refunded after the build
        add_order(s, people[7], 3_000, now - timedelta(days=365, hours=-3))  # leaves the 12-month window soon
    before = everything(rt)
    results = run_due(app, now)
    assert any(r.name == "dashboard-rollups" and r.ok and "rolled up" in r.summary for r in results), results
    assert everything(rt) == before

    # after the build: a new order today, a late import of an October order, a refund of an old order
    later = now + timedelta(hours=2)
    with rt.db.session() as s:
        o = add_order(s, people[3], 4_000, later)
        late = add_order(s, people[4], 2_500, datetime(2026, 10, 15, 12, tzinfo=TAIPEI))
        late.created_at = later
        first = s.get(type(old), old.id)
        first.net_amount, first.status = 200, "partially_refunded"
        s.add(Refund(order_id=first.id, refund_id="late-refund", amount=1_000, points_reversed=0, shortfall=0,
                     created_at=later))
        fully = s.get(type(gone), gone.id)
        fully.net_amount, fully.status = 0, "refunded"
        s.add(Refund(order_id=fully.id, refund_id="full-refund", amount=900, points_reversed=0, shortfall=0,
                     created_at=later))
        newcomer = add_member(s, later)
        add_order(s, newcomer, 99, later)
        assert o.id
    with rt.db.session() as s:
        state = s.get(RollupState, 1)
        assert state.cutoff < later
    clock.set(later)
    after = everything(rt)
    assert after == live_only(rt)
    assert after != before


def test_a_rollup_for_another_timezone_is_ignored(app, clock):
    rt = app.extensions["bot"]
    now = clock.now()
    with rt.db.session() as s:
        m = add_member(s, now - timedelta(days=40))
        add_order(s, m, 1_000, datetime(2026, 11, 1, 3, 0, tzinfo=TAIPEI))  # 31 Oct 19:00 UTC
    with rt.db.session() as s:
        rollups.rebuild(s, now, ZoneInfo("UTC"))
    with rt.db.session() as s:
        sales = metrics.member_sales(s, [Month(2026, 10), Month(2026, 11)], TAIPEI)
    assert sales == {Month(2026, 10): 0, Month(2026, 11): 1_000}


def test_the_nightly_build_runs_once_a_day(app, clock):
    now = clock.now()
    run_due(app, now)
    again = run_due(app, now + timedelta(hours=1))
    assert any(r.name == "dashboard-rollups" and "already built today" in r.summary for r in again)

