"""Unclaimed imported records expire and are erased; erasing a member covers what was moved in."""
from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest
from sqlalchemy import select

from privacy import unclaimed_imports
from privacy.erasure import erase_member
from rewards import ledger, member_imports
from rewards.claims import NotClaimable, claim, claim_by_code, claim_by_phone
from rewards.member_imports import csv_rows, import_members
from rewards.models import Member, MemberImport, PointsLedger

FILE = ("external_id,name,phone,email,birthday,balance,tier,tier_until,joined_at,marketing_consent\n"
        "A1,王小明,0912-345-678,ming@example.com,1990-03-31,1200,gold,2027-06-30,2019-05-01,1\n"
        "A2,Amy,0987654321,amy@example.com,,300,silver,,,0\n")


def _import(unit_of_work, session, now, settings, source="oldcard"):
    import_members(unit_of_work, source, csv_rows(FILE), now, settings)
    session.expire_all()
    return {i.external_id: i for i in session.scalars(select(MemberImport).where(MemberImport.source == source))}


def test_unclaimed_records_expire_after_the_setting_and_keep_nothing_personal(session, unit_of_work, make_member,
                                                                                now, settings):
    rows = _import(unit_of_work, session, now, settings)
    me = make_member()
    claim(session, rows["A2"].id, me, "code", now, settings)
    session.commit()
    assert unclaimed_imports.due_batch(session, now + timedelta(days=364), settings) == 0
    later = now + timedelta(days=366)
    assert unclaimed_imports.due_batch(session, later, settings) == 1
    session.commit()
    session.expire_all()
    gone = session.get(MemberImport, rows["A1"].id)
    assert (gone.email, gone.claim_code, gone.erased_at) == (None, None, later)
    record = session.get(Member, gone.member_id)
    assert (record.status, record.display_name, record.phone, record.birthday_month, record.birthday_day,
            record.marketing_opt_in, record.balance) == ("erased", None, None, None, None, False, 0)
    ending = session.scalar(select(PointsLedger).where(PointsLedger.member_id == record.id,
                                                       PointsLedger.reason_code == "import_unclaimed"))
    assert (ending.delta, ending.kind) == (-1200, "expire")
    # the claimed one is untouched, and a second sweep finds nothing
    assert session.get(MemberImport, rows["A2"].id).erased_at is None
    assert unclaimed_imports.due_batch(session, later, settings) == 0
    assert ledger.find_inconsistencies(session) == []
    # a re-run of the file does not bring the erased person back
    again = import_members(unit_of_work, "oldcard", csv_rows(FILE), now, settings)
    assert (again.created, again.unchanged) == (0, 2)
    assert member_imports.counts(session) == [member_imports.SourceCounts("oldcard", 1, 0, 1)]


def test_no_expiry_when_the_setting_is_zero(session, unit_of_work, now, settings):
    _import(unit_of_work, session, now, settings)
    assert unclaimed_imports.due_batch(session, now + timedelta(days=5000), replace(settings, unclaimed_import_days=0)) == 0


def test_erase_one_source_now(session, unit_of_work, now, settings):
    _import(unit_of_work, session, now, settings)
    _import(unit_of_work, session, now, settings, source="other")
    assert unclaimed_imports.source_batch(session, "oldcard", now, limit=1) == 1
    assert unclaimed_imports.source_batch(session, "oldcard", now) == 1
    assert unclaimed_imports.source_batch(session, "oldcard", now) == 0
    session.commit()
    counts = {c.source: c for c in member_imports.counts(session)}
    assert (counts["oldcard"].erased, counts["other"].unclaimed) == (2, 2)


def test_a_claimed_record_cannot_be_claimed_once_erased(session, unit_of_work, make_member, now, settings):
    rows = _import(unit_of_work, session, now, settings)
    unclaimed_imports.source_batch(session, "oldcard", now)
    session.commit()
    me = make_member()
    session.commit()
    with pytest.raises(NotClaimable):
        claim(session, rows["A1"].id, me, "code", now, settings)
    session.rollback()
    assert claim_by_phone(session, me, "+886912345678", now, settings) == []
    assert claim_by_code(session, me, rows["A1"].claim_code, now, settings).unknown


def test_erasing_a_member_covers_the_email_of_what_they_claimed(session, unit_of_work, make_member, now, settings):
    rows = _import(unit_of_work, session, now, settings)
    me = make_member()
    claim(session, rows["A1"].id, me, "code", now, settings)
    erase_member(session, me, now)
    session.commit()
    session.expire_all()
    row = session.get(MemberImport, rows["A1"].id)
    assert (row.email, row.claim_code) == (None, None)


def test_erasing_an_unclaimed_record_itself(session, unit_of_work, now, settings):
    rows = _import(unit_of_work, session, now, settings)
    record = session.get(Member, rows["A2"].member_id)
    erase_member(session, record, now)
    session.commit()
    session.expire_all()
    row = session.get(MemberImport, rows["A2"].id)
    assert (row.email, row.claim_code, row.erased_at) == (None, None, now)
    assert session.get(Member, rows["A2"].member_id).phone is None


def test_the_data_export_holds_what_was_moved_in(session, unit_of_work, make_member, now, settings):
    from privacy import member_data

    rows = _import(unit_of_work, session, now, settings)
    me = make_member()
    claim(session, rows["A1"].id, me, "code", now, settings)
    session.expire_all()
    data = member_data.export(session, session.get(Member, me.id), now)
    assert [(i["source"], i["external_id"], i["email"], i["claimed_by"]) for i in data["moved_in"]] == [
        ("oldcard", "A1", "ming@example.com", "code")]
    assert any(r["reason_code"] == "import_opening" for r in data["points_ledger"])
