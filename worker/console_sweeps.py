"""The timed work behind console features, as sweeps for bot/jobs.py's registry: `function(rt, now)`."""
from __future__ import annotations

from messaging import broadcasts
from insights import rfm, rollups
from messaging.models import Broadcast


def rfm_scores(rt, now):
    """Nightly: score every member's RFM (once per local day; a second run changes nothing)."""
    with rt.db.session() as session:
        return rfm.score_if_due(session, now)


def dashboard_rollups(rt, now):
    """Nightly: rebuild the dashboard's pre-aggregation (a cache: numbers are exact without it)."""
    with rt.db.session() as session:
        return rollups.rebuild_if_due(session, now, rt.clock.tz)


QUEUE_CHUNK = 500


def due_broadcasts(rt, now):
    """Queue every broadcast whose time has come: one outbox row per recipient, a transaction per
    chunk (a crash mid-way is finished by the next run; the dedup keys write nobody twice)."""
    with rt.db.session() as session:
        due = broadcasts.claim_due(session, now)
    tiers = tuple(t.code for t in rt.settings.tiers)
    done = []
    for broadcast_id in due:
        with rt.db.session() as session:
            b = session.get(Broadcast, broadcast_id)
            member_ids = broadcasts.recipients(session, broadcasts.audience_filter(session, b, tiers), now)
        written = 0
        for i in range(0, len(member_ids), QUEUE_CHUNK):
            with rt.db.session() as session:
                written += broadcasts.queue_chunk(session, broadcast_id, member_ids[i:i + QUEUE_CHUNK], now,
                                                  link_base=rt.config.BOT_PUBLIC_URL)
        with rt.db.session() as session:
            broadcasts.finish(session, broadcast_id, now)
        done.append(f"#{broadcast_id}: {written} messages")
    return "queued " + "; ".join(done) if done else "nothing due"
