"""Moving in from another programme: staff import the members, print the claim codes, a member types
theirs in LINE and gets their points and tier; the same code again is refused; guessing is limited.
Signed webhooks, answers read from the simulator, in both languages."""
from __future__ import annotations

import csv

import pytest
from sqlalchemy import select

from rewards import claims, ledger, membership
from rewards.models import Member, MemberImport

from .chat import words

HEADER = "external_id,name,phone,email,birthday,balance,tier,tier_until,joined_at,marketing_consent\n"
LINES = ("A1,王小明,0912-345-678,ming@example.com,1990-03-31,1200,gold,2027-06-30,2019-05-01,1\n"
         "A2,Amy,0987654321,,,300,silver,,,0\n")


@pytest.fixture
def printed(app, tmp_path):
    """The members imported with the CLI and their claim codes as printed (external_id -> code)."""
    source = tmp_path / "old.csv"
    source.write_bytes((HEADER + LINES).encode("cp950"))  # as Excel in Taiwan saves it
    runner = app.test_cli_runner()
    assert runner.invoke(args=["members", "import", str(source), "--source", "舊卡"]).exit_code == 0
    out = tmp_path / "codes.csv"
    assert runner.invoke(args=["members", "claim-codes", "--source", "舊卡", "--out", str(out)]).exit_code == 0
    return {row["external_id"]: row["claim_code"] for row in csv.DictReader(out.open(encoding="utf-8-sig"))}


def _member(app, uid):
    with app.extensions["bot"].db.session() as s:
        member = membership.by_line_user(s, uid)
        assert ledger.balance_check(s, member)
        return member


def test_a_member_claims_with_the_printed_code_once(chat, app, printed):
    uid = "U" + "c" * 31 + "1"
    chat.join(uid)
    before = _member(app, uid).balance
    reply = chat.say(uid, f"領取 {printed['A1']}")[0]["text"]
    assert "舊卡" in reply and "1,200" in reply and "金卡" in reply
    me = _member(app, uid)
    assert (me.balance, me.tier) == (before + 1200, "gold")
    again = chat.say(uid, printed["A1"].lower())[0]["text"]
    assert "已經領取過了" in again
    assert _member(app, uid).balance == before + 1200


def test_an_english_speaker_claims_with_the_bare_code(chat, app, line, printed):
    uid = "U" + "c" * 31 + "2"
    line.add_user(uid, "Amy", "en")
    chat.join(uid)
    reply = chat.say(uid, f"claim {printed['A2']}")[0]["text"]
    assert "舊卡" in reply and "300 points moved in" in reply and "Silver" in reply
    someone_else = "U" + "c" * 31 + "3"
    line.add_user(someone_else, "Bo", "en")
    chat.join(someone_else)
    refused = chat.say(someone_else, printed["A2"])[0]["text"]
    assert "claimed already" in refused


def test_a_friend_who_is_not_a_member_yet_joins_by_claiming(chat, app, printed, line):
    uid = "U" + "c" * 31 + "4"
    chat.follow(uid)
    reply = words(chat.say(uid, printed["A1"]))
    assert "1,200" in reply
    me = _member(app, uid)
    assert (me.status, me.balance, me.display_name) == ("member", 1200, "王小明")
    with app.extensions["bot"].db.session() as s:
        row = s.scalar(select(MemberImport).where(MemberImport.external_id == "A1"))
        assert (row.claimed_by_id, row.claimed_by) == (me.id, "code")
        assert s.get(Member, row.member_id).status == "claimed"


def test_guessing_is_stopped(chat, app, printed):
    uid = "U" + "c" * 31 + "5"
    chat.join(uid)
    for n in range(claims.ATTEMPTS_PER_USER):
        assert "無效" in chat.say(uid, f"領取 ZZZZZ-ZZZZ{n + 2}")[0]["text"]
    stopped = chat.say(uid, f"領取 {printed['A1']}")[0]["text"]
    assert "次數過多" in stopped and "分鐘後再試" in stopped
    assert _member(app, uid).balance < 1200
