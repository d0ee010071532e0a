"""Birthday coupons: one per member per calendar year, in the birth month, with a push.

From `settings.birthday_send_hour` on the 1st of a month (store time) until the month ends, every
member born that month who has no birthday coupon this year gets one (value by tier), valid to the
end of the month, and a `birthday` outbox row (marketing: the sender holds it over quiet hours and
skips it for the unsubscribed and the blocked; the coupon is theirs either way). 29 February is a
February birthday, also in other years.

"Once a year" is held by the database: the coupon's uniqueness key and the outbox dedup key are
both `birthday:{member_id}:{year}`. And once per *person*: a member record whose person (its
`identity_hash`, kept through an erasure, the way the welcome gift recognises a returning person)
had this year's coupon under an earlier, erased record gets none (erase, re-join, birthday again).
The sweep walks the month's members (index `ix_members_birthday`) a batch at a time and writes each
batch's coupons and messages with two INSERT ... SELECT statements straight from the members who
have no coupon this year, skipping rows already there, so a rerun or a second worker changes nothing.

A member who joins, or sets their birthday, during their birth month gets the gift there and then
(`give_now`; the chat shows the card in its reply instead of a push).
"""
from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, datetime, time

from sqlalchemy import String, and_, case, cast, exists, func, literal, select
from sqlalchemy.orm import Session, aliased

from rewards import coupons, notices
from rewards.codes import COUPON_CODE_LENGTH, random_codes
from rewards.models import Coupon, Member
from rewards.settings import ProgramSettings
from core.timeutil import end_of_local_day, require_aware

from core.bulk import insert_select_new, json_with, nth_of
from core.sweep_batches import Batch, note_candidates

KIND = "birthday"
SWEEP_BATCH = 5000  # members born this month per unit of work


@dataclass(frozen=True)
class Gift:
    value: int
    valid_until: datetime  # the instant after the month's last day
    last_day: date

    def params(self, code: str) -> dict:
        """The outbox row's params: what the push shows."""
        return {"code": code, "value": self.value, "last_day": self.last_day.isoformat()}


def gift_for(tier_code: str, now: datetime, settings: ProgramSettings) -> Gift:
    last_day = date(now.year, now.month, calendar.monthrange(now.year, now.month)[1])
    return Gift(settings.tier(tier_code).birthday_coupon_value, end_of_local_day(last_day, now), last_day)


def send_from(now: datetime, settings: ProgramSettings) -> datetime:
    """When this month's birthday gifts start: the 1st at the send hour, store time."""
    return datetime.combine(date(now.year, now.month, 1), time(settings.birthday_send_hour), tzinfo=now.tzinfo)


def give_now(session: Session, member: Member, now: datetime, settings: ProgramSettings,
             titles: coupons.CouponTitles, push: bool = True) -> dict | None:
    """Give this member this year's birthday coupon if this is their birth month and they have none
    yet (a join or a birthday set mid-month). Returns what the birthday card shows (the outbox
    params), or None. `push=False` when the caller shows the card itself (a reply in the chat).
    The coupon's title is `titles("birthday", value)`."""
    require_aware(now)
    if member.status != "member" or member.birthday_month != now.month:
        return None
    gift = gift_for(member.tier, now, settings)
    if gift.value <= 0:
        return None
    if session.scalar(select(_person_had_one(now)).where(Member.id == member.id)):
        return None
    key = coupons.birthday_key(member.id, now.year)
    coupon = coupons.issue(session, member, KIND, gift.value, gift.valid_until, now, titles(KIND, gift.value), key)
    if coupon is None:
        return None
    if push:
        notices.queue_notice(session, member, KIND, "marketing", gift.params(coupon.code), key, now)
    return gift.params(coupon.code)


def _this_year(now: datetime):
    """SQL: the coupon's end falls in `now`'s year (a birthday coupon ends the instant after its month,
    so December's ends on 1 January)."""
    year_start = datetime.combine(date(now.year, 1, 1), time(), tzinfo=now.tzinfo)
    year_end = datetime.combine(date(now.year + 1, 1, 1), time(), tzinfo=now.tzinfo)
    return and_(Coupon.valid_until > year_start, Coupon.valid_until <= year_end)


def _had_one(record, now: datetime):
    """SQL: this member record (`record`) has this year's birthday coupon, checked against indexed
    columns (member, kind, the coupon's end), not against a key computed in SQL."""
    return exists().where(Coupon.member_id == record.id, Coupon.kind == KIND, _this_year(now))


def _has_none(now: datetime):
    """SQL: `Member` has no birthday coupon this year, as a count per member (a scalar subquery: an
    index probe of the member's coupons). Written as NOT EXISTS, PostgreSQL may turn it into an
    anti-join and, with statistics from before the sweep (no coupons yet), plan it as a nested loop
    over every coupon written so far for every member: quadratic over the sweep."""
    mine = select(func.count()).select_from(Coupon).where(Coupon.member_id == Member.id, Coupon.kind == KIND,
                                                          _this_year(now))
    return mine.scalar_subquery() == 0


def _given_this_year(session: Session, now: datetime, after_id: int, upto_id: int) -> set[int]:
    """Members in (after_id, upto_id] with this year's birthday coupon: one range read of the
    coupons' member index, so that a batch whose members all have theirs costs no more than that."""
    return set(session.scalars(select(Coupon.member_id).where(
        Coupon.member_id > after_id, Coupon.member_id <= upto_id, Coupon.kind == KIND, _this_year(now))))


def _person_had_one(now: datetime):
    """SQL: this year's birthday coupon was given to another record of the same person (`Member`).
    Asked only of a member with an identity hash, so that the check is an index probe per member
    whatever the planner thinks of the hashes' statistics."""
    earlier = aliased(Member)
    return and_(Member.identity_hash.is_not(None),
                exists().where(earlier.identity_hash == Member.identity_hash, earlier.id != Member.id,
                               _had_one(earlier, now)))


def _gift_columns(born: Member, now: datetime, settings: ProgramSettings, titles: coupons.CouponTitles):
    """SQL: the value and both titles of each member's gift, by tier (an unknown tier counts as the first)."""
    def by_tier(pick):
        return case({t.code: pick(gift_for(t.code, now, settings).value) for t in settings.tiers}, value=born.tier,
                    else_=pick(gift_for(settings.tiers[0].code, now, settings).value))
    return (by_tier(lambda value: value), by_tier(lambda value: titles(KIND, value)[0]),
            by_tier(lambda value: titles(KIND, value)[1]))


def sweep_batch(session: Session, now: datetime, settings: ProgramSettings, titles: coupons.CouponTitles,
                after_id: int = 0, limit: int = SWEEP_BATCH) -> Batch:
    """Issue the birthday coupons (and queue the pushes) of the next `limit` records born this month
    after `after_id` (the members among them: friends and erased records get nothing); each coupon's
    title is `titles("birthday", value)`. One SELECT of the batch's ids, one range read of their
    coupons (a batch already done stops there), one INSERT ... SELECT of the coupons straight from
    the batch's members who have none this year (the n-th of them takes the n-th of a string of
    codes from `secrets`), one INSERT ... SELECT of the pushes from the coupons just written."""
    require_aware(now)
    if now < send_from(now, settings):
        return Batch(0, 0, after_id, False)
    # the batch: read from the index alone (status and tier are checked by the INSERT ... SELECT)
    looked = list(session.scalars(select(Member.id).where(Member.birthday_month == now.month, Member.id > after_id)
                                  .order_by(Member.id).limit(limit)))
    note_candidates(session, looked)
    if not looked or set(looked) <= _given_this_year(session, now, after_id, looked[-1]):
        return Batch.of(looked, 0, limit, after_id)  # a run after the first: nothing to write
    value, title_zh, title_en = _gift_columns(Member, now, settings, titles)
    due = (select(Member.id, value.label("value"), title_zh.label("title_zh"), title_en.label("title_en"),
                  func.row_number().over(order_by=Member.id).label("n"))
           .where(Member.birthday_month == now.month, Member.id > after_id, Member.id <= looked[-1],
                  Member.status == "member", value > 0, _has_none(now), ~_person_had_one(now))
           .subquery())
    code = nth_of(session, random_codes(len(looked), COUPON_CODE_LENGTH), due.c.n)
    gift = gift_for(settings.tiers[0].code, now, settings)  # the month's end is every tier's
    key = literal(f"{KIND}:", String) + cast(due.c.id, String) + literal(f":{now.year}", String)
    rows = (select(code, due.c.id, literal(KIND), due.c.title_zh, due.c.title_en, due.c.value,
                   literal(now, Coupon.valid_from.type), literal(gift.valid_until, Coupon.valid_until.type), key,
                   literal(now, Coupon.created_at.type))
            .select_from(due))
    # a row whose key (or, once in ~10^17, code) is taken is skipped; the next run tries again
    issued = insert_select_new(session, Coupon, ["code", "member_id", "kind", "title_zh", "title_en", "value",
                                                 "valid_from", "valid_until", "uniqueness_key", "created_at"], rows)
    if not issued:
        return Batch.of(looked, 0, limit, after_id)
    pushes = (select(Coupon.uniqueness_key, Coupon.member_id,
                     json_with(session, {"last_day": gift.last_day.isoformat()}, code=Coupon.code, value=Coupon.value))
              .where(Coupon.member_id > after_id, Coupon.member_id <= looked[-1], Coupon.kind == KIND,
                     Coupon.created_at == now))
    # (the coupons of this batch are the ones created at `now`; one given in the chat has its own instant)
    queued = notices.queue_select(session, pushes, KIND, "marketing", now)
    return Batch.of(looked, queued, limit, after_id)
