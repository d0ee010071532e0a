from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import select, text

from rewards import ledger
from rewards.errors import InsufficientPoints
from rewards.models import Member, PointsLedger
from rewards.settings import ProgramSettings

from rewards_testkit import TZ


def lots(session, member):
    return list(session.scalars(select(PointsLedger).where(PointsLedger.member_id == member.id,
                                                           PointsLedger.remaining.is_not(None))
                                .order_by(PointsLedger.id)))


def test_credit_adds_a_lot_valid_through_the_same_day_next_year(session, make_member, now, settings):
    m = make_member()
    row = ledger.credit(session, m, 120, "earn", "earn_order",
                        {"amount": 12000, "store_id": "S01", "multiplier_pct": 100, "points": 120}, "k1", now, settings)
    assert (row.delta, row.kind, row.remaining, row.shortfall) == (120, "earn", 120, 0)
    # valid through 2027-11-20 (Taipei), i.e. until 00:00 on the 21st
    assert row.expires_at == datetime(2027, 11, 21, 0, 0, tzinfo=TZ)
    assert (row.reason_code, row.reason_params["store_id"], row.reason) == ("earn_order", "S01", "")  # no words
    assert m.balance == 120


def test_credit_is_idempotent_by_key(session, make_member, now, settings):
    m = make_member()
    assert ledger.credit(session, m, 10, "bonus", "welcome", {"points": 10}, "same", now, settings) is not None
    assert ledger.credit(session, m, 10, "bonus", "welcome", {"points": 10}, "same", now, settings) is None
    assert m.balance == 10
    assert ledger.entry_for_key(session, "same").delta == 10


def test_credit_without_expiry_and_settings_without_expiry(session, make_member, now, settings):
    m = make_member()
    assert ledger.credit(session, m, 5, "bonus", "welcome", {"points": 5}, "a", now, settings,
                         expires=False).expires_at is None
    never = ProgramSettings(points_valid_months=0)
    assert ledger.credit(session, m, 5, "bonus", "welcome", {"points": 5}, "b", now, never).expires_at is None


def test_credit_rejects_bad_input(session, make_member, now, settings):
    m = make_member()
    with pytest.raises(ValueError):
        ledger.credit(session, m, 0, "earn", "x", {}, "k", now, settings)
    with pytest.raises(ValueError):
        ledger.credit(session, m, 5, "redeem", "x", {}, "k", now, settings)
    with pytest.raises(ValueError):
        ledger.credit(session, m, 5, "earn", "x", {}, "k", now.replace(tzinfo=None), settings)
    with pytest.raises(TypeError):
        ledger.credit(session, m, 5.0, "earn", "x", {}, "k", now, settings)


def test_debit_takes_points_and_consumes_earliest_expiry_first(session, make_member, now, settings, give_points):
    m = make_member()
    forever = give_points(m, 100, expires=False)            # never expires: consumed last
    old = give_points(m, 30, at=now - timedelta(days=300))  # expires first
    new = give_points(m, 50, at=now)
    row = ledger.debit(session, m, 60, "redeem", "redeem_reward", {"reward_zh": "咖啡", "cost": 60}, "d1", now)
    assert row.delta == -60 and row.remaining is None
    session.refresh(old), session.refresh(new), session.refresh(forever)
    assert (old.remaining, new.remaining, forever.remaining) == (0, 20, 100)
    assert m.balance == 120


def test_debit_ties_on_expiry_go_oldest_first(session, make_member, now, settings, give_points):
    m = make_member()
    a, b = give_points(m, 10), give_points(m, 10)
    ledger.debit(session, m, 15, "redeem", "redeem_reward", {"cost": 15}, "d", now)
    session.refresh(a), session.refresh(b)
    assert (a.remaining, b.remaining) == (0, 5)


def test_debit_insufficient_changes_nothing(session, make_member, now, give_points):
    m = make_member()
    give_points(m, 40)
    with pytest.raises(InsufficientPoints) as info:
        ledger.debit(session, m, 50, "redeem", "redeem_reward", {"cost": 50}, "d", now)
    assert (info.value.balance, info.value.needed) == (40, 50)
    assert m.balance == 40 and ledger.entry_for_key(session, "d") is None
    assert [l.remaining for l in lots(session, m)] == [40]


def test_debit_is_idempotent_by_key(session, make_member, now, give_points):
    m = make_member()
    give_points(m, 100)
    first = ledger.debit(session, m, 30, "redeem", "redeem_reward", {"cost": 30}, "tap", now)
    again = ledger.debit(session, m, 30, "redeem", "redeem_reward", {"cost": 30}, "tap", now)
    assert again.id == first.id and m.balance == 70
    row, created = ledger.debit_once(session, m, 30, "redeem", "redeem_reward", {"cost": 30}, "tap", now)
    assert (row.id, created) == (first.id, False)


def test_debit_is_one_conditional_update(session, make_member, now, give_points, capture_sql):
    m = make_member()
    give_points(m, 100)
    session.flush()
    with capture_sql() as stmts:
        ledger.debit(session, m, 30, "redeem", "redeem_reward", {"cost": 30}, "one", now)
    member_writes = [s for s in stmts if s.upper().startswith("UPDATE MEMBERS")]
    assert len(member_writes) == 1
    w = member_writes[0].lower()
    assert "balance=(members.balance -" in w.replace(" = ", "=") and "members.balance >=" in w
    # nothing read the balance before deciding
    before = stmts[:stmts.index(member_writes[0])]
    assert not any("members.balance" in s.lower() and s.upper().startswith("SELECT") for s in before)


def test_take_up_to_takes_what_is_there_and_records_the_shortfall(session, make_member, now, give_points):
    m = make_member()
    give_points(m, 25)
    row, created = ledger.take_up_to(session, m, 40, "refund", "refund_order",
                                     {"amount": 4000, "order": "A1"}, "t1", now)
    assert created and (row.delta, row.shortfall) == (-25, 15) and m.balance == 0
    assert row.reason_params["points"] == 25 and row.reason_params["shortfall"] == 15
    again, created = ledger.take_up_to(session, m, 40, "refund", "refund_order", {}, "t1", now)
    assert (again.id, created) == (row.id, False)
    zero, _ = ledger.take_up_to(session, m, 10, "refund", "refund_order", {"amount": 1, "order": "A"}, "t2", now)
    assert (zero.delta, zero.shortfall, m.balance) == (0, 10, 0)


def test_balance_check_and_inconsistencies(session, make_member, now, give_points):
    m = make_member()
    give_points(m, 10)
    assert ledger.balance_check(session, m)
    assert ledger.find_inconsistencies(session) == []
    session.execute(text("UPDATE members SET balance = 11 WHERE id = :id"), {"id": m.id})
    assert not ledger.balance_check(session, m)
    assert ledger.find_inconsistencies(session) == [{"member_id": m.id, "balance": 11, "ledger_sum": 10, "lots": 10,
                                                     "debt": 0, "ledger_debt": 0}]
    session.execute(text("UPDATE members SET balance = 10, points_debt = 3 WHERE id = :id"), {"id": m.id})
    assert ledger.find_inconsistencies(session) == [{"member_id": m.id, "balance": 10, "ledger_sum": 10, "lots": 10,
                                                     "debt": 3, "ledger_debt": 0}]  # a debt the ledger does not hold
    session.execute(text("UPDATE members SET points_debt = 0 WHERE id = :id"), {"id": m.id})


def test_expiring_next_sums_the_next_day_to_expire(session, make_member, now, give_points):
    m = make_member()
    assert ledger.expiring_next(session, m, now) is None
    give_points(m, 10, at=now - timedelta(days=100))
    give_points(m, 5, at=now - timedelta(days=100, hours=3))   # same local day as the first
    give_points(m, 7, at=now - timedelta(days=10))
    give_points(m, 50, expires=False)
    points, day = ledger.expiring_next(session, m, now)
    assert (points, day) == (15, (now - timedelta(days=100)).date().replace(year=2027))
    assert isinstance(day, date)


@pytest.mark.parametrize("same_day", [3, ledger.EXPIRY_INSTANTS_READ + 4])
def test_expiring_next_sums_every_instant_of_the_first_day(session, make_member, now, give_points, same_day):
    """Lots expiring at different instants of one local day (a console or import may set any instant)
    count together, also beyond the instants read in the first statement; the next day's do not."""
    m = make_member()
    for _ in range(same_day + 5):
        give_points(m, 1)
    day_ends = datetime(2027, 3, 2, tzinfo=TZ)
    instants = [day_ends - timedelta(minutes=i) for i in range(same_day)] + \
               [day_ends + timedelta(hours=1, minutes=i) for i in range(5)]
    for lot, until in zip(lots(session, m), instants):
        lot.expires_at = until
    session.flush()
    assert ledger.expiring_next(session, m, now) == (same_day, date(2027, 3, 1))


def test_history_newest_first_with_limit(session, make_member, now, give_points):
    m = make_member()
    for i in range(12):
        give_points(m, i + 1, at=now + timedelta(minutes=i))
    rows = ledger.history(session, m)
    assert len(rows) == 10 and rows[0].delta == 12 and rows[-1].delta == 3
    assert len(ledger.history(session, m, limit=3)) == 3


def test_caller_owns_the_transaction_even_on_sqlite(session, make_member, now, settings, session_factory):
    """A savepoint as the first write must not commit anything on its own (pysqlite legacy mode)."""
    m = make_member()
    session.commit()
    s2 = session_factory()
    try:
        member = s2.get(Member, m.id)
        ledger.credit(s2, member, 10, "bonus", "welcome", {"points": 10}, "rolled-back", now, settings)
        s2.rollback()
    finally:
        s2.close()
    assert ledger.entry_for_key(session, "rolled-back") is None
    session.refresh(m)
    assert m.balance == 0


def test_every_ledger_write_is_one_update_and_one_insert_without_savepoints(session, make_member, now, settings,
                                                                           give_points, capture_sql):
    m = make_member()
    give_points(m, 100)
    session.flush()
    with capture_sql() as stmts:
        ledger.credit(session, m, 5, "bonus", "earn_order", {}, "w:credit", now, settings)
        ledger.debit(session, m, 7, "redeem", "redeem_reward", {"cost": 7}, "w:debit", now)
    assert not any("SAVEPOINT" in s.upper() for s in stmts)
    assert sum(s.upper().startswith("INSERT INTO POINTS_LEDGER") for s in stmts) == 2
    # a key used before (as by a concurrent replay that got there first) changes nothing
    session.expire(m, ["balance"])
    before = m.balance
    row, created = ledger.write_once(session, m, ledger._row(m, 50, "bonus", "earn_order", {}, "w:credit", now,
                                                             None, remaining=50))
    assert created is False and row.delta == 5 and m.balance == before == 98
    assert ledger.balance_check(session, m)
