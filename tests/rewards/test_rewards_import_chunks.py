"""The set-based import (rewards.order_batches) gives what the API's path (`record_order`, one order
per unit of work) gives for the same rows: orders, ledger rows and lots with their expiry, balances,
tiers, notices and the per-line report. Each path gets its own set of members (A: chunks, B: one
by one) with the same history; everything is compared with ids replaced by who and which order."""
import logging
import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from rewards import ledger, orders
from rewards.importer import ImportSummary, import_orders, record_one
from rewards.models import Member, Order, Outbox, PointsLedger
from rewards.order_input import OrderInput

ROLES = ("climber", "silver", "referrer", "referee", "friend", "regular")


def _members(make_member, now, prefix):
    made = {
        "climber": make_member(tier_since=now - timedelta(days=20), joined_days_ago=20),
        "silver": make_member(tier="silver", tier_since=now - timedelta(days=90), joined_days_ago=500),
        "referrer": make_member(tier_since=now - timedelta(days=300), joined_days_ago=300),
        "friend": make_member(status="friend"),
        "regular": make_member(tier_since=now - timedelta(days=5), joined_days_ago=700),
    }
    made["referee"] = make_member(tier_since=now - timedelta(days=3), joined_days_ago=3,
                                  referred_by_id=made["referrer"].id)
    return made


# points owed before the import (refunds of points already spent): every earning repays them first,
# orders and referral bonuses alike, on both paths
DEBTS = {"climber": 150, "referrer": 30, "referee": 70}


def _owe(session, members, now, prefix):
    for role, points in DEBTS.items():
        ledger.take_up_to(session, members[role], points, "refund", "refund_order", {"amount": 100, "order": "OLD"},
                          f"seed-{prefix}-{role}", now - timedelta(days=500))


def _rows(members, now, prefix):
    def row(role, n, amount, days_ago, channel="store", code=None):
        placed = (now - timedelta(days=days_ago)).isoformat()
        return {"channel": channel, "order_id": f"{prefix}-{n}", "member_code": code or members[role].member_code,
                "amount": str(amount), "placed_at": placed, "store_id": "S01", "items": ""}
    rows = [
        row("climber", 1, 4000, 400),            # outside the tier window, before tier_since
        row("climber", 2, 8000, 200),
        row("regular", 3, 2500, 30),
        row("climber", 4, 3000, 100),             # 11,000 in the window: silver from now on
        row("climber", 5, 1250, 150),             # placed before the upgrade and after order 2: member rate
        row("referee", 6, 900, 1, "online"),      # the referee's first order: both get the bonus
        row("referee", 7, 700, 1),
        row("referrer", 8, 20000, 2),             # with the bonus in the balance
        row("climber", 9, 20000, 1),              # gold
        row("climber", 2, 8000, 200),             # the same again: unchanged
        row("climber", 4, 3100, 100),             # the same id, other content: conflict
        row("friend", 10, 500, 3),                # not a member
        row("regular", 11, 100, 10, code="NOBODY"),
        row("silver", 12, 1000, 120),             # before tier_since, no order before it: base tier
        row("silver", 13, 1000, 60),              # since silver
        row("regular", 14, 99, 40),               # earns nothing
        row("regular", 15, 3000, 20),             # placed after order 3 (the API recorded it first)
    ]
    return rows


def _snapshot(session, members, prefix):
    roles = {m.id: role for role, m in members.items()}
    codes = {m.member_code: role for role, m in members.items()}
    strip = lambda text: text.replace(f"{prefix}-", "") if isinstance(text, str) else text  # noqa: E731
    ids = {i: strip(ext) for i, ext in session.execute(select(Order.id, Order.external_id))}

    def plain(value):
        if isinstance(value, dict):
            return {k: plain(v) for k, v in value.items()}
        if isinstance(value, str):  # ids inside keys: an order's for order:/receipt:, else a member's
            value = re.sub(r"^(order|receipt):(\d+)", lambda m: f"{m[1]}:{ids[int(m[2])]}", value)
            value = re.sub(r"^(referral|referral_bonus|tier_up):(\d+)",
                           lambda m: f"{m[1]}:{roles[int(m[2])]}", value)
            return strip(codes.get(value, value))
        return value

    found = {}
    found["orders"] = sorted(
        (strip(o.external_id), o.channel, roles[o.member_id], o.amount, o.net_amount, o.status, o.placed_at,
         o.store_id, o.items, o.tier_at_order, o.multiplier_pct, o.points_earned, o.balance_after, o.tier_after,
         o.tier_changed, o.created_at,
         o.request_fingerprint == orders.fingerprint(o.member_id, o.channel, o.external_id, o.amount, o.placed_at,
                                                     o.store_id, o.items))
        for o in session.scalars(select(Order).where(Order.member_id.in_(roles))))
    found["ledger"] = sorted(
        (roles[r.member_id], r.delta, r.kind, r.reason_code, repr(plain(r.reason_params)), plain(r.idempotency_key),
         ids.get(r.order_id), r.remaining, r.expires_at, r.created_at, r.shortfall, r.debt_delta)
        for r in session.scalars(select(PointsLedger).where(PointsLedger.member_id.in_(roles))))
    found["members"] = {roles[m.id]: (m.balance, m.tier, m.tier_since, m.points_debt)
                        for m in session.scalars(select(Member).where(Member.id.in_(roles)))}
    found["outbox"] = sorted((o.kind, roles[o.member_id], repr(plain(o.params)), plain(o.dedup_key))
                             for o in session.scalars(select(Outbox).where(Outbox.member_id.in_(roles))))
    return found


def _report(summary: ImportSummary, prefix: str):
    return (summary.created, summary.unchanged, summary.conflicts, summary.points_credited,
            [(line, what.replace(f"{prefix}-", "")) for line, what in summary.errors],
            [(line, what.replace(f"{prefix}-", "")) for line, what in summary.conflict_lines])


@pytest.mark.parametrize("notify", [False, True])
def test_a_chunked_import_gives_what_the_api_path_gives(session, unit_of_work, make_member, now, settings,
                                                        notify, caplog):
    paths = {}
    for prefix in ("A", "B"):
        members = _members(make_member, now, prefix)
        _owe(session, members, now, prefix)
        session.commit()
        rows = _rows(members, now, prefix)
        # the API recorded one order before the import
        first = OrderInput.parse(rows[2], now, settings, from_text=True)
        unit_of_work(lambda s: orders.record_order(s, s.get(Member, members["regular"].id), first, now, settings))
        paths[prefix] = (members, rows)

    members, rows = paths["A"]
    with caplog.at_level(logging.WARNING, logger="rewards.importer"):
        chunked = import_orders(unit_of_work, rows, now, settings, chunk_size=4, notify=notify)
    assert "one by one" not in caplog.text  # every chunk went through the set-based path

    members_b, rows_b = paths["B"]
    one_by_one = ImportSummary()
    for line, row in enumerate(rows_b, start=2):
        try:
            data = OrderInput.parse(row, now, settings, from_text=True)
        except Exception as exc:  # noqa: BLE001 - the rows here all parse
            raise AssertionError(row) from exc
        record_one(unit_of_work, line, data, now, settings, one_by_one, notify)
    one_by_one.errors.sort()

    assert _report(chunked, "A") == _report(one_by_one, "B")
    assert (chunked.created, chunked.unchanged, chunked.conflicts, len(chunked.errors)) == (12, 2, 1, 2)
    session.expire_all()
    a, b = _snapshot(session, members, "A"), _snapshot(session, members_b, "B")
    assert a == b
    # what the rules say, beyond "the same": the climber went to gold, order 5 earned at the member rate
    assert a["members"]["climber"][1] == "gold"
    assert [o for o in a["orders"] if o[0] == "5"][0][9:11] == ("member", 100)
    assert len([r for r in a["ledger"] if r[3].startswith("referral_")]) == 2
    assert all(o[-1] for o in a["orders"])
    # every debt was repaid from the first earnings: orders (climber), bonuses (referrer), both (referee)
    assert {role: a["members"][role][3] for role in DEBTS} == {role: 0 for role in DEBTS}
    repaid = {}
    for r in a["ledger"]:
        if r[3] == "debt_repaid":
            repaid[r[0]] = repaid.get(r[0], 0) - r[1]
    assert repaid == DEBTS
    imported = [kind for kind, _role, _params, key in a["outbox"] if key != "receipt:3"]  # 3: the API's
    assert sorted(set(imported)) == (["receipt", "referral_bonus", "tier_up"] if notify else [])

    again = import_orders(unit_of_work, rows, now, settings, chunk_size=4, notify=notify)
    assert (again.created, again.unchanged, again.conflicts) == (0, 14, 1)
    session.expire_all()
    assert _snapshot(session, members, "A") == a


def test_lots_of_imported_orders_expire_a_year_after_they_were_placed(session, unit_of_work, make_member, now,
                                                                      settings):
    m = make_member(tier_since=now - timedelta(days=400), joined_days_ago=400)
    session.commit()
    placed = [now - timedelta(days=d) for d in (300, 200, 10)]
    rows = [{"channel": "store", "order_id": f"E-{i}", "member_code": m.member_code, "amount": 1000,
             "placed_at": p.isoformat()} for i, p in enumerate(placed)]
    assert import_orders(unit_of_work, rows, now, settings).created == 3
    session.expire_all()
    lots = session.scalars(select(PointsLedger).where(PointsLedger.member_id == m.id).order_by(PointsLedger.id))
    assert [(lot.expires_at.astimezone(now.tzinfo).date()) for lot in lots] == [
        (p + timedelta(days=1)).date().replace(year=p.year + 1) for p in placed]


def test_a_chunk_that_races_another_writer_is_recorded_one_by_one(session, unit_of_work, make_member, now, settings,
                                                                  monkeypatch, caplog):
    from rewards import order_batches

    m = make_member(tier_since=now - timedelta(days=30), joined_days_ago=30)
    session.commit()
    rows = [{"channel": "store", "order_id": f"R-{i}", "member_code": m.member_code, "amount": 1000,
             "placed_at": (now - timedelta(days=2)).isoformat()} for i in (1, 2)]
    first = OrderInput.parse(rows[0], now, settings, from_text=True)
    unit_of_work(lambda s: orders.record_order(s, s.get(Member, m.id), first, now, settings, notify=False))
    # as if R-1 was recorded by another writer after the chunk looked: its INSERT then writes less
    monkeypatch.setattr(order_batches, "_recorded_fingerprints", lambda _session: {})
    with caplog.at_level(logging.WARNING, logger="rewards.importer"):
        summary = import_orders(unit_of_work, rows, now, settings)
    assert "one by one" in caplog.text
    assert (summary.created, summary.unchanged, summary.errors) == (1, 1, [])
    session.expire_all()
    assert session.get(Member, m.id).balance == 20
    assert len(session.scalars(select(PointsLedger).where(PointsLedger.member_id == m.id)).all()) == 2
