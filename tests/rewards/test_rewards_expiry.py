from datetime import timedelta

from sqlalchemy import select

from rewards import ledger
from rewards.expiry import expire_points
from rewards.models import PointsLedger


def test_expire_lots_past_their_date_once(session, make_member, give_points, now, settings):
    m = make_member()
    old = give_points(m, 30, at=now - timedelta(days=400))
    older = give_points(m, 20, at=now - timedelta(days=500))
    fresh = give_points(m, 50, at=now - timedelta(days=10))
    keep = give_points(m, 5, expires=False)
    ledger.debit(session, m, 25, "redeem", "redeem_reward", {"cost": 25}, "spend", now)  # 20 from older, 5 from old
    assert expire_points(session, now, settings) == 1
    assert m.balance == 55
    session.refresh(old), session.refresh(older), session.refresh(fresh), session.refresh(keep)
    assert (older.remaining, old.remaining, fresh.remaining, keep.remaining) == (0, 0, 50, 5)
    row = ledger.entry_for_key(session, f"expire:{old.id}")
    assert (row.delta, row.kind) == (-25, "expire")
    assert (row.reason_code, row.reason_params["points"], row.reason_params["lot_id"]) == ("expire", 25, old.id)
    assert expire_points(session, now, settings) == 0
    assert expire_points(session, now + timedelta(days=3650), settings) == 1
    assert m.balance == 5


def test_expire_oldest_first_and_limit(session, make_member, give_points, now, settings):
    a, b = make_member(), make_member()
    first = give_points(b, 1, at=now - timedelta(days=600))
    second = give_points(a, 2, at=now - timedelta(days=500))
    assert expire_points(session, now, settings, limit=1) == 1
    assert ledger.entry_for_key(session, f"expire:{first.id}") is not None
    assert ledger.entry_for_key(session, f"expire:{second.id}") is None
    assert expire_points(session, now, settings) == 1
    expired = session.scalars(select(PointsLedger).where(PointsLedger.kind == "expire")
                              .order_by(PointsLedger.id)).all()
    assert [e.member_id for e in expired] == [b.id, a.id]


def test_expiry_boundary_is_the_end_of_the_last_valid_day(session, make_member, give_points, now, settings):
    m = make_member()
    lot = give_points(m, 10, at=now)
    last_minute = lot.expires_at - timedelta(minutes=1)
    assert expire_points(session, last_minute, settings) == 0
    assert expire_points(session, lot.expires_at, settings) == 1
