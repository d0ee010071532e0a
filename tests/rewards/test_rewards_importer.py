import io

import pytest
from sqlalchemy import func, select

from core.field_errors import FieldErrors
from rewards.importer import csv_rows, import_orders
from rewards.models import Member, Order

CSV = """channel,order_id,member_code,amount,placed_at,store_id,items
store,IMP-1,{code},12345,2026-11-20T14:03:00+08:00,S01,
online,IMP-2,{code},1000,2026-11-19T10:00:00+08:00,,"[{{""sku"": ""A"", ""quantity"": 2, ""price"": 500}}]"
store,IMP-1,{code},12345,2026-11-20T14:03:00+08:00,S01,
store,IMP-1,{code},999,2026-11-20T14:03:00+08:00,S01,
moon,IMP-3,{code},100,2026-11-20T14:03:00+08:00,S01,
store,IMP-4,NOSUCH,100,2026-11-20T14:03:00+08:00,S01,
store,IMP-5,{code},12.5,2026-11-20T14:03:00+08:00,S01,
store,IMP-6,{code},100,2026-11-20 14:03,S01,
store,IMP-7,{code},100,2026-11-20T14:03:00+08:00,S01,not json
store,IMP-8,{code},300,2026-11-20T06:50:00Z,S02,
"""


def test_import_reports_every_line_and_never_stops(session, unit_of_work, make_member, now, settings):
    m = make_member()
    session.commit()
    seen = []
    rows = csv_rows(io.StringIO(CSV.format(code=m.member_code)))
    summary = import_orders(unit_of_work, rows, now, settings, progress=lambda n, s: seen.append(n),
                            chunk_size=4)
    assert (summary.created, summary.unchanged, summary.conflicts) == (3, 1, 1)
    assert summary.conflict_lines[0][0] == 5
    lines = {line: msg for line, msg in summary.errors}
    assert sorted(lines) == [6, 7, 8, 9, 10]
    assert "channel" in lines[6] and "no such member" in lines[7] and "amount" in lines[8]
    assert "UTC offset" in lines[9] and "items" in lines[10]
    # IMP-1 lifts the member to silver; IMP-2 was placed before it (x1.0), IMP-8 after it (x1.2)
    assert summary.points_credited == 123 + 10 + 3
    assert seen == [4, 8, 10]
    session.expire_all()
    assert session.get(Member, m.id).balance == 136
    # the same file again changes nothing
    again = import_orders(unit_of_work, csv_rows(io.StringIO(CSV.format(code=m.member_code))), now, settings)
    assert (again.created, again.unchanged, again.conflicts, len(again.errors)) == (0, 4, 1, 5)
    assert session.scalar(select(func.count()).select_from(Order)) == 3


def test_import_plain_dicts_numbered_from_start_line(session, unit_of_work, make_member, now, settings):
    m = make_member()
    session.commit()
    rows = [{"channel": "store", "order_id": "D-1", "member_code": m.member_code, "amount": 500,
             "placed_at": "2026-11-20T14:03:00+08:00"}, "not a row"]
    summary = import_orders(unit_of_work, rows, now, settings, start_line=1)
    assert summary.created == 1 and summary.errors == [(2, "body: must be an object")]


def test_csv_needs_the_required_columns():
    with pytest.raises(FieldErrors):
        list(csv_rows(io.StringIO("channel,order_id\nstore,1\n")))


def test_an_import_messages_nobody_unless_asked(session, unit_of_work, make_member, now, settings):
    from datetime import timedelta

    from rewards.models import Outbox, PointsLedger

    m = make_member()
    session.commit()
    placed = now - timedelta(days=60)
    rows = [{"channel": "store", "order_id": f"H-{i}", "member_code": m.member_code, "amount": 500,
             "placed_at": placed.isoformat()} for i in range(3)]
    summary = import_orders(unit_of_work, rows, now, settings)
    assert summary.created == 3
    assert session.scalar(select(func.count()).select_from(Outbox).where(Outbox.kind == "receipt")) == 0
    # points of a historical order count from when it was placed
    expires = session.scalar(select(PointsLedger.expires_at).where(PointsLedger.kind == "earn").limit(1))
    assert expires.astimezone(now.tzinfo).date() == (placed + timedelta(days=1)).date().replace(year=placed.year + 1)
    asked = import_orders(unit_of_work, [{**rows[0], "order_id": "H-9"}], now, settings, notify=True)
    assert asked.created == 1
    assert session.scalar(select(func.count()).select_from(Outbox).where(Outbox.kind == "receipt")) == 1

