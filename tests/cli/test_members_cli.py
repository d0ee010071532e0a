"""`flask --app app members import / claim-codes / erase-unclaimed`, and the worker's expiry sweep."""
from __future__ import annotations

import csv
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from rewards.models import Member, MemberImport, PointsLedger
from worker.runner import run_due

HEADER = "external_id,name,phone,email,birthday,balance,tier,tier_until,joined_at,marketing_consent\n"
LINES = ("A1,王小明,0912-345-678,ming@example.com,1990-03-31,1200,gold,2027-06-30,2019-05-01,1\n"
         "A2,陳美麗,0987654321,,07-04,300,銀卡,,,0\n")


@pytest.fixture
def cli(app, rt):
    runner = app.test_cli_runner()
    return lambda *args, **kw: runner.invoke(args=list(args), **kw)


def write(tmp_path, text, encoding="utf-8", name="members.csv"):
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return str(path)


def counted(rt, model):
    with rt.db.session() as s:
        return s.scalar(select(func.count()).select_from(model))


def test_import_then_a_rerun_changes_nothing_and_says_so(cli, rt, tmp_path):
    path = write(tmp_path, HEADER + LINES)
    first = cli("members", "import", path, "--source", "oldcard")
    assert first.exit_code == 0, first.output
    assert "2 records read: 2 created (1,500 points), 0 unchanged" in first.stdout
    again = cli("members", "import", path, "--source", "oldcard")
    assert again.exit_code == 0
    assert "0 created" in again.stdout and "2 unchanged" in again.stdout
    assert "nothing to do: every record was imported before" in again.stdout
    assert (counted(rt, Member), counted(rt, PointsLedger)) == (2, 2)


def test_dry_run_writes_nothing(cli, rt, tmp_path):
    path = write(tmp_path, HEADER + LINES)
    result = cli("members", "import", path, "--source", "oldcard", "--dry-run")
    assert result.exit_code == 0, result.output
    assert "2 would be created" in result.stdout and "dry run: nothing was written" in result.stdout
    assert counted(rt, Member) == 0


def test_bad_lines_are_listed_with_their_numbers_and_exit_1(cli, rt, tmp_path):
    path = write(tmp_path, HEADER + LINES + "A1,dup,,,,,,,,\nA3,,,x@,,-2,diamond,,,\nA4,,,,,5,,,,\n")
    result = cli("members", "import", path, "--source", "oldcard")
    assert result.exit_code == 1
    assert "line 4: error: external_id 'A1' appears again (first on line 2)" in result.stdout
    assert "line 5: error: email: 'x@' is not an email address; balance: '-2': a balance cannot be negative; " \
           "tier: 'diamond' is not a tier of this programme" in result.stdout
    assert "3 created" in result.stdout


def test_big5_is_found_and_utf8_can_be_forced(cli, rt, tmp_path):
    path = write(tmp_path, HEADER + LINES, encoding="cp950")
    result = cli("members", "import", path, "--source", "oldcard")
    assert result.exit_code == 0, result.output
    assert "read as Big5" in result.stderr
    with rt.db.session() as s:
        assert sorted(s.scalars(select(Member.display_name))) == sorted(["王小明", "陳美麗"])
    forced = cli("members", "import", path, "--source", "other", "--encoding", "utf-8")
    assert forced.exit_code == 1 and "not a utf-8 file" in forced.output


def test_a_file_in_neither_encoding_or_without_the_columns(cli, rt, tmp_path):
    binary = write(tmp_path, "", name="x.csv")
    (tmp_path / "x.csv").write_bytes(b"external_id\n\x80\xff\xfe\x81")
    result = cli("members", "import", binary, "--source", "oldcard")
    assert result.exit_code == 1 and "neither UTF-8 nor Big5" in result.output
    wrong = write(tmp_path, "id,name\n1,a\n")
    result = cli("members", "import", wrong, "--source", "oldcard")
    assert result.exit_code == 1 and "missing column(s): external_id" in result.output
    assert "no such file" in cli("members", "import", str(tmp_path / "nope.csv"), "--source", "s").output
    assert "--source" in cli("members", "import", wrong, "--source", "a:b").output
    assert counted(rt, Member) == 0


def test_a_progress_bar_on_a_terminal(cli, tmp_path, monkeypatch):
    from cli import members as members_command

    path = write(tmp_path, HEADER + "".join(f"P{n},,,,,{n},,,,\n" for n in range(40)))
    monkeypatch.setattr(members_command, "on_terminal", lambda: True)
    result = cli("members", "import", path, "--source", "s")
    assert result.exit_code == 0 and "importing" in result.stderr and "40/40" in result.stderr


def test_claim_codes_are_written_for_printing(cli, rt, tmp_path):
    cli("members", "import", write(tmp_path, HEADER + LINES), "--source", "oldcard")
    out = tmp_path / "codes.csv"
    result = cli("members", "claim-codes", "--source", "oldcard", "--out", str(out))
    assert result.exit_code == 0 and "2 claim codes of oldcard" in result.stdout
    rows = list(csv.DictReader(out.open(encoding="utf-8-sig")))
    with rt.db.session() as s:
        stored = dict(s.execute(select(MemberImport.external_id, MemberImport.claim_code)).all())
    assert [(r["external_id"], r["name"]) for r in rows] == [("A1", "王小明"), ("A2", "陳美麗")]
    assert all(r["claim_code"].replace("-", "") == stored[r["external_id"]] for r in rows)
    assert all(len(r["claim_code"]) == 11 and r["claim_code"][5] == "-" for r in rows)


def test_erase_unclaimed_of_a_source(cli, rt, tmp_path):
    cli("members", "import", write(tmp_path, HEADER + LINES), "--source", "oldcard")
    refused = cli("members", "erase-unclaimed", "--source", "oldcard", input="n\n")
    assert refused.exit_code == 1
    result = cli("members", "erase-unclaimed", "--source", "oldcard", "--yes")
    assert result.exit_code == 0 and "oldcard: 2 unclaimed records erased" in result.stdout
    with rt.db.session() as s:
        assert set(s.scalars(select(Member.status))) == {"erased"}
        assert set(s.scalars(select(Member.phone))) == {None}
        assert set(s.scalars(select(MemberImport.email))) == {None}


def test_the_worker_erases_records_unclaimed_after_the_setting(cli, app, rt, tmp_path):
    cli("members", "import", write(tmp_path, HEADER + LINES), "--source", "oldcard")
    now = rt.clock.now()
    early = {r.name: r for r in run_due(app, now + timedelta(days=300))}
    assert early["unclaimed-imports"].ok and "erased 0" in early["unclaimed-imports"].summary
    late = {r.name: r for r in run_due(app, now + timedelta(days=366))}
    assert late["unclaimed-imports"].ok and "erased 2" in late["unclaimed-imports"].summary
    with rt.db.session() as s:
        assert set(s.scalars(select(Member.status))) == {"erased"}
