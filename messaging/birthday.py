"""Birthday coupons: one per member per calendar year, in the birth month, with a push.

From `settings.birthday_send_hour` on the 1st of a month (store time) until the month ends, every
member born that month who has no birthday coupon this year gets one (value by tier), valid to the
end of the month, and a `birthday` outbox row (marketing: the sender holds it over quiet hours and
skips it for the unsubscribed and the blocked; the coupon is theirs either way). 29 February is a
February birthday, also in other years.

"Once a year" is held by the database: the coupon's uniqueness key and the outbox dedup key are
both `birthday:{member_id}:{year}`. And once per *person*: a member record whose person (its
`identity_hash`, kept through an erasure, the way the welcome gift recognises a returning person)
had this year's coupon under an earlier, erased record gets none (erase, re-join, birthday again). The sweep reads only the month's members without that coupon
(index `ix_members_birthday`), a batch at a time, and inserts each batch's coupons and messages in
two statements that skip rows already there, so a rerun or a second worker changes nothing.

A member who joins, or sets their birthday, during their birth month gets the gift there and then
(`give_now`; the chat shows the card in its reply instead of a push).
"""
from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, datetime, time

from sqlalchemy import String, cast, exists, literal, select
from sqlalchemy.orm import Session, aliased

from rewards import coupons, notices
from rewards.codes import COUPON_CODE_LENGTH, random_codes
from rewards.models import Coupon, Member
from rewards.settings import ProgramSettings
from rewards.timeutil import end_of_local_day, require_aware

from core.bulk import insert_new, json_with
from core.sweep_batches import BATCH_SIZE, Batch, note_candidates

KIND = "birthday"


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
    if session.scalar(select(_person_had_one(now.year)).where(Member.id == member.id)):
        return None
    key = coupons.birthday_key(member.id, now.year)
    coupon = coupons.issue(session, member, KIND, gift.value, gift.valid_until, now, titles(KIND, gift.value), key)
    if coupon is None:
        return None
    if push:
        notices.queue_notice(session, member, KIND, "marketing", gift.params(coupon.code), key, now)
    return gift.params(coupon.code)


def _key_sql(year: int, member=Member):
    """`birthday:{members.id}:{year}` computed in SQL, to look the coupon up by its unique key."""
    return literal("birthday:", String) + cast(member.id, String) + literal(f":{year}", String)


def _person_had_one(year: int):
    """SQL: this year's birthday coupon was given to another record of the same person (`Member`)."""
    earlier = aliased(Member)
    return exists().where(earlier.identity_hash == Member.identity_hash, earlier.id != Member.id,
                          Coupon.member_id == earlier.id, Coupon.uniqueness_key == _key_sql(year, earlier))


def _with_coupon_this_year(session: Session, now: datetime, after_id: int, upto_id: int) -> set[int]:
    """Members in (after_id, upto_id] who have a birthday coupon of `now`'s year: one range read of
    the indexed columns (member, kind, and the year as the range of the coupon's end). Not an
    anti-join: with stale statistics PostgreSQL planned that as a nested loop scanning every coupon
    for every member."""
    year_start = datetime.combine(date(now.year, 1, 1), time(), tzinfo=now.tzinfo)
    year_end = datetime.combine(date(now.year + 1, 1, 1), time(), tzinfo=now.tzinfo)
    return set(session.scalars(select(Coupon.member_id).where(
        Coupon.member_id > after_id, Coupon.member_id <= upto_id, Coupon.kind == KIND,
        Coupon.valid_until > year_start, Coupon.valid_until <= year_end)))


def sweep_batch(session: Session, now: datetime, settings: ProgramSettings, titles: coupons.CouponTitles,
                after_id: int = 0, limit: int = BATCH_SIZE) -> Batch:
    """Issue the birthday coupons (and queue the pushes) of up to `limit` members after `after_id`;
    each coupon's title is `titles("birthday", value)`. One SELECT of the month's members, one range
    read of their coupons this year, one multi-row INSERT of the coupons, one INSERT ... SELECT of
    the pushes from the coupons just written."""
    require_aware(now)
    if now < send_from(now, settings):
        return Batch(0, 0, after_id, False)
    year = now.year
    born = session.execute(
        select(Member.id, Member.tier)
        .where(Member.birthday_month == now.month, Member.id > after_id, Member.status == "member",
               ~_person_had_one(year))
        .order_by(Member.id).limit(limit)).all()
    note_candidates(session, [member_id for member_id, _ in born])
    have = _with_coupon_this_year(session, now, after_id, born[-1][0]) if born else set()
    due = [(member_id, tier) for member_id, tier in born if member_id not in have]
    gifts = {member_id: gift_for(tier, now, settings) for member_id, tier in due}
    given = [(member_id, gift) for member_id, gift in gifts.items() if gift.value > 0]
    rows = []
    for (member_id, gift), code in zip(given, random_codes(len(given), COUPON_CODE_LENGTH)):
        title_zh, title_en = titles(KIND, gift.value)
        rows.append(dict(code=code, member_id=member_id, kind=KIND, title_zh=title_zh, title_en=title_en,
                         value=gift.value, valid_from=now, valid_until=gift.valid_until,
                         uniqueness_key=coupons.birthday_key(member_id, year), created_at=now))
    # a row whose key (or, once in ~10^17, code) is taken is skipped; the next run tries again
    insert_new(session, Coupon, rows)
    looked = [member_id for member_id, _ in born]
    if not rows:
        return Batch.of(looked, 0, limit, after_id)
    last_day = gifts[given[0][0]].last_day.isoformat()
    pushes = (select(Coupon.uniqueness_key, Coupon.member_id,
                     json_with(session, {"last_day": last_day}, code=Coupon.code, value=Coupon.value))
              .where(Coupon.member_id > after_id, Coupon.member_id <= looked[-1], Coupon.kind == KIND,
                     Coupon.created_at == now))
    # (the coupons of this batch are the ones created at `now`; one given in the chat has its own instant)
    queued = notices.queue_select(session, pushes, KIND, "marketing", now)
    return Batch.of(looked, queued, limit, after_id)
