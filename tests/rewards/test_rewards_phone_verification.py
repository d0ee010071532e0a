"""Phone verification's rules, with the clock in the test's hand: every limit, every refusal, the one unit of work."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from rewards import phone_verification as pv
from rewards.models import PhoneCode
from rewards.settings import ProgramSettings

from rewards_testkit import NOW

KEY = pv.code_key("test-secret")
POLICY = pv.Policy()
SETTINGS = ProgramSettings()
NUMBER = "0912-345-678"
E164 = "+886912345678"


class Clock:
    def __init__(self):
        self.now = NOW

    def tick(self, **kw):
        self.now += timedelta(**kw)
        return self.now


@pytest.fixture
def clock():
    return Clock()


def sent(session, member, clock, text=NUMBER, code="123456", policy=POLICY) -> pv.Issued:
    issued = pv.issue(session, member, text, clock.now, policy, KEY, code=code)
    pv.mark_sent(session, issued.code_id, "console", "ref", clock.now)
    return issued


def refused(fn, *args, **kw) -> pv.Refused:
    with pytest.raises(pv.Refused) as caught:
        fn(*args, **kw)
    return caught.value


def codes(session) -> int:
    return session.scalar(select(func.count()).select_from(PhoneCode))


def test_the_right_code_verifies_the_number_in_e164(session, make_member, clock):
    member = make_member()
    issued = sent(session, member, clock)
    assert issued.phone.e164 == E164 and len(issued.code) == 6
    clock.tick(minutes=3)
    verified = pv.check(session, member, "123 456", clock.now, POLICY, KEY, SETTINGS)
    assert verified.phone.e164 == E164 and verified.claimed == () and member.phone == E164 and member.phone_verified_at == clock.now
    row = session.get(PhoneCode, issued.code_id)
    assert row.status == "used" and row.used_at == clock.now


def test_the_code_is_stored_only_as_an_hmac(session, make_member, clock):
    member = make_member()
    issued = pv.issue(session, member, NUMBER, clock.now, POLICY, KEY)
    row = session.get(PhoneCode, issued.code_id)
    assert issued.code not in row.code_hash and len(row.code_hash) == 64
    assert issued.code not in repr(issued) and issued.code.isdigit()


@pytest.mark.parametrize("text, code", [("", "empty"), ("my phone", "not_a_number"), ("02-2345-6789", "landline"),
                                        ("+81 90 1234 5678", "foreign"), ("0912-345", "invalid")])
def test_a_number_that_cannot_take_a_code_is_refused_with_its_reason_and_makes_no_code(
        session, make_member, clock, text, code):
    member = make_member()
    assert refused(pv.issue, session, member, text, clock.now, POLICY, KEY).code == code
    assert codes(session) == 0


def test_foreign_numbers_are_accepted_when_the_setting_says_so(session, make_member, clock):
    member = make_member()
    issued = pv.issue(session, member, "+81 90 1234 5678", clock.now, pv.Policy(allow_foreign=True), KEY)
    assert issued.phone.e164 == "+819012345678"


def test_resend_waits_sixty_seconds_then_the_old_code_stops_working(session, make_member, clock):
    member = make_member()
    sent(session, member, clock, code="111111")
    clock.tick(seconds=20)
    too_early = refused(pv.resend, session, member, clock.now, POLICY, KEY)
    assert too_early.code == "too_early" and too_early.params["seconds"] == 40
    clock.tick(seconds=40)
    second = pv.resend(session, member, clock.now, POLICY, KEY, code="222222")
    pv.mark_sent(session, second.code_id, "console", "ref2", clock.now)
    assert second.phone.e164 == E164
    assert refused(pv.check, session, member, "111111", clock.now, POLICY, KEY, SETTINGS).code == "wrong"
    assert pv.check(session, member, "222222", clock.now, POLICY, KEY, SETTINGS).phone.e164 == E164


def test_five_codes_a_day_per_number_even_from_other_members(session, make_member, clock):
    for _ in range(5):
        sent(session, make_member(), clock)
        clock.tick(seconds=61)
    assert refused(pv.issue, session, make_member(), NUMBER, clock.now, POLICY, KEY).code == "number_limit"
    clock.tick(hours=24)
    assert pv.issue(session, make_member(), NUMBER, clock.now, POLICY, KEY).phone.e164 == E164


def test_five_codes_a_day_per_member_whatever_the_numbers(session, make_member, clock):
    member = make_member()
    for i in range(5):
        sent(session, member, clock, text=f"09123456{i:02d}")
        clock.tick(seconds=61)
    before = codes(session)
    assert refused(pv.issue, session, member, "0922-000-111", clock.now, POLICY, KEY).code == "member_limit"
    assert codes(session) == before


def test_a_code_the_gateway_failed_to_send_counts_against_no_limit(session, make_member, clock):
    member = make_member()
    for _ in range(6):
        issued = pv.issue(session, member, NUMBER, clock.now, POLICY, KEY)
        pv.mark_failed(session, issued.code_id, "twilio")
    assert pv.issue(session, member, NUMBER, clock.now, POLICY, KEY).phone.e164 == E164


def test_a_code_is_marked_sent_once(session, make_member, clock):
    member = make_member()
    issued = sent(session, member, clock)
    pv.mark_sent(session, issued.code_id, "mitake", "other", clock.tick(seconds=5))
    row = session.get(PhoneCode, issued.code_id)
    assert (row.provider, row.provider_ref, row.sent_at) == ("console", "ref", NOW)
    assert pv.is_sent(session, issued.code_id)


def test_the_code_expires_after_ten_minutes(session, make_member, clock):
    member = make_member()
    sent(session, member, clock)
    clock.tick(minutes=10)
    assert refused(pv.check, session, member, "123456", clock.now, POLICY, KEY, SETTINGS).code == "expired"
    assert member.phone_verified_at is None


def test_five_wrong_guesses_kill_the_code(session, make_member, clock):
    member = make_member()
    issued = sent(session, member, clock)
    lefts = [refused(pv.check, session, member, "000000", clock.now, POLICY, KEY, SETTINGS).params.get("left") for _ in range(4)]
    assert lefts == [4, 3, 2, 1]
    assert refused(pv.check, session, member, "000000", clock.now, POLICY, KEY, SETTINGS).code == "attempts_used"
    assert refused(pv.check, session, member, "123456", clock.now, POLICY, KEY, SETTINGS).code == "attempts_used"
    assert session.get(PhoneCode, issued.code_id).status == "dead" and member.phone is None


def test_a_used_code_typed_again_is_a_replay_and_changes_nothing(session, make_member, clock):
    member = make_member()
    sent(session, member, clock)
    pv.check(session, member, "123456", clock.now, POLICY, KEY, SETTINGS)
    verified_at = member.phone_verified_at
    clock.tick(minutes=1)
    assert refused(pv.check, session, member, "123456", clock.now, POLICY, KEY, SETTINGS).code == "replayed"
    assert member.phone_verified_at == verified_at


def test_not_a_code_and_no_code_cost_no_attempt(session, make_member, clock):
    member = make_member()
    assert refused(pv.check, session, member, "123456", clock.now, POLICY, KEY, SETTINGS).code == "no_code"
    issued = sent(session, member, clock)
    assert refused(pv.check, session, member, "12345", clock.now, POLICY, KEY, SETTINGS).code == "not_a_code"
    assert session.get(PhoneCode, issued.code_id).attempts == 0


def test_a_number_another_member_verified_is_refused_without_saying_who(session, make_member, clock):
    first, second = make_member(), make_member()
    sent(session, first, clock)
    pv.check(session, first, "123456", clock.now, POLICY, KEY, SETTINGS)
    clock.tick(seconds=61)
    sent(session, second, clock, code="654321")
    taken = refused(pv.check, session, second, "654321", clock.now, POLICY, KEY, SETTINGS)
    assert taken.code == "taken" and taken.params == {}
    assert second.phone is None and second.phone_verified_at is None


def test_an_erased_members_number_can_be_verified_again(session, make_member, clock):
    first, second = make_member(), make_member()
    sent(session, first, clock)
    pv.check(session, first, "123456", clock.now, POLICY, KEY, SETTINGS)
    first.erased_at, first.status = clock.now, "erased"
    clock.tick(seconds=61)
    sent(session, second, clock, code="654321")
    assert pv.check(session, second, "654321", clock.now, POLICY, KEY, SETTINGS).phone.e164 == E164


def test_the_number_already_verified_by_the_member_needs_no_code(session, make_member, clock):
    member = make_member()
    sent(session, member, clock)
    pv.check(session, member, "123456", clock.now, POLICY, KEY, SETTINGS)
    clock.tick(minutes=2)
    already = refused(pv.issue, session, member, "+886 912 345 678", clock.now, POLICY, KEY)
    assert already.code == "already_verified" and already.params["masked"] == "0912-***-678"


def test_a_membership_moved_in_with_the_number_joins_the_member_who_verifies_it(session, unit_of_work, make_member,
                                                                              clock):
    from rewards.member_imports import csv_rows, import_members

    header = "external_id,name,phone,email,birthday,balance,tier,tier_until,joined_at,marketing_consent\n"
    import_members(unit_of_work, "oldcard", csv_rows(header + f"A1,王小明,{NUMBER},,,800,silver,,,1\n"),
                   clock.now, SETTINGS)
    member = make_member()
    sent(session, member, clock)
    verified = pv.check(session, member, "123456", clock.now, POLICY, KEY, SETTINGS)
    assert [(c.source, c.external_id, c.points) for c in verified.claimed] == [("oldcard", "A1", 800)]
    session.commit()
    session.expire_all()
    assert (member.balance, member.tier, member.phone) == (800, "silver", E164)


def test_erasure_forgets_the_numbers_of_the_members_codes(session, make_member, clock):
    member = make_member()
    issued = sent(session, member, clock)
    pv.forget(session, member)
    session.expire_all()
    assert session.get(PhoneCode, issued.code_id).phone is None
