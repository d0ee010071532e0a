"""A bad row never fails a sweep for everyone: it is logged by id, skipped, and the rest are done.

Each sweep gets a row the database refuses (a trigger planted on the table the sweep writes, failing
for one member: the set-based statement fails as a whole, as it would on a value out of range) or
a stored value the code cannot handle (an out-of-range time), and must still serve the others.
"""
from __future__ import annotations

import logging
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import select, update

from core.sweep_batches import Batch, Skips, note_candidates, split_span, walk
from insights.models import RfmScore
from messaging import broadcasts as bc
from messaging import journey
from messaging.surveys import KIND as surveys_kind
from rewards.models import Member, PointsLedger
from worker.sweeps import (birthday_coupons, broadcasts, content_drip, points_expiry, repurchase_reminders,
                           rfm_scores, survey_invitations, tier_keep_warnings, tier_review, welcome_journey)

from ..scene import at

DEC_1 = at(2026, 12, 1, 10)  # the 1st (birthday gifts), a Tuesday at 10:00 (the drip), a month before the review


@pytest.fixture
def refuse(rt):
    """`refuse(table, member_id)`: the database refuses that member's rows in `table` from now on
    (an error, not a constraint: no code may take it for a duplicate)."""
    planted = []

    def plant(table: str, member_id: int) -> None:
        with rt.db.engine.begin() as conn:
            if rt.db.is_postgres:
                conn.exec_driver_sql(
                    "CREATE OR REPLACE FUNCTION refused_row() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
                    "IF NEW.member_id = TG_ARGV[0]::int THEN RAISE EXCEPTION 'a bad row'; END IF; RETURN NEW; END $$")
                conn.exec_driver_sql(f"CREATE TRIGGER refused_{table} BEFORE INSERT ON {table} FOR EACH ROW "
                                     f"EXECUTE FUNCTION refused_row('{member_id}')")
            else:
                conn.exec_driver_sql(f"CREATE TRIGGER refused_{table} BEFORE INSERT ON {table} "
                                     f"WHEN NEW.member_id = {member_id} BEGIN SELECT json('a bad row'); END")
        planted.append(table)

    yield plant
    with rt.db.engine.begin() as conn:  # PostgreSQL keeps the schema (and triggers) between tests
        for table in planted:
            conn.exec_driver_sql(f"DROP TRIGGER IF EXISTS refused_{table}" + (f" ON {table}" if rt.db.is_postgres else ""))


def skipped_in_log(caplog, member_id) -> bool:
    return any(f"row {member_id} skipped" in r.getMessage() for r in caplog.records)


def outbox_members(scene, kind) -> set[int]:
    return {row.member_id for row in scene.outbox(kind=kind)}


@pytest.fixture(autouse=True)
def warnings_logged(caplog):
    caplog.set_level(logging.WARNING, logger="worker.sweeps")


def test_birthday_coupons_go_to_everyone_but_the_refused_member(scene, refuse, caplog):
    good_a, bad, good_b = scene.members(3, birthday_month=12, birthday_day=5, display_name="王小明")
    refuse("coupons", bad)
    summary = birthday_coupons.run(scene.rt, DEC_1)
    assert summary == "issued 2 birthday coupons, skipped 1 bad rows (see the log)"
    assert [len(scene.coupons(m)) for m in (good_a, bad, good_b)] == [1, 0, 1]
    assert outbox_members(scene, "birthday") == {good_a, good_b}
    assert skipped_in_log(caplog, bad) and "王小明" not in caplog.text


def test_the_content_drip_goes_on_past_a_refused_member(scene, refuse, caplog):
    scene.content("Cold brew tips")
    good_a, bad, good_b = scene.members(3)
    refuse("outbox", bad)
    assert content_drip.run(scene.rt, DEC_1).endswith("skipped 1 bad rows (see the log)")
    assert outbox_members(scene, "content") == {good_a, good_b}
    assert skipped_in_log(caplog, bad)


def test_repurchase_reminders_go_on_past_a_refused_member(scene, refuse, caplog):
    now = at(2026, 11, 20, 14)
    late = scene.members(3)
    for mid in late:
        for n, days_ago in enumerate((33, 23, 13)):
            scene.order(mid, f"R-{mid}-{n}", now - timedelta(days=days_ago))
    refuse("outbox", late[1])
    summary = repurchase_reminders.run(scene.rt, now)
    assert summary.startswith("queued 2 reminders") and summary.endswith("skipped 1 bad rows (see the log)")
    assert outbox_members(scene, "repurchase") == {late[0], late[2]}
    assert skipped_in_log(caplog, late[1])


def test_survey_invitations_go_on_past_a_refused_order(scene, refuse, caplog):
    now = at(2026, 11, 20, 14)
    buyers = scene.members(3)
    orders = [scene.order(mid, f"S-{mid}", now - timedelta(hours=3)) for mid in buyers]
    refuse("survey_invitations", buyers[1])
    assert survey_invitations.run(scene.rt, now) == "invited 2, skipped 1 bad rows (see the log)"
    assert outbox_members(scene, surveys_kind) == {buyers[0], buyers[2]}
    assert skipped_in_log(caplog, orders[1])  # the survey sweep walks orders: the order's id


def test_tier_keep_warnings_go_on_past_a_refused_member(scene, refuse, caplog):
    at_risk = scene.members(3, tier="silver")
    for mid in at_risk:
        scene.order(mid, f"K-{mid}", at(2026, 6, 1, 12), amount=4_000)
    refuse("outbox", at_risk[1])
    assert tier_keep_warnings.run(scene.rt, DEC_1) == "queued 2 notices, skipped 1 bad rows (see the log)"
    assert outbox_members(scene, "tier_keep_warning") == {at_risk[0], at_risk[2]}
    assert skipped_in_log(caplog, at_risk[1])


def test_a_broadcast_reaches_everyone_but_the_refused_member(scene, refuse, caplog):
    audience = scene.members(9)
    now = scene.clock.now()
    with scene.rt.db.session() as s:
        b = bc.save_draft(s, "weekend", None, bc.Message(text_zh="週末見"), "t", now)
        bc.schedule(s, b, now, now)
    refuse("outbox", audience[4])
    assert broadcasts.run(scene.rt, now).endswith("8 messages, skipped 1 bad rows (see the log)")
    assert outbox_members(scene, "broadcast") == set(audience) - {audience[4]}
    assert skipped_in_log(caplog, audience[4])


def test_the_welcome_journey_goes_on_past_a_refused_member(scene, refuse, caplog):
    now = scene.clock.now()
    with scene.rt.db.session() as s:
        journey.save_step(s, journey.StepInput(delay_days=0, text_zh="歡迎"), "t", now - timedelta(days=1), ("member",))
    joined = scene.members(3)
    refuse("outbox", joined[0])
    summary = welcome_journey.run(scene.rt, now + timedelta(hours=1))
    assert summary.startswith("queued 2 journey steps") and summary.endswith("skipped 1 bad rows (see the log)")
    assert outbox_members(scene, "journey") == {joined[1], joined[2]}
    assert skipped_in_log(caplog, joined[0])


def test_points_expiry_skips_a_lot_with_an_out_of_range_time_and_expires_the_others(scene, caplog):
    members = scene.members(3)
    for mid in members:
        scene.order(mid, f"E-{mid}", at(2025, 11, 1, 12), amount=1_000)
    with scene.rt.db.session() as s:  # stored before times were checked: local time overflows
        bad_lot = s.scalar(select(PointsLedger.id).where(PointsLedger.member_id == members[1]))
        s.execute(update(PointsLedger).where(PointsLedger.id == bad_lot)
                  .values(created_at=datetime(9999, 12, 31, 23, 30, tzinfo=timezone.utc)))
    assert points_expiry.run(scene.rt, at(2026, 11, 20, 14)) == "expired 2 lots, skipped 1 bad rows (see the log)"
    with scene.rt.db.session() as s:
        balances = dict(s.execute(select(Member.id, Member.balance).where(Member.id.in_(members))).all())
    assert balances[members[0]] == balances[members[2]] == 0 and balances[members[1]] > 0
    assert skipped_in_log(caplog, bad_lot)


def test_the_tier_review_moves_everyone_but_the_refused_member(scene, refuse, caplog):
    silver = scene.members(3, tier="silver")
    refuse("outbox", silver[2])
    summary = tier_review.run(scene.rt, at(2027, 1, 1, 9, 30))
    assert summary.endswith("down 2, skipped 1 bad rows (see the log)")
    with scene.rt.db.session() as s:
        tiers = dict(s.execute(select(Member.id, Member.tier).where(Member.id.in_(silver))).all())
    assert [tiers[m] for m in silver] == ["member", "member", "silver"]  # the skipped one keeps the tier
    assert skipped_in_log(caplog, silver[2])


def test_rfm_scores_everyone_but_the_refused_member(scene, refuse, caplog):
    buyers = scene.members(3)
    for mid in buyers:
        scene.order(mid, f"F-{mid}", at(2026, 10, 1, 12))
    refuse("rfm_scores", buyers[0])
    assert rfm_scores.run(scene.rt, at(2026, 11, 20, 14)).endswith("skipped 1 bad rows (see the log)")
    with scene.rt.db.session() as s:
        assert set(s.scalars(select(RfmScore.member_id))) == {buyers[1], buyers[2]}
    assert skipped_in_log(caplog, buyers[0])


def test_a_sweep_failing_for_every_row_still_fails_as_a_whole(rt):
    """A broken sweep is not a bad row: it is reported failed, not skipped row by row."""
    def broken(session, after, limit):
        ids = [n for n in (1, 2, 3) if n > after][:limit]
        note_candidates(session, ids)
        if ids:
            raise RuntimeError("broken")
        return Batch.of(ids, 0, limit, after)

    with pytest.raises(RuntimeError):
        walk(rt.db, broken, "broken")


def test_the_fast_path_is_one_batch_when_no_row_is_bad(rt):
    calls = []

    def batch(session, after, limit):
        calls.append((after, limit))
        ids = [n for n in range(1, 6) if n > after][:limit]
        note_candidates(session, ids)
        return Batch.of(ids, len(ids), limit, after)

    walked = walk(rt.db, batch, "fine", limit=10)
    assert (walked.looked, walked.done, walked.skipped) == (5, 5, 0) and calls == [(0, 10)]


def test_a_span_is_halved_down_to_the_bad_id_and_a_span_broken_for_all_still_fails(rt, caplog):
    def work_failing_at(bad):
        def work(session, after, upto):
            if after < bad <= upto:
                raise ValueError("a bad row")
            return upto - after
        return work

    skips = Skips("span")
    assert split_span(rt.db, work_failing_at(37), 0, 100, skips) == 99 and skips.count == 1
    assert skipped_in_log(caplog, 37)

    def broken(session, after, upto):
        raise RuntimeError("broken")

    with pytest.raises(RuntimeError):
        split_span(rt.db, broken, 0, 100, Skips("span"))
