"""RFM on a small known data set: quintile scores, named segments, the nightly sweep."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from worker.runner import run_due
from insights import rfm
from insights.models import RfmScore

from .people import add_member, add_order


def test_quintiles_of_five_distinct_values_are_1_to_5():
    assert rfm.quintile_scores([10, 50, 20, 40, 30]) == [1, 5, 2, 4, 3]
    assert rfm.quintile_scores([10, 50, 20, 40, 30], higher_is_better=False) == [5, 1, 4, 2, 3]


def test_equal_values_share_a_score():
    # six one-order members and four repeat buyers: all one-timers get F=1
    assert rfm.quintile_scores([1, 1, 1, 1, 1, 1, 2, 2, 5, 9]) == [1, 1, 1, 1, 1, 1, 4, 4, 5, 5]
    assert rfm.quintile_scores([7]) == [1]
    assert rfm.quintile_scores([3, 3, 3]) == [1, 1, 1]


@pytest.mark.parametrize("scores,segment", [
    ((5, 5, 5), "champions"), ((4, 4, 4), "champions"), ((5, 4, 3), "loyal"), ((3, 3, 1), "loyal"),
    ((2, 5, 5), "cant_lose"), ((1, 4, 4), "cant_lose"), ((2, 3, 5), "at_risk"), ((1, 5, 2), "at_risk"),
    ((5, 1, 1), "new"), ((4, 1, 5), "new"), ((5, 2, 2), "potential"), ((3, 1, 1), "potential"),
    ((2, 2, 5), "hibernating"), ((2, 1, 1), "hibernating"), ((1, 2, 2), "lost"), ((1, 1, 1), "lost"),
])
def test_segment_names(scores, segment):
    assert rfm.segment_for(*scores) == segment


def test_every_score_combination_has_exactly_one_segment():
    names = {rfm.segment_for(r, f, m) for r in range(1, 6) for f in range(1, 6) for m in range(1, 6)}
    assert names == set(rfm.RFM_SEGMENTS)


KNOWN = [
    # (member, recency days, orders, NT$)  ->  (R, F, M, segment)
    ("A", 1, 10, 50_000, (5, 5, 5, "champions")),
    ("B", 200, 8, 40_000, (2, 4, 4, "cant_lose")),
    ("C", 10, 1, 500, (4, 1, 1, "new")),
    ("D", 400, 2, 1_000, (1, 2, 2, "lost")),
    ("E", 30, 3, 3_000, (3, 3, 3, "loyal")),
]


def test_compute_on_the_known_set():
    scored = rfm.compute([(i, rec, n, spend) for i, (_, rec, n, spend, _) in enumerate(KNOWN)])
    assert [(s.r, s.f, s.m, s.segment) for s in scored] == [expected for *_, expected in KNOWN]


def test_scoring_from_the_database_then_the_nightly_sweep(app, clock):
    rt = app.extensions["bot"]
    now = clock.now()
    with rt.db.session() as s:
        ids = {}
        for name, recency, n, spend, _ in KNOWN:
            m = add_member(s, now - timedelta(days=800), name=name)
            ids[name] = m.id
            for k in range(n):  # the last order `recency` days ago, earlier ones before it
                add_order(s, m, spend // n, now - timedelta(days=recency + k, hours=1))
        refunded = add_member(s, now - timedelta(days=30), name="R")
        add_order(s, refunded, 900, now - timedelta(days=2), status="refunded", net_amount=0)
        add_member(s, now - timedelta(days=5), name="no purchase")
        erased = add_member(s, now - timedelta(days=50), name=None, status="erased", line_user_id=None)
        add_order(s, erased, 999, now - timedelta(days=3))
    results = run_due(app, now)
    assert any(r.name == "rfm-scores" and r.ok and "scored 5 members" in r.summary for r in results), results
    with rt.db.session() as s:
        got = {row.member_id: (row.r, row.f, row.m, row.segment) for row in s.scalars(select(RfmScore))}
        assert got == {ids[name]: expected for name, *_, expected in KNOWN}
        assert rfm.segment_sizes(s)["champions"] == 1
    again = run_due(app, now + timedelta(hours=3))
    assert any(r.name == "rfm-scores" and "already scored today" in r.summary for r in again)
    # the next night scores afresh (recency has grown by a day)
    run_due(app, now + timedelta(days=1))
    with rt.db.session() as s:
        assert s.get(RfmScore, ids["A"]).recency_days == 2
