"""Journeys: steps staff set in the console, each sent `delay_days` after the journey's start for a member,
a message or a content item, if its condition holds when the step is due. Three journeys (JOURNEYS), each
with its own start: welcome (the member joins), first purchase (their first order that was not refunded),
win-back (the wait staff set, `win_back_days`, after their last order with none since; WIN_BACK_DAYS by
default). Staff can also enrol existing members by
segment (JourneyEnrolment): for them the journey starts when they are enrolled.

A sweep queues each due step through the outbox (kind `journey`, category `marketing`, dedup key
`journey:{step}:{member}`), so the policy decides it like every marketing message: opt-out, block,
quiet hours, weekly cap. A step is sent only within CATCH_UP after it falls due (a late or paused
worker does not send a week's backlog), and only to members who joined after the step was set up.
A member who leaves (blocks the account or erases their data) gets no further step, and steps waiting
for them are cancelled.

A step may carry a campaign coupon (messaging/campaign_coupons.py, campaign `js{step id}`): each member
the step is queued for gets a code of their own through `campaign_coupons.issue_for`, within the step's
limit, and the step's figures report how many were given and redeemed at the till.
"""
from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import TYPE_CHECKING
from datetime import datetime, timedelta

from sqlalchemy import String, cast, exists, func, literal, or_, select, update
from sqlalchemy.orm import Session

from messaging import campaign_coupons, policy
from messaging.broadcasts import SAMPLE_COUPON_CODE, TEST_REFUSED
from rewards import notices
from rewards.models import Member, Order, Outbox
from rewards.outbox_state import FROM_, STATE, unclaimed
from core.timeutil import require_aware
from rewards.tx import isolated

from content import interests, picks
from content.models import ContentItem
from core.field_errors import FieldErrors
from insights.attribution import After, after
from messaging.models import JourneyEnrolment, JourneySetting, JourneyStep

if TYPE_CHECKING:
    from core.sweep_batches import Skips

KIND = "journey"
JOURNEYS = ("welcome", "first_purchase", "win_back")
WIN_BACK_DAYS = 90  # the win-back journey starts this many days after the last order, unless staff set another
MIN_WAIT, MAX_WAIT = 7, 730
CATCH_UP = timedelta(days=2)
MAX_DELAY = 365
MAX_TEXT = 2000
CONDITIONS = ("", "bought", "not_bought")  # and "tier:<code>"
LEFT = "left"  # the reason a waiting step is cancelled


class JourneyError(FieldErrors):
    """A step that cannot be saved as given."""


@dataclass(frozen=True)
class StepInput:
    delay_days: int | None
    kind: str = "text"
    text_zh: str = ""
    text_en: str = ""
    content_item_id: int | None = None
    condition: str = ""
    active: bool = True
    journey: str = "welcome"
    coupon: campaign_coupons.Spec | None = None  # a coupon for each member it goes to (checked by campaign_coupons.check)


def check_step(session: Session, given: StepInput, tier_codes: tuple[str, ...]) -> None:
    """JourneyError with every problem of the step as given (its coupon is checked by campaign_coupons.check)."""
    problems: dict[str, str] = {}
    if given.delay_days is None or not 0 <= given.delay_days <= MAX_DELAY:
        problems["delay_days"] = (f"天數須為 0–{MAX_DELAY} 的整數。"
                                  f"The days after the journey starts are a whole number, 0–{MAX_DELAY}.")
    if given.journey not in JOURNEYS:
        problems["journey"] = "請選擇旅程。Choose a journey: " + ", ".join(JOURNEYS) + "."
    if given.kind not in ("text", "content"):
        problems["kind"] = "類型須為訊息或內容。The type is a message or a content item."
    if given.kind == "text" and not given.text_zh.strip():
        problems["text_zh"] = "請填寫訊息（中文）。The message needs its Chinese text."
    for lang, zh, en in (("zh", "中文", "Chinese"), ("en", "英文", "English")):
        if len(getattr(given, f"text_{lang}")) > MAX_TEXT:
            problems[f"text_{lang}"] = f"訊息（{zh}）最多 {MAX_TEXT:,} 字。The {en} text is at most {MAX_TEXT:,} characters."
    if given.kind == "content" and given.content_item_id:  # none given: one fitting the member's interests
        item = session.get(ContentItem, given.content_item_id)
        if item is None or item.status != "active":
            problems["content_item_id"] = ("請選擇上架中的內容，或留空依興趣挑選。"
                                           "Pick an active content item, or none for one fitting their interests.")
    condition = given.condition
    if condition not in CONDITIONS and not (condition.startswith("tier:") and condition[5:] in tier_codes):
        problems["condition"] = "請選擇條件。Choose a condition: everyone, has bought, has not bought or a tier."
    if problems:
        raise JourneyError(problems)


def save_step(session: Session, given: StepInput, actor: str, now: datetime, tier_codes: tuple[str, ...],
              step: JourneyStep | None = None) -> JourneyStep:
    """Add a step (it applies to members who join from now on) or change one."""
    require_aware(now)
    check_step(session, given, tier_codes)
    if step is None:
        step = JourneyStep(starts_at=now, created_by=actor, created_at=now)
        session.add(step)
    step.delay_days, step.kind, step.condition, step.active = given.delay_days, given.kind, given.condition, given.active
    step.journey = given.journey
    step.text_zh, step.text_en = given.text_zh.strip(), given.text_en.strip()
    step.content_item_id = given.content_item_id if given.kind == "content" else None
    step.coupon = given.coupon.as_dict() if given.coupon else None
    step.updated_at = now
    session.flush()
    return step


def steps(session: Session, journey: str | None = None) -> list[JourneyStep]:
    q = select(JourneyStep).order_by(JourneyStep.delay_days, JourneyStep.id)
    if journey is not None:
        q = q.where(JourneyStep.journey == journey)
    return list(session.scalars(q))


def _orders(fn):
    return (select(fn(Order.placed_at)).where(Order.member_id == Member.id, Order.status != "refunded")
            .correlate(Member).scalar_subquery())


def win_back_days(session: Session) -> int:
    """How many days without an order start the win-back journey (staff's setting, else WIN_BACK_DAYS)."""
    row = session.get(JourneySetting, "win_back")
    return row.start_days if row is not None else WIN_BACK_DAYS


def set_win_back_days(session: Session, value, actor: str, now: datetime) -> int:
    """Staff's wait for the win-back journey, from a form's text; FieldErrors in both languages."""
    require_aware(now)
    try:
        days = int(str(value).strip())
    except (TypeError, ValueError):
        days = None
    if days is None or not MIN_WAIT <= days <= MAX_WAIT:
        raise JourneyError({"win_back_days": f"沒有消費的天數須為 {MIN_WAIT}–{MAX_WAIT} 的整數。"
                                             f"The days without a purchase are a whole number, {MIN_WAIT}–{MAX_WAIT}."})
    row = session.get(JourneySetting, "win_back")
    if row is None:
        row = JourneySetting(journey="win_back")
        session.add(row)
    row.start_days, row.updated_at, row.updated_by = days, now, actor
    session.flush()
    return days


def _starts(step: JourneyStep, win_back: int):
    """Where the step's journey starts for a member: (the instant, added to it, whether it joins enrolments).
    A member is due when instant + offset + delay <= now; only those who started after the step was set up.
    `win_back`: the days without an order that start the win-back journey."""
    trigger = {"welcome": (Member.joined_at, timedelta(0)),
               "first_purchase": (_orders(func.min), timedelta(0)),
               "win_back": (_orders(func.max), timedelta(days=win_back))}[step.journey]
    return [(*trigger, False), (JourneyEnrolment.enrolled_at, timedelta(0), True)]


def _started(step: JourneyStep, start, offset: timedelta, enrolled: bool, due_before: datetime,
             window: timedelta | None):
    """Members whose journey (through `start`) began after the step was set up and at most `due_before` minus
    the step's delay; with `window`, no earlier than that much before (the catch-up)."""
    q = select(Member)
    if enrolled:
        q = q.join(JourneyEnrolment, (JourneyEnrolment.member_id == Member.id)
                   & (JourneyEnrolment.journey == step.journey))
    q = q.where(start.is_not(None), start >= step.starts_at - offset, start <= due_before - offset)
    if window is not None:
        q = q.where(start > due_before - window - offset)
    condition = _condition(step)
    return q.where(condition) if condition is not None else q


def enrol(session: Session, journey: str, member_ids: list[int], actor: str, now: datetime) -> int:
    """Put existing members into a journey from now (once each; already enrolled ones stay as they were)."""
    require_aware(now)
    if journey not in JOURNEYS:
        raise JourneyError({"journey": "one of " + ", ".join(JOURNEYS)})
    have = set(session.scalars(select(JourneyEnrolment.member_id).where(JourneyEnrolment.journey == journey)))
    new = [m for m in dict.fromkeys(member_ids) if m not in have]
    session.add_all(JourneyEnrolment(journey=journey, member_id=m, enrolled_at=now, enrolled_by=actor) for m in new)
    session.flush()
    return len(new)


def enrolled(session: Session) -> dict[str, int]:
    return dict(session.execute(select(JourneyEnrolment.journey, func.count()).group_by(JourneyEnrolment.journey)).all())


def dedup_key(step_id: int, member_id: int) -> str:
    return f"{KIND}:{step_id}:{member_id}"


def _condition(step: JourneyStep):
    bought = exists().where(Order.member_id == Member.id, Order.status != "refunded")
    if step.condition == "bought":
        return bought
    if step.condition == "not_bought":
        return ~bought
    if step.condition.startswith("tier:"):
        return Member.tier == step.condition[5:]
    return None


def _item_for(session: Session, step: JourneyStep, member: Member, now: datetime) -> ContentItem | None:
    """The step's content item, or (none set) the newest live one fitting the member's first interests
    (what they bought, opened, or said), else a general one they have not had."""
    if step.content_item_id:
        item = session.get(ContentItem, step.content_item_id)
        return item if item is not None and item.status == "active" else None
    liked = interests.interests_of(session, [member.id], now)[member.id]
    return picks.pick(picks.live_items(session, now), liked, picks.sent_content(session, [member.id])[member.id])


def _params(session: Session, step: JourneyStep, member: Member, now: datetime) -> dict | None:
    """What the member's outbox row says (None: a content step with nothing to send them)."""
    item = _item_for(session, step, member, now) if step.kind == "content" else None
    return _step_params(step, member.display_name, item)


def _step_params(step: JourneyStep, name: str | None, item: ContentItem | None) -> dict | None:
    params = {"journey_step_id": step.id, "type": step.kind, "text_zh": step.text_zh, "text_en": step.text_en,
              "name": name}
    if step.kind == "content":
        if item is None:
            return None
        params["content"] = picks.snapshot(item)
        params["content_id"] = item.id
    return params


def stop_for_leavers(session: Session) -> int:
    """Cancel the steps still waiting for members who left (blocked the account, or are no longer members)."""
    gone = select(Member.id).where(or_(Member.status != "member", Member.is_blocked.is_(True)))
    return session.execute(
        update(Outbox).where(Outbox.kind == KIND, Outbox.status == "pending", Outbox.member_id.in_(gone), unclaimed())
        .values(status="cancelled", skip_reason=LEFT).execution_options(synchronize_session=False)).rowcount or 0


def queue_due(session: Session, now: datetime, limit: int = 1000, skips: Skips | None = None) -> int:
    """Queue every step that is due for a member (at most `limit` rows a run); returns how many. With
    `skips`, a member whose step fails is skipped (rewards.tx.isolated)."""
    require_aware(now)
    written = 0
    wait = win_back_days(session)
    for step in session.scalars(select(JourneyStep).where(JourneyStep.active.is_(True)).order_by(JourneyStep.id)):
        due_before = now - timedelta(days=step.delay_days)
        for start, offset, by_enrolment in _starts(step, wait):
            q = (_started(step, start, offset, by_enrolment, due_before, CATCH_UP).where(
                Member.status == "member", Member.is_blocked.is_(False), Member.line_user_id.is_not(None),
                ~exists().where(Outbox.dedup_key == dedup_key_sql(step.id)))
                .order_by(Member.id).limit(limit - written))
            for member in session.scalars(q).all():
                with isolated(session, skips, member.id):
                    params = _params(session, step, member, now)
                    if params is not None and step.coupon:
                        params |= _own_coupon(session, step, member, now)
                    if params is not None and notices.queue_notice(session, member, KIND, "marketing", params,
                                                                   dedup_key(step.id, member.id), now) is not None:
                        written += 1
            if written >= limit:
                return written
    return written


def coupon_campaign(step_id: int) -> str:
    """The campaign name of a step's coupons (messaging/campaign_coupons.py)."""
    return f"js{step_id}"


def coupon_spec(step: JourneyStep) -> campaign_coupons.Spec | None:
    if not step.coupon:
        return None
    return campaign_coupons.Spec(**{k: v for k, v in step.coupon.items() if k in campaign_coupons.Spec.__dataclass_fields__})


def _coupon_params(step: JourneyStep, valid_until: datetime | None) -> dict:
    spec = coupon_spec(step)
    return {"value": spec.value, "title_zh": spec.title_zh, "title_en": spec.title_en, "days": spec.days,
            "valid_until": valid_until.isoformat() if valid_until else None}


def _own_coupon(session: Session, step: JourneyStep, member: Member, now: datetime) -> dict:
    """The member's own coupon of the step, given now (nothing beyond the step's limit)."""
    coupon = campaign_coupons.issue_for(session, member, coupon_campaign(step.id), coupon_spec(step), now)
    if coupon is None:
        return {}
    return {"coupon": _coupon_params(step, coupon.valid_until), "coupon_code": coupon.code}


def dedup_key_sql(step_id: int):
    return literal(f"{KIND}:{step_id}:", String) + cast(Member.id, String)


@dataclass
class StepFigures:
    step: JourneyStep
    sent: int = 0
    waiting: int = 0
    skipped: dict[str, int] = field(default_factory=dict)  # reason -> members (left: stopped, they left)
    after: After = After()  # what those who got it did after
    missed: int = 0  # members whose step fell due but was never queued within CATCH_UP (the worker was down)
    title: str = ""  # a content step's item title ("" for a message, or an item picked per member)
    coupons: campaign_coupons.Report | None = None  # the step's coupons given and redeemed (a step with a coupon)




def missed(session: Session, step: JourneyStep, now: datetime) -> int:
    """Members the step was for (joined after it was set up, its condition holding now, still members) whose
    catch-up window closed with no row queued: the worker did not run in time, and the step is not sent late."""
    closed_before = now - timedelta(days=step.delay_days) - CATCH_UP
    ids: set[int] = set()
    for start, offset, by_enrolment in _starts(step, win_back_days(session)):
        q = _started(step, start, offset, by_enrolment, closed_before, None).where(
            Member.status == "member", Member.line_user_id.is_not(None),
            ~exists().where(Outbox.dedup_key == dedup_key_sql(step.id)))
        ids.update(session.scalars(q.with_only_columns(Member.id)))
    return len(ids)


def queue_test(session: Session, step: JourneyStep, line_user_id: str, now: datetime, name: str = "") -> Outbox:
    """A test send of the step to a staff member's linked LINE account (not counted in the step's figures;
    a coupon shows the sample code, as a broadcast's test send does, and none is given)."""
    require_aware(now)
    if not line_user_id:
        raise JourneyError({"line_user_id": "link your LINE account first (My account)"})
    refused = policy.direct_reason(session, line_user_id, "marketing")
    if refused:
        raise JourneyError({"line_user_id": TEST_REFUSED[refused]})
    params = preview_params(session, step, now, name)
    if params is None:
        raise JourneyError({"content_item_id": "no live content item to send"})
    row = Outbox(**notices.outbox_row(None, KIND, "marketing", params, f"journey-test:{step.id}:{uuid.uuid4().hex}",
                                      now, to_user_id=line_user_id))
    session.add(row)
    session.flush()
    return row


def preview_params(session: Session, step: JourneyStep, now: datetime, name: str = "") -> dict | None:
    """What a member named `name` would get from the step (None: a content step with no live item to show)."""
    item = None
    if step.kind == "content":
        item = session.get(ContentItem, step.content_item_id) if step.content_item_id else None
        if item is None:
            live = picks.live_items(session, now)
            item = live[0] if live else None
    params = _step_params(step, name, item)
    if params is not None and step.coupon:
        params |= {"coupon": _coupon_params(step, None), "coupon_code": SAMPLE_COUPON_CODE}
    return params


def figures(session: Session, now: datetime, journey: str | None = None) -> list[StepFigures]:
    """Per step: how many got it, were skipped (and why), still wait; and what those who got it did after."""
    out = []
    for step in steps(session, journey):
        f = StepFigures(step)
        got = []
        for member_id, status, reason, sent_at in session.execute(
                select(Outbox.member_id, STATE.status, Outbox.skip_reason, STATE.sent_at).select_from(FROM_)
                .where(Outbox.kind == KIND, Outbox.dedup_key.like(f"{KIND}:{step.id}:%"))):
            if status == "sent":
                f.sent += 1
                got.append((member_id, sent_at))
            elif status in ("pending", "sending"):
                f.waiting += 1
            else:
                key = reason or status
                f.skipped[key] = f.skipped.get(key, 0) + 1
        f.after = after(session, got, now)
        f.missed = missed(session, step, now) if step.active else 0
        if step.kind == "content" and step.content_item_id:
            item = session.get(ContentItem, step.content_item_id)
            f.title = item.title_zh + (f" · {item.title_en}" if item and item.title_en else "") if item else ""
        if step.coupon:
            f.coupons = campaign_coupons.report(session, coupon_campaign(step.id))
        out.append(f)
    return out
