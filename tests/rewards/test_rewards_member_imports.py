"""Members moved in from another programme: the file, the import, a re-run, a dry run, bad lines."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from core.field_errors import FieldErrors
from rewards import ledger, member_imports
from rewards.member_imports import FileError, csv_rows, decode, import_members
from rewards.member_rows import parse
from rewards.models import Member, MemberImport, PointsLedger

HEADER = "external_id,name,phone,email,birthday,balance,tier,tier_until,joined_at,marketing_consent\n"
GOOD = HEADER + (
    "A1,王小明,0912-345-678,Ming@Example.com,1990-03-31,1200,gold,2027-06-30,2019-05-01,1\n"
    "A2,Amy,+886 987 654 321,,07-04,0,,,,0\n"
    "A3,,,,,\"1,500\",Silver,,2020-01-02T10:00:00+08:00,yes\n")


def rows_of(text: str):
    return csv_rows(text)


def test_each_line_becomes_an_unclaimed_record_with_an_opening_row(session, unit_of_work, now, settings):
    summary = import_members(unit_of_work, "oldcard", rows_of(GOOD), now, settings)
    assert (summary.created, summary.unchanged, summary.errors, summary.points_opened) == (3, 0, [], 2700)
    session.expire_all()
    imports = {i.external_id: i for i in session.scalars(select(MemberImport))}
    ming = session.get(Member, imports["A1"].member_id)
    assert (ming.status, ming.line_user_id, ming.display_name, ming.phone, ming.phone_verified_at) == (
        "imported", None, "王小明", "+886912345678", None)
    assert (ming.birthday_month, ming.birthday_day, ming.tier, ming.tier_until.isoformat()) == (3, 31, "gold", "2027-06-30")
    assert (ming.balance, ming.marketing_opt_in, ming.joined_at.astimezone(now.tzinfo).date().isoformat()) == (1200, True, "2019-05-01")
    assert imports["A1"].email == "ming@example.com" and len(imports["A1"].claim_code) == 10
    assert imports["A1"].member_code == ming.member_code
    opening = session.scalar(select(PointsLedger).where(PointsLedger.member_id == ming.id))
    assert (opening.delta, opening.remaining, opening.kind, opening.reason_code) == (1200, 1200, "adjust", "import_opening")
    assert opening.idempotency_key == "import:oldcard:A1"
    assert opening.reason_params == {"source": "oldcard", "external_id": "A1", "points": 1200}
    assert opening.expires_at == ledger.points_expiry(now, settings)
    amy = session.get(Member, imports["A2"].member_id)
    assert (amy.tier, amy.balance, amy.birthday_month, amy.birthday_day, amy.phone) == ("member", 0, 7, 4, "+886987654321")
    assert session.get(Member, imports["A3"].member_id).tier == "silver"
    assert ledger.find_inconsistencies(session) == []


def test_a_rerun_changes_nothing_and_says_so(session, unit_of_work, now, settings):
    import_members(unit_of_work, "oldcard", rows_of(GOOD), now, settings)
    codes = set(session.scalars(select(MemberImport.claim_code)))
    again = import_members(unit_of_work, "oldcard", rows_of(GOOD), now, settings)
    assert (again.created, again.unchanged, again.points_opened) == (0, 3, 0)
    assert session.scalar(select(func.count()).select_from(MemberImport)) == 3
    assert session.scalar(select(func.count()).select_from(PointsLedger)) == 3
    assert set(session.scalars(select(MemberImport.claim_code))) == codes
    # the same ids under another source are other people
    other = import_members(unit_of_work, "shop2", rows_of(GOOD), now, settings)
    assert other.created == 3


def test_dry_run_checks_everything_and_writes_nothing(session, unit_of_work, now, settings):
    text = GOOD + "A4,,,,,-5,,,,\n"
    summary = import_members(unit_of_work, "oldcard", rows_of(text), now, settings, dry_run=True)
    assert (summary.created, summary.unchanged, summary.dry_run) == (3, 0, True)
    assert summary.errors == [(5, "balance: '-5': a balance cannot be negative")]
    assert session.scalar(select(func.count()).select_from(Member)) == 0
    import_members(unit_of_work, "oldcard", rows_of(GOOD), now, settings)
    again = import_members(unit_of_work, "oldcard", rows_of(text), now, settings, dry_run=True)
    assert (again.created, again.unchanged) == (0, 3)


def test_chunks_and_progress(session, unit_of_work, now, settings):
    text = HEADER + "".join(f"C{i},,09{i:08d},,,{i},,,,\n" for i in range(1, 8))
    seen = []
    summary = import_members(unit_of_work, "s", rows_of(text), now, settings, chunk_size=3,
                             progress=lambda n, s: seen.append(n))
    assert summary.created == 7 and seen == [3, 6, 7]
    assert session.scalar(select(func.sum(Member.balance))) == 28


@pytest.mark.parametrize("line, field, words", [
    ("B1,,,,1990-02-30,,,,,", "birthday", "not a date of the calendar"),
    ("B1,,,,31/12/1990,,,,,", "birthday", "not a birthday"),
    ("B1,,,,2030-01-01,,,,,", "birthday", "in the future"),
    ("B1,,,,13-01,,,,,", "birthday", "not a day of the calendar"),
    ("B1,,,,,-1,,,,", "balance", "cannot be negative"),
    ("B1,,,,,12.5,,,,", "balance", "not a whole number"),
    ("B1,,,,,,platinum,,,", "tier", "not a tier of this programme (member, silver, gold)"),
    ("B1,,02-2345-6789,,,,,,,", "phone", "landline"),
    ("B1,,0912-34,,,,,,,", "phone", "10 digits"),
    ("B1,,call me,,,,,,,", "phone", "only digits"),
    ("B1,,,ming@,,,,,,", "email", "not an email address"),
    ("B1,,,a b@x.tw,,,,,,", "email", "not an email address"),
    ("B1,,,,,,,2027-13-01,,", "tier_until", "not a date of the calendar"),
    ("B1,,,,,,,,yesterday,", "joined_at", "not a date"),
    ("B1,,,,,,,,2099-01-01,", "joined_at", "in the future"),
    ("B1,,,,,,,,,maybe", "marketing_consent", "neither yes nor no"),
    (",,,,,,,,,", "external_id", "is empty"),
])
def test_every_bad_field_has_a_clear_message(line, field, words, now, settings):
    row = next(rows_of(HEADER + line + "\n"))[1]
    with pytest.raises(FieldErrors) as caught:
        parse(row, now, settings)
    assert words in caught.value.problems[field]


def test_bad_lines_are_reported_by_number_and_never_stop_the_others(session, unit_of_work, now, settings):
    text = GOOD + "A1,again,,,,,,,,\nA5,,,,1990-02-30,-3,,,,\nA6,,,,,7,,,,\n"
    summary = import_members(unit_of_work, "oldcard", rows_of(text), now, settings)
    assert summary.created == 4
    lines = dict(summary.errors)
    assert lines[5] == "external_id 'A1' appears again (first on line 2)"
    assert "birthday:" in lines[6] and "balance:" in lines[6]  # every bad field of the line at once
    assert sorted(lines) == [5, 6]


def test_a_missing_column_stops_before_anything():
    with pytest.raises(FileError, match="missing column"):
        list(csv_rows("external_id,name\nA,B\n"))


def test_encodings_utf8_with_and_without_bom_and_big5():
    text = GOOD
    assert decode(text.encode("utf-8"))[0] == text
    assert decode(b"\xef\xbb\xbf" + text.encode("utf-8")) == (text, "utf-8-sig")
    assert decode(text.encode("cp950")) == (text, "cp950")
    assert decode(text.encode("big5"), "big5")[0] == text
    assert next(csv_rows(decode(b"\xef\xbb\xbf" + text.encode("utf-8"))[0]))[1]["name"] == "王小明"


def test_a_file_in_neither_encoding_gets_a_clear_error():
    with pytest.raises(FileError, match="neither UTF-8 nor Big5"):
        decode(b"external_id\n\x80\xff\xfe\x81")
    with pytest.raises(FileError, match="UTF-16"):
        decode(GOOD.encode("utf-16-le"))
    with pytest.raises(FileError, match="not a utf-8 file"):
        decode(GOOD.encode("cp950"), "utf-8")
    with pytest.raises(FileError, match="unknown encoding"):
        decode(b"x", "klingon")


def test_the_source_is_checked(unit_of_work, now, settings):
    with pytest.raises(FieldErrors):
        import_members(unit_of_work, "a:b", rows_of(GOOD), now, settings)


def test_counts_and_claim_codes(session, unit_of_work, now, settings):
    import_members(unit_of_work, "oldcard", rows_of(GOOD), now, settings)
    assert member_imports.counts(session) == [member_imports.SourceCounts("oldcard", 0, 3, 0)]
    printed = member_imports.claim_codes(session, "oldcard")
    assert [(e, n) for e, n, _c in printed] == [("A1", "王小明"), ("A2", "Amy"), ("A3", None)]
    assert member_imports.shown_code("ABCDEFGHJK") == "ABCDE-FGHJK"
