"""The timed work behind console features, as sweeps for bot/jobs.py's registry: `function(rt, now)`."""
from __future__ import annotations

from messaging import broadcasts
from insights import rfm, rollups


def rfm_scores(rt, now):
    """Nightly: score every member's RFM (once per local day; a second run changes nothing)."""
    with rt.db.session() as session:
        return rfm.score_if_due(session, now)


def dashboard_rollups(rt, now):
    """Nightly: rebuild the dashboard's pre-aggregation (a cache: numbers are exact without it)."""
    with rt.db.session() as session:
        return rollups.rebuild_if_due(session, now, rt.clock.tz)


QUEUE_SPAN = 20000  # member ids per INSERT ... SELECT (one transaction each)


def due_broadcasts(rt, now):
    """Queue every broadcast whose time has come: one outbox row per recipient, one INSERT ... SELECT
    and transaction per range of member ids (a crash mid-way is finished by the next run; the dedup
    keys write nobody twice)."""
    with rt.db.session() as session:
        due = broadcasts.claim_due(session, now)
        low, high = broadcasts.member_id_span(session)
    tiers = tuple(t.code for t in rt.settings.tiers)
    done = []
    for broadcast_id in due:
        written = 0
        for after in range(low - 1, high, QUEUE_SPAN):
            written += rt.db.run(lambda session, after=after: broadcasts.queue_range(
                session, broadcast_id, after, after + QUEUE_SPAN, now, tiers), write=True)
        with rt.db.session() as session:
            broadcasts.finish(session, broadcast_id, now)
        done.append(f"#{broadcast_id}: {written} messages")
    return "queued " + "; ".join(done) if done else "nothing due"
