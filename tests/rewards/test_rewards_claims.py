"""Claiming an imported member record: by a verified phone, by the printed code; merge; once only."""
from __future__ import annotations

import threading
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from rewards import claims, ledger
from rewards.claims import AlreadyClaimed, claim, claim_by_code, claim_by_phone, code_in
from rewards.member_imports import csv_rows, import_members
from rewards.models import AuditLog, Member, MemberImport, PointsLedger

HEADER = "external_id,name,phone,email,birthday,balance,tier,tier_until,joined_at,marketing_consent\n"
FILE = HEADER + ("A1,王小明,0912-345-678,ming@example.com,1990-03-31,1200,gold,2027-06-30,2019-05-01,1\n"
                 "A2,Amy,0987654321,,,300,silver,2027-01-31,,0\n"
                 "A3,Bo,,,,0,,,,\n")


@pytest.fixture
def imported(session, unit_of_work, now, settings):
    import_members(unit_of_work, "oldcard", csv_rows(FILE), now, settings)
    session.expire_all()
    return {i.external_id: i for i in session.scalars(select(MemberImport))}


def test_claim_by_phone_moves_balance_tier_and_history(session, imported, make_member, give_points, now, settings):
    me = make_member(tier="member")
    give_points(me, 50)
    session.commit()
    record_id = imported["A1"].member_id
    got = claim_by_phone(session, me, "+886912345678", now, settings)
    session.commit()
    assert [(c.external_id, c.points, c.tier, c.tier_until) for c in got] == [("A1", 1200, "gold", date(2027, 6, 30))]
    session.expire_all()
    me = session.get(Member, me.id)
    assert (me.balance, me.tier, me.tier_until, me.birthday_month, me.birthday_day) == (1250, "gold", date(2027, 6, 30), 3, 31)
    # the merge is one ledger row in their history: the record's opening row, now theirs
    rows = session.scalars(select(PointsLedger).where(PointsLedger.member_id == me.id).order_by(PointsLedger.id)).all()
    assert sorted((r.reason_code, r.delta) for r in rows) == [("import_opening", 1200), ("welcome", 50)]
    record = session.get(Member, record_id)
    assert (record.status, record.balance, record.display_name, record.phone, record.birthday_month) == (
        "claimed", 0, None, None, None)
    assert ledger.balance_check(session, me) and ledger.balance_check(session, record)
    row = session.get(MemberImport, imported["A1"].id)
    assert (row.claimed_by_id, row.claimed_by) == (me.id, "phone")
    assert session.scalar(select(AuditLog.action).where(AuditLog.target == "import:oldcard:A1")) == "member.import_claimed"
    # the number again claims nothing more
    assert claim_by_phone(session, me, "+886912345678", now, settings) == []


def test_a_lower_tier_keeps_the_members_own(session, imported, make_member, now, settings):
    me = make_member(tier="gold")
    session.commit()
    got = claim(session, imported["A2"].id, me, "code", now, settings)
    session.commit()
    session.expire_all()
    me = session.get(Member, me.id)
    assert (got.tier, me.tier, me.tier_until, me.balance) == ("gold", "gold", None, 300)


def test_a_friend_who_claims_becomes_a_member(session, imported, make_member, now, settings):
    me = make_member(status="friend")
    session.commit()
    claim(session, imported["A1"].id, me, "code", now, settings)
    session.commit()
    session.expire_all()
    me = session.get(Member, me.id)
    assert (me.status, me.marketing_opt_in, me.display_name) == ("member", True, "王小明")
    assert me.joined_at.astimezone(now.tzinfo).date() == date(2019, 5, 1)


def test_a_second_claim_of_the_same_record_is_refused(session, imported, make_member, now, settings):
    me, other = make_member(), make_member()
    session.commit()
    claim(session, imported["A2"].id, me, "code", now, settings)
    session.commit()
    with pytest.raises(AlreadyClaimed) as caught:
        claim(session, imported["A2"].id, other, "code", now, settings)
    assert caught.value.fields == {"yours": False}
    session.rollback()
    with pytest.raises(AlreadyClaimed):
        claim(session, imported["A2"].id, me, "code", now, settings)
    session.rollback()
    assert ledger.balance_check(session, session.get(Member, other.id))


def test_claim_by_code(session, imported, make_member, now, settings):
    me = make_member()
    session.commit()
    code = imported["A2"].claim_code
    typed = f"領取 {code[:5].lower()}-{code[5:]}"
    outcome = claim_by_code(session, me, code_in(typed), now, settings)
    session.commit()
    assert outcome.claimed.external_id == "A2" and outcome.claimed.points == 300
    session.expire_all()
    assert session.get(MemberImport, imported["A2"].id).claimed_by == "code"
    again = claim_by_code(session, me, code, now, settings)
    assert again.already and again.claimed is None


def test_wrong_codes_are_limited_per_line_user(session, imported, make_member, now, settings):
    me = make_member()
    session.commit()
    for _ in range(claims.ATTEMPTS_PER_USER):
        assert claim_by_code(session, me, "ZZZZZ-ZZZZZ", now, settings).unknown
    stopped = claim_by_code(session, me, imported["A1"].claim_code, now, settings)
    assert stopped.claimed is None and stopped.retry_in is not None
    later = now + claims.ATTEMPT_WINDOW + timedelta(seconds=1)
    assert claim_by_code(session, me, imported["A1"].claim_code, later, settings).claimed is not None


@pytest.mark.parametrize("text, code", [
    ("領取 ABCDE-FGHJK", "ABCDEFGHJK"), ("claim abcde fghjk", "ABCDEFGHJK"), ("CLAIM:ABCDEFGHJK", "ABCDEFGHJK"),
    ("abcde-fghjk", "ABCDEFGHJK"), (" ABCDE - FGHJK ", "ABCDEFGHJK"),
    ("strawberry", None), ("hello", None), ("我要領取點數", None), ("M12345678", None),
])
def test_what_a_claim_code_message_is(text, code):
    assert code_in(text) == code


def _race(unit_of_work, session_factory, import_id, member_ids, now, settings):
    barrier = threading.Barrier(len(member_ids))
    results = []

    def worker(member_id):
        def work(session):
            member = session.get(Member, member_id)
            barrier.wait()
            return claim(session, import_id, member, "code", now, settings).points
        try:
            results.append(("won", unit_of_work(work)))
        except AlreadyClaimed:
            results.append(("refused", None))
    threads = [threading.Thread(target=worker, args=(m,)) for m in member_ids]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results


def test_two_parallel_claims_of_one_record_one_wins(session, session_factory, unit_of_work, imported, make_member,
                                                    now, settings):
    a, b = make_member(), make_member()
    session.commit()
    results = _race(unit_of_work, session_factory, imported["A1"].id, [a.id, b.id], now, settings)
    assert sorted(r[0] for r in results) == ["refused", "won"]
    session.expire_all()
    balances = sorted(session.get(Member, m).balance for m in (a.id, b.id))
    assert balances == [0, 1200]
    assert ledger.find_inconsistencies(session) == []
