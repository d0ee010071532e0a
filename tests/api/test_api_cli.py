"""Operator commands: apikey create/list/revoke, points adjust, orders import."""
from __future__ import annotations

import json

import pytest
from sqlalchemy import func, select

from rewards import audit
from rewards.models import Member, Order, PointsLedger

from .conftest import balance_and_ledger


@pytest.fixture
def cli(app, rt):
    runner = app.test_cli_runner()
    return lambda *args: runner.invoke(args=list(args))


# -- apikey --------------------------------------------------------------------------------------------

def test_apikey_create_prints_the_key_alone_on_the_last_line(cli, api, make_member):
    result = cli("apikey", "create", "bars-pos")
    assert result.exit_code == 0, result.output
    key = result.stdout.strip().splitlines()[-1]
    assert key.startswith("mbk_") and " " not in key
    member = make_member()
    assert api.get(f"/api/v1/members/{member.code}", headers={"Authorization": f"Bearer {key}"}).status == 200


def test_apikey_list_and_revoke(cli, api, make_member):
    key = cli("apikey", "create", "bars-pos").stdout.strip().splitlines()[-1]
    cli("apikey", "create", "web-shop")
    listing = cli("apikey", "list")
    assert listing.exit_code == 0
    assert "bars-pos" in listing.output and "web-shop" in listing.output and key not in listing.output
    assert key[:10] in listing.output

    revoked = cli("apikey", "revoke", "bars-pos")
    assert revoked.exit_code == 0 and "revoked" in revoked.output
    assert "revoked" in [line for line in cli("apikey", "list").output.splitlines() if "bars-pos" in line][0]
    member = make_member()
    assert api.get(f"/api/v1/members/{member.code}", headers={"Authorization": f"Bearer {key}"}).status == 401


def test_apikey_mistakes_say_so_and_exit_1(cli):
    cli("apikey", "create", "bars-pos")
    for args, words in [(("apikey", "create", "bars-pos"), "already exists"),
                        (("apikey", "create", "no spaces please"), "key name"),
                        (("apikey", "revoke", "nobody"), "no live API key")]:
        result = cli(*args)
        assert result.exit_code == 1 and words in result.output, result.output
    cli("apikey", "revoke", "bars-pos")
    assert cli("apikey", "revoke", "bars-pos").exit_code == 1


def test_apikey_list_when_there_are_none(cli):
    assert "no API keys yet" in cli("apikey", "list").output


# -- points adjust ---------------------------------------------------------------------------------------

def test_points_adjust_adds_and_takes_with_an_audit_row(cli, rt, make_member):
    member = make_member()
    added = cli("points", "adjust", member.code, "120", "--reason", "goodwill: late delivery", "--actor", "amy")
    assert added.exit_code == 0, added.output
    assert "balance now 120" in added.output
    taken = cli("points", "adjust", member.code.lower(), "-50", "--reason", "duplicate credit")
    assert taken.exit_code == 0, taken.output
    assert balance_and_ledger(rt, member) == (70, 70)
    with rt.db.session() as s:
        rows = audit.entries(s, target=f"member:{member.code}", action="points.adjust")
        assert [(r.actor, r.details["delta"]) for r in reversed(rows)][0] == ("cli:amy", 120)
        assert rows[0].details["delta"] == -50 and rows[0].actor.startswith("cli:")
        kinds = s.scalars(select(PointsLedger.kind).where(PointsLedger.member_id == member.id)).all()
        assert kinds == ["adjust", "adjust"]


def test_points_adjust_never_goes_below_zero(cli, rt, make_member):
    member = make_member(points=30)
    result = cli("points", "adjust", member.code, "-50", "--reason", "mistake")
    assert result.exit_code == 1
    assert "cannot take 50 points" in result.output and "only 30" in result.output
    assert balance_and_ledger(rt, member) == (30, 30)
    with rt.db.session() as s:
        assert audit.entries(s, action="points.adjust") == []


@pytest.mark.parametrize("args,words", [
    (("MNOSUCH1", "10", "--reason", "x"), "no member"),
    (("{code}", "0", "--reason", "x"), "delta"),
    (("{code}", "10", "--reason", "  "), "reason"),
])
def test_points_adjust_refuses_nonsense(cli, rt, make_member, args, words):
    member = make_member()
    result = cli("points", "adjust", *(a.format(code=member.code) for a in args))
    assert result.exit_code == 1 and words in result.output, result.output
    assert balance_and_ledger(rt, member) == (0, 0)


def test_points_adjust_needs_a_reason(cli, make_member):
    result = cli("points", "adjust", make_member().code, "10")
    assert result.exit_code == 2 and "--reason" in result.output


# -- orders import ---------------------------------------------------------------------------------------

HEADER = "channel,order_id,member_code,amount,placed_at,store_id,items\n"


def write_csv(tmp_path, name, lines):
    path = tmp_path / name
    path.write_text(HEADER + "".join(line + "\n" for line in lines), encoding="utf-8")
    return str(path)


def test_orders_import_reports_each_kind_of_line_and_carries_on(cli, rt, tmp_path, make_member):
    member = make_member()
    items = json.dumps([{"sku": "TEA", "quantity": 2, "price": 180}]).replace('"', '""')
    path = write_csv(tmp_path, "pos.csv", [
        f"store,IMP-1,{member.code},12345,2026-11-20T14:03:00+08:00,S01,",
        f'online,IMP-2,{member.code},360,2026-11-19T10:00:00+08:00,,"{items}"',
        f"store,IMP-1,{member.code},12345,2026-11-20T14:03:00+08:00,S01,",   # a repeat: unchanged
        f"store,IMP-1,{member.code},999,2026-11-20T14:03:00+08:00,S01,",     # other content: conflict
        f"moon,IMP-3,{member.code},100,2026-11-20T14:03:00+08:00,S01,",      # line 6: error
        "store,IMP-4,NOSUCH,100,2026-11-20T14:03:00+08:00,S01,",             # line 7: error
        f"store,IMP-5,{member.code},100,2026-11-20T14:03:00+08:00,S01,",
    ])
    result = cli("orders", "import", path)
    assert result.exit_code == 1, result.output
    out = result.stdout
    assert "3 created" in out and "1 unchanged" in out and "1 conflicts" in out and "2 errors" in out
    assert "line 5: conflict" in out and "line 6: error: channel" in out and "line 7: error" in out
    assert "no such member" in out
    assert balance_and_ledger(rt, member) == (123 + 3 + 1, 127)  # silver (x1.2) after the first


def test_orders_import_twice_or_overlapping_credits_nothing_twice(cli, rt, tmp_path, make_member):
    member = make_member()
    line = "store,IMP-{n},{code},{amount},2026-11-20T14:03:00+08:00,S01,"
    first = write_csv(tmp_path, "a.csv", [line.format(n=n, code=member.code, amount=1000) for n in (1, 2, 3)])
    overlap = write_csv(tmp_path, "b.csv", [line.format(n=n, code=member.code, amount=1000) for n in (3, 4)])
    assert cli("orders", "import", first).exit_code == 0
    balance = balance_and_ledger(rt, member)
    again = cli("orders", "import", first)
    assert again.exit_code == 0 and "0 created" in again.stdout and "3 unchanged" in again.stdout
    assert balance_and_ledger(rt, member) == balance
    both = cli("orders", "import", overlap)
    assert "1 created" in both.stdout and "1 unchanged" in both.stdout
    with rt.db.session() as s:
        assert s.scalar(select(func.count()).select_from(Order)) == 4


def test_orders_import_shows_a_progress_bar_on_a_terminal_only(cli, tmp_path, make_member, monkeypatch):
    from cli import orders as orders_command

    member = make_member()
    path = write_csv(tmp_path, "big.csv", [f"online,BIG-{n},{member.code},100,2026-11-20T14:03:00+08:00,,"
                                           for n in range(250)])
    piped = cli("orders", "import", path)  # stderr is not a terminal here
    assert piped.exit_code == 0, piped.output
    assert "250 created" in piped.stdout and "importing" not in piped.stderr

    monkeypatch.setattr(orders_command, "on_terminal", lambda: True)
    again = cli("orders", "import", path)
    assert again.exit_code == 0, again.output
    assert "importing" in again.stderr and "250/250" in again.stderr and "250 unchanged" in again.stdout
    quiet = cli("orders", "import", "--quiet", path)
    assert quiet.exit_code == 0 and "importing" not in quiet.stderr and "250 unchanged" in quiet.stdout


def test_orders_import_of_a_missing_file_or_a_wrong_header(cli, rt, tmp_path, make_member):
    missing = cli("orders", "import", str(tmp_path / "nope.csv"))
    assert missing.exit_code == 1 and "no such file" in missing.output

    wrong = tmp_path / "wrong.csv"
    wrong.write_text("channel,order,member,amount\nstore,1,M1,100\n", encoding="utf-8")
    result = cli("orders", "import", str(wrong))
    assert result.exit_code == 1 and "wrong header" in result.output
    assert "order_id" in result.output and "placed_at" in result.output

    empty = tmp_path / "empty.csv"
    empty.write_text("", encoding="utf-8")
    assert "wrong header" in cli("orders", "import", str(empty)).output

    binary = tmp_path / "binary.csv"
    binary.write_bytes(b"\xff\xfe\x00\x01garbage")
    result = cli("orders", "import", str(binary))
    assert result.exit_code == 1 and "UTF-8" in result.output
    with rt.db.session() as s:
        assert s.scalar(select(func.count()).select_from(Order)) == 0


def test_orders_import_of_a_header_only_file_is_an_empty_success(cli, tmp_path):
    path = write_csv(tmp_path, "none.csv", [])
    result = cli("orders", "import", path)
    assert result.exit_code == 0 and "0 orders read" in result.stdout


def test_orders_import_reads_an_excel_bom_and_ignores_unknown_columns(cli, rt, tmp_path, make_member):
    member = make_member()
    path = tmp_path / "excel.csv"
    path.write_bytes(("\ufeff" + HEADER.strip() + ",cashier\n"
                      + f"store,XL-1,{member.code},500,2026-11-20T14:03:00+08:00,S01,,Amy\n").encode("utf-8"))
    result = cli("orders", "import", str(path))
    assert result.exit_code == 0, result.output
    assert "1 created" in result.stdout and "cashier" in result.stderr
    with rt.db.session() as s:
        assert s.get(Member, member.id).balance == 5


def test_apikeys_made_and_revoked_with_the_cli_are_audited(cli, rt):
    from rewards.models import AuditLog

    assert cli("apikey", "create", "audited-pos").exit_code == 0
    assert cli("apikey", "revoke", "audited-pos").exit_code == 0
    with rt.db.session() as s:
        rows = s.execute(select(AuditLog.actor, AuditLog.action, AuditLog.target).order_by(AuditLog.id)).all()
    assert [(a, t) for _actor, a, t in rows] == [("apikey.create", "apikey:audited-pos"),
                                                ("apikey.revoke", "apikey:audited-pos")]
    assert all(actor.startswith("cli:") for actor, _a, _t in rows)


def test_orders_import_sends_receipts_only_with_notify(cli, rt, tmp_path, make_member):
    from rewards.models import Outbox

    member = make_member()
    line = "store,N-{n},{code},1000,2026-11-20T13:03:00+08:00,S01,"
    quiet = write_csv(tmp_path, "quiet.csv", [line.format(n=n, code=member.code) for n in (1, 2)])
    loud = write_csv(tmp_path, "loud.csv", [line.format(n=3, code=member.code)])
    assert cli("orders", "import", quiet).exit_code == 0
    with rt.db.session() as s:
        assert s.scalar(select(func.count()).select_from(Outbox).where(Outbox.kind == "receipt")) == 0
    assert cli("orders", "import", "--notify", loud).exit_code == 0
    with rt.db.session() as s:
        assert s.scalar(select(func.count()).select_from(Outbox).where(Outbox.kind == "receipt")) == 1
