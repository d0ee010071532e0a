"""Broadcasts: a marketing message to a segment, composed and scheduled by staff, sent through the
outbox and its policy.

Life of a broadcast: `draft` -> `scheduled` (editable, cancellable) -> at `scheduled_at` the sweep
claims it (`queuing`, one conditional UPDATE, so two workers never both take it), writes one outbox
row per recipient (kind `broadcast`, category `marketing`, dedup key `broadcast:{id}:{member_id}`,
campaign_id = id) with one INSERT ... SELECT per range of member ids straight from the audience
query (rewards.notices.queue_select), then `queued`. A crash while queuing
leaves it `queuing`; the next sweep finishes it, and the dedup keys write nobody twice. From then on
the outbox sender and messaging/policy.py decide each message (blocked, unsubscribed, weekly cap,
quiet hours), and what became of every message is read back from the outbox rows.

The message is snapshot into each row's params when queued (text in both languages, the member's
name for {name}, image, button, content item), so it renders later without the database.
"""
from __future__ import annotations

import uuid
from collections import Counter
from dataclasses import dataclass, field, fields
from datetime import datetime, timedelta

from sqlalchemy import String, and_, case, cast, func, literal, select, update
from sqlalchemy.orm import Session

from rewards import notices
from rewards.models import Member, Outbox
from rewards.outbox_state import FROM_, STATE, unclaimed
from rewards.settings import ProgramSettings
from core.timeutil import require_aware

from content import picks
from messaging import policy
from insights import segments as seg
from core.bulk import json_with
from core.field_errors import FieldErrors
from content.library_admin import is_https_url
from dataclasses import replace

from messaging import ab_split, campaign_coupons, holdout, images, short_links
from messaging.models import BROADCAST_TYPES, Broadcast, ShortLink
from content.models import ContentItem
from insights.models import Segment

KIND = "broadcast"
HOLDOUT = "holdout"  # the skip reason of a hold-out member's row
NAME_FIELD = "{name}"
MAX_TEXT = 2000
MAX_LABEL = 20  # LINE's limit for a button label
MAX_CARDS = 10  # a carousel's cards (LINE takes 12 bubbles; 10 is what a member scrolls through)
MAX_CARD_TITLE = 40
MAX_CARD_TEXT = 120


@dataclass(frozen=True)
class Card:
    """One card of a carousel: a picture, a title, a few words and one link button."""
    image_url: str = ""
    title_zh: str = ""
    title_en: str = ""
    text_zh: str = ""
    text_en: str = ""
    label_zh: str = ""
    label_en: str = ""
    url: str = ""

    @property
    def is_empty(self) -> bool:
        return not any(getattr(self, f).strip() for f in self.__dataclass_fields__)

    def as_dict(self) -> dict:
        return {f: getattr(self, f).strip() for f in self.__dataclass_fields__}


VARIANT_KEYS = ("A", "B", "C", "D")


@dataclass(frozen=True, kw_only=True)
class Wording:
    """What a message says in both languages, its picture and its button: all that a variant B-D of an
    A/B test may say differently from A (the type, audience, cards and time are A's)."""
    text_zh: str = ""
    text_en: str = ""
    image_url: str = ""
    button_label_zh: str = ""
    button_label_en: str = ""
    button_url: str = ""


VARIANT_FIELDS = tuple(f.name for f in fields(Wording))


@dataclass(frozen=True)
class Variant(Wording):
    """One message of an A/B test: its share of those not held out (%), and for B-D its own words."""
    key: str
    share: int

    def as_dict(self) -> dict:
        return {"key": self.key, "share": self.share} | (
            {} if self.key == "A" else {f: getattr(self, f).strip() for f in VARIANT_FIELDS})


def image_ok(url: str) -> bool:
    """LINE fetches pictures over https; a picture uploaded here (messaging/images.py) is at the media
    store's address, which is https in production (BOT_PUBLIC_URL or the bucket's)."""
    return is_https_url(url) or (url.startswith(("http://", "https://")) and url.endswith(images.ORIGINAL))
EDITABLE = ("draft", "scheduled")


@dataclass(frozen=True)
class Message(Wording):
    """What staff compose."""
    message_type: str = "text"
    content_item_id: int | None = None
    cards: tuple[Card, ...] = ()
    variants: tuple[Variant, ...] = ()  # empty: one message, no A/B test
    coupon: campaign_coupons.Spec | None = None  # a coupon for each recipient

    def as_variant(self, key: str) -> "Message":
        """The message variant `key` sends: A's, with B-D's own words, picture and button."""
        v = next((v for v in self.variants if v.key == key), None)
        if v is None or key == "A":
            return self
        return replace(self, **{f: getattr(v, f) or getattr(self, f) for f in VARIANT_FIELDS})


def _check_variants(session: Session, name: str, message: Message, problems: dict[str, str]) -> None:
    keys = [v.key for v in message.variants]
    if len(keys) == 1 or len(keys) > len(VARIANT_KEYS) or keys != list(VARIANT_KEYS[:len(keys)]):
        problems["variants"] = "A/B 測試需要 2 到 4 個版本。An A/B test has 2 to 4 variants."
        return
    if any(not 1 <= v.share <= 99 for v in message.variants) or sum(v.share for v in message.variants) != 100:
        problems["variants"] = ("各版本的比例須為 1–99%，合計 100%。"
                                "Each variant's share is 1–99 %, and together they make 100 %.")
    for v in message.variants[1:]:
        try:
            check(session, name, message.as_variant(v.key), variants=False)
        except FieldErrors as exc:
            for field_name, problem in exc.problems.items():
                problems[f"variant_{v.key}_{field_name}"] = f"版本 Variant {v.key}：{problem}"


def _check_cards(cards: tuple[Card, ...], problems: dict[str, str]) -> None:
    filled = [c for c in cards if not c.is_empty]
    if not filled:
        problems["cards"] = "一則輪播至少要有一張卡片。A carousel needs at least one card."
    if len(filled) > MAX_CARDS:
        problems["cards"] = f"輪播最多 {MAX_CARDS} 張卡片。A carousel has at most {MAX_CARDS} cards."
    for i, c in enumerate(cards):
        if c.is_empty:
            continue
        n, where = i + 1, f"card_{i}"
        if not image_ok(c.image_url):
            problems[f"{where}_image_url"] = f"第 {n} 張卡片需要圖片（上傳或 https 網址）。Card {n} needs a picture (upload one or give an https address)."
        if not c.title_zh.strip():
            problems[f"{where}_title_zh"] = f"第 {n} 張卡片需要中文標題。Card {n} needs a Chinese title."
        for lang in ("zh", "en"):
            if len(getattr(c, f"title_{lang}")) > MAX_CARD_TITLE:
                problems[f"{where}_title_{lang}"] = f"第 {n} 張卡片標題最多 {MAX_CARD_TITLE} 字。Card {n}: a title of at most {MAX_CARD_TITLE} characters."
            if len(getattr(c, f"text_{lang}")) > MAX_CARD_TEXT:
                problems[f"{where}_text_{lang}"] = f"第 {n} 張卡片內文最多 {MAX_CARD_TEXT} 字。Card {n}: at most {MAX_CARD_TEXT} characters of text."
            if len(getattr(c, f"label_{lang}")) > MAX_LABEL:
                problems[f"{where}_label_{lang}"] = f"第 {n} 張卡片按鈕文字最多 {MAX_LABEL} 字（LINE 的限制）。Card {n}: a button label of at most {MAX_LABEL} characters (LINE's limit)."
        if not c.label_zh.strip():
            problems[f"{where}_label_zh"] = f"第 {n} 張卡片需要按鈕文字。Card {n} needs a button label."
        if not is_https_url(c.url):
            problems[f"{where}_url"] = f"第 {n} 張卡片的按鈕需要 https:// 連結。Card {n}'s button needs an https:// address."


def check(session: Session, name: str, message: Message, variants: bool = True) -> None:
    problems: dict[str, str] = {}
    if variants and message.variants:
        _check_variants(session, name, message, problems)
    if not (name or "").strip() or len(name) > 200:
        problems["name"] = "請填寫名稱（1–200 字）。A name of 1–200 characters is required."
    t = message.message_type
    if t not in BROADCAST_TYPES:
        problems["message_type"] = "請選擇訊息類型。Choose a message type."
    for lang in ("zh", "en"):
        if len(getattr(message, f"text_{lang}")) > MAX_TEXT:
            problems[f"text_{lang}"] = f"內文最多 {MAX_TEXT} 字。The text has at most {MAX_TEXT} characters."
    if t in ("text", "button") and not message.text_zh.strip():
        problems["text_zh"] = "請填寫中文內文。The Chinese text is required."
    if t == "image" and not image_ok(message.image_url):
        problems["image_url"] = "請上傳圖片或填寫 https:// 圖片網址。Upload a picture or give its https:// address."
    if t in ("text", "button") and message.image_url and not image_ok(message.image_url):
        problems["image_url"] = "圖片網址必須是 https://。The picture's address must start with https://."
    if t == "carousel":
        _check_cards(message.cards, problems)
    if t == "button":
        if not message.button_label_zh.strip():
            problems["button_label_zh"] = "請填寫按鈕文字。A button label is required."
        for lang in ("zh", "en"):
            if len(getattr(message, f"button_label_{lang}")) > MAX_LABEL:
                problems[f"button_label_{lang}"] = (f"按鈕文字最多 {MAX_LABEL} 字（LINE 的限制）。"
                                                    f"A button label has at most {MAX_LABEL} characters (LINE's limit).")
        if not is_https_url(message.button_url):
            problems["button_url"] = "按鈕連結必須是 https:// 網址。The button needs an https:// address."
    if t == "content":
        item = session.get(ContentItem, message.content_item_id) if message.content_item_id else None
        if item is None or item.status != "active":
            problems["content_item_id"] = "請選擇一則上架中的內容。Pick an active content item."
    if problems:
        raise FieldErrors(problems)


def _apply(b: Broadcast, name: str, segment_id: int | None, message: Message) -> None:
    b.name = name.strip()
    b.segment_id = segment_id
    b.message_type = message.message_type
    b.text_zh, b.text_en = message.text_zh.strip(), message.text_en.strip()
    b.image_url = message.image_url.strip() or None
    b.button_label_zh = message.button_label_zh.strip() or None
    b.button_label_en = message.button_label_en.strip() or None
    b.button_url = message.button_url.strip() or None
    b.content_item_id = message.content_item_id if message.message_type == "content" else None
    b.cards = ([c.as_dict() for c in message.cards if not c.is_empty] if message.message_type == "carousel"
               else None)
    b.variants = [v.as_dict() for v in message.variants] or None
    b.coupon = message.coupon.as_dict() if message.coupon else None


def save_draft(session: Session, name: str, segment_id: int | None, message: Message, actor: str, now: datetime,
               broadcast: Broadcast | None = None) -> Broadcast:
    """Create a draft, or change one that has not been sent (a scheduled one stays scheduled)."""
    require_aware(now)
    check(session, name, message)
    if segment_id is not None and session.get(Segment, segment_id) is None:
        raise FieldErrors({"segment_id": "找不到這個分眾。No such segment."})
    if broadcast is None:
        broadcast = Broadcast(status="draft", created_by=actor, created_at=now, updated_at=now)
        session.add(broadcast)
    elif broadcast.status not in EDITABLE:
        raise FieldErrors({"status": f"已送出或取消的推播不能修改。A {broadcast.status} broadcast cannot be changed."})
    _apply(broadcast, name, segment_id, message)
    broadcast.updated_at = now
    session.flush()
    return broadcast


def duplicate(session: Session, b: Broadcast, actor: str, now: datetime, copy_word: str = "copy") -> Broadcast:
    """A new draft with everything the broadcast says and whom it goes to (any status)."""
    copy = Broadcast(status="draft", created_by=actor, created_at=now, updated_at=now,
                     holdout_pct=b.holdout_pct or 0)  # (a coupon's expiry is set again when the copy is sent)
    _apply(copy, f"{b.name} ({copy_word})"[:200], b.segment_id, message_of(b))
    session.add(copy)
    session.flush()
    return copy


def split_counts(b_holdout_pct: int, message: Message, audience: int) -> dict[str, int]:
    """How an audience of this size would be split now (the real split is made when it is sent)."""
    shares = [(v.key, v.share) for v in message.variants] if message.variants else [("", 100)]
    return ab_split.counts(audience, b_holdout_pct or 0, shares)


def message_of(b: Broadcast) -> Message:
    return Message(b.message_type, b.content_item_id,
                   tuple(Card(**{k: v or "" for k, v in c.items() if k in Card.__dataclass_fields__})
                         for c in (b.cards or [])),
                   tuple(Variant(**{k: v or ("" if k != "share" else 0) for k, v in d.items()
                                    if k in Variant.__dataclass_fields__}) for d in (b.variants or [])),
                   campaign_coupons.Spec(**{k: v for k, v in b.coupon.items() if k in campaign_coupons.Spec.__dataclass_fields__})
                   if b.coupon else None,
                   **{f: getattr(b, f) or "" for f in VARIANT_FIELDS})


def schedule(session: Session, b: Broadcast, at: datetime, now: datetime) -> None:
    """Send at `at` (now or later). Checked again, since a content item may have been retired. Its
    addresses get their short links now (messaging/short_links.py)."""
    require_aware(at, "at")
    if b.status not in EDITABLE:
        raise FieldErrors({"status": f"已送出或取消的推播不能再排程。A {b.status} broadcast cannot be scheduled."})
    if at < now.replace(second=0, microsecond=0):
        raise FieldErrors({"scheduled_at": "排程時間已經過去了。The time to send it is in the past."})
    check(session, b.name, message_of(b))
    b.status, b.scheduled_at, b.updated_at = "scheduled", max(at, now), now
    short_links.shorten(session, b, now)


def quiet_until(b: Broadcast, now: datetime, settings: ProgramSettings) -> datetime | None:
    """When the quiet hours its messages would wait for end (None: they go at its time). The policy's
    own rule, asked about the time it goes: at 09:04 nothing waits for quiet hours that ended at 09:00."""
    at = max(b.scheduled_at or now, now).astimezone(now.tzinfo)
    return policy.quiet_hours_end(at, settings)


def cancel(session: Session, b: Broadcast, actor: str, now: datetime) -> int:
    """Cancel a scheduled broadcast, or stop the messages of a queued one still waiting (e.g. for
    quiet hours to end). Returns how many waiting messages were cancelled."""
    if b.status not in ("draft", "scheduled", "queuing", "queued"):
        raise FieldErrors({"status": f"這則推播已無法取消。A {b.status} broadcast cannot be cancelled."})
    stopped = session.execute(
        update(Outbox).where(Outbox.campaign_id == b.id, Outbox.kind == KIND, Outbox.status == "pending", unclaimed())
        .values(status="cancelled", skip_reason="cancelled").execution_options(synchronize_session=False)).rowcount
    b.status, b.cancelled_at, b.cancelled_by, b.updated_at = "cancelled", now, actor, now
    return stopped or 0


# -- who it goes to ----------------------------------------------------------------------------------

def audience_filter(session: Session, b: Broadcast, tier_codes: tuple[str, ...] | None = None) -> seg.SegmentFilter:
    return seg.filter_of(session.get(Segment, b.segment_id) if b.segment_id else None, tier_codes)


@dataclass
class Forecast:
    """What sending to the audience at `send_at` would do, before anything is sent."""
    audience: int
    skipped: dict[str, int] = field(default_factory=dict)  # reason -> members (unsubscribed, blocked, ...)
    quiet_until: datetime | None = None  # quiet hours at send time: messages wait until then

    @property
    def will_send(self) -> int:
        return self.audience - sum(self.skipped.values())


def forecast(session: Session, f: seg.SegmentFilter, now: datetime, send_at: datetime,
             settings: ProgramSettings) -> Forecast:
    """The policy's own prediction (messaging.policy.predict_skips_of) for the audience, in one query."""
    audience, skipped = policy.predict_skips_of(session, seg.member_ids_query(session, f, now), now, settings)
    at = max(send_at, now).astimezone(now.tzinfo)  # quiet hours are read in store time
    return Forecast(audience, skipped, policy.quiet_hours_end(at, settings))


# -- sending -------------------------------------------------------------------------------------------

def claim_due(session: Session, now: datetime) -> list[int]:
    """Broadcasts to queue now: scheduled ones that are due (claimed here), and ones left `queuing`."""
    require_aware(now)
    due = list(session.scalars(select(Broadcast.id).where(Broadcast.status == "scheduled",
                                                          Broadcast.scheduled_at <= now).order_by(Broadcast.id)))
    claimed = [bid for bid in due if session.execute(
        update(Broadcast).where(Broadcast.id == bid, Broadcast.status == "scheduled")
        .values(status="queuing", updated_at=now).execution_options(synchronize_session=False)).rowcount == 1]
    unfinished = session.scalars(select(Broadcast.id).where(Broadcast.status == "queuing",
                                                            Broadcast.id.not_in(claimed or [0])))
    return sorted(set(claimed) | set(unfinished))


def unit_name(broadcast_id: int, variant: str = "") -> str:
    """LINE's aggregation unit of a broadcast (of one variant): letters, digits and _ (at most 30).
    LINE counts at most 1,000 unit names a month."""
    return f"bc{broadcast_id}" + (f"_{variant}" if variant else "")


def variant_keys(b: Broadcast) -> list[str]:
    """The broadcast's variants ([""] without an A/B test)."""
    return [v["key"] for v in b.variants] if b.variants else [""]


def params_for(b: Broadcast, session: Session, name: str | None = None, language: str | None = None,
               link_base: str = "", variant: str = "") -> dict:
    """The snapshot one outbox row carries (see bot/broadcast_messages.py, which renders it), of A/B
    variant `variant` if it has variants (A's by default); with `link_base` (the bot's public address)
    its addresses go through the short links."""
    variant = (variant or "A") if b.variants else ""
    own = next((v for v in (b.variants or []) if v["key"] == variant and variant != "A"), {})
    field_of = {f: own.get(f) or getattr(b, f) for f in VARIANT_FIELDS}  # an empty one is A's
    params = {"broadcast_id": b.id, "type": b.message_type, "text_zh": field_of["text_zh"] or "",
              "text_en": field_of["text_en"] or "", "name": name, "image_url": field_of["image_url"],
              "button_label_zh": field_of["button_label_zh"], "button_label_en": field_of["button_label_en"],
              "button_url": field_of["button_url"]}
    if variant:
        params["variant"] = variant
    if b.coupon:
        params["coupon"] = {k: b.coupon.get(k) for k in ("value", "title_zh", "title_en", "valid_until", "days")}
    if b.message_type == "carousel":
        params["cards"] = [dict(c) for c in (b.cards or [])]
    if b.message_type == "content" and b.content_item_id:
        item = session.get(ContentItem, b.content_item_id)
        if item is not None:
            params["content"] = picks.snapshot(item)
    if language:
        params["language"] = language
    if link_base:
        tokens = {link.url: link.token for link in session.scalars(
            select(ShortLink).where(ShortLink.broadcast_id == b.id, ShortLink.variant == variant))}
        params = short_links.rewrite(params, tokens, link_base)
    return params


def dedup_key(broadcast_id: int, member_id: int) -> str:
    return f"{KIND}:{broadcast_id}:{member_id}"


def member_id_span(session: Session) -> tuple[int, int]:
    """The lowest and highest member id: the sweep queues a broadcast by ranges of member ids."""
    low, high = session.execute(select(func.min(Member.id), func.max(Member.id))).one()
    return int(low or 0), int(high or 0)


def plan_split(session: Session, broadcast_id: int, now: datetime, tier_codes: tuple[str, ...] | None = None) -> None:
    """Split a claimed broadcast's audience exactly into its hold-out and variants, once
    (messaging/ab_split.py); a broadcast claimed again after a crash keeps its split."""
    b = session.get(Broadcast, broadcast_id)
    if b is None or b.status != "queuing" or b.split is not None:
        return
    ids = session.scalars(seg.member_ids_query(session, audience_filter(session, b, tier_codes), now)
                          .where(Member.line_user_id.is_not(None)))
    shares = [(v["key"], int(v["share"])) for v in b.variants] if b.variants else [("", 100)]
    b.split = ab_split.plan(ids, b.id, b.holdout_pct or 0, shares)
    if b.coupon and not b.coupon.get("valid_until"):
        b.coupon = dict(b.coupon) | {"valid_until": (now + timedelta(days=int(b.coupon["days"]))).isoformat()}


def queue_range(session: Session, broadcast_id: int, after_id: int, upto_id: int, now: datetime,
                tier_codes: tuple[str, ...] | None = None, link_base: str = "") -> int:
    """Write the outbox rows of the recipients with `after_id < member id <= upto_id`, in one
    INSERT ... SELECT per group straight from the audience query (a row already written is left as it
    is). Returns how many rows were written. A member of the hold-out gets a row too, already
    `skipped` with reason `holdout`: never sent, but counted. Each variant's members get its message."""
    b = session.get(Broadcast, broadcast_id)
    if b is None or b.status != "queuing":
        return 0
    audience = (seg.member_ids_query(session, audience_filter(session, b, tier_codes), now)
                .where(Member.id > after_id, Member.id <= upto_id).subquery())
    key = literal(f"{KIND}:{b.id}:", String) + cast(Member.id, String)
    rows = (select(key, Member.id).select_from(Member).join(audience, audience.c.id == Member.id)
            .where(Member.line_user_id.is_not(None)))
    if b.split is None:  # queued before splits were planned: the old hold-out by hash
        groups = [("", None, None)]
    else:
        groups = ab_split.ranges(b.split)
    written = 0
    h = ab_split.h_expr(Member.id, b.id)
    for group, low, high in groups:
        these = rows if low is None else rows.where(h >= low, h < high)
        if b.coupon and group != ab_split.HOLDOUT:  # each recipient's own coupon, before their row
            ids = list(session.scalars(these.with_only_columns(Member.id)))
            campaign_coupons.issue_many(session, coupon_campaign(b.id), ids, message_of(b).coupon,
                                        datetime.fromisoformat(b.coupon["valid_until"]), now)
        params = _params_sql(session, b, link_base, "" if group == ab_split.HOLDOUT else group)
        n = notices.queue_select(session, these.add_columns(params), KIND, "marketing", now, campaign_id=b.id)
        written += n
        if low is None:  # the old hold-out: by hash, about pct %
            held = holdout.held_out(Outbox.member_id, b.id, b.holdout_pct) if (b.holdout_pct or 0) > 0 else None
        else:
            h_row = ab_split.h_expr(Outbox.member_id, b.id)
            held = (h_row >= low) & (h_row < high) if group == ab_split.HOLDOUT else None
        if n and held is not None:  # the hold-out's rows of this range, in one UPDATE
            session.execute(update(Outbox).where(
                Outbox.campaign_id == b.id, Outbox.kind == KIND, Outbox.member_id > after_id,
                Outbox.member_id <= upto_id, Outbox.status == "pending", Outbox.created_at == now, held)
                .values(status="skipped", skip_reason=HOLDOUT).execution_options(synchronize_session=False))
    return written


def _params_sql(session: Session, b: Broadcast, link_base: str, variant: str):
    uses_name = NAME_FIELD in (b.text_zh or "") or NAME_FIELD in (b.text_en or "") or any(
        NAME_FIELD in (v.get("text_zh") or "") + (v.get("text_en") or "") for v in (b.variants or []))
    base = params_for(b, session, link_base=link_base, variant=variant)
    columns = {}
    if uses_name:
        base.pop("name")
        columns["name"] = Member.display_name
    if b.coupon:
        columns["coupon_code"] = campaign_coupons.code_column(coupon_campaign(b.id), Member.id)
    return json_with(session, base, **columns)


def coupon_campaign(broadcast_id: int) -> str:
    """The campaign name of a broadcast's coupons (messaging/campaign_coupons.py)."""
    return f"bc{broadcast_id}"


def finish(session: Session, broadcast_id: int, now: datetime) -> None:
    b = session.get(Broadcast, broadcast_id)
    if b is None or b.status != "queuing":
        return
    b.recipients = session.scalar(select(func.count()).select_from(Outbox).where(Outbox.campaign_id == b.id,
                                                                                Outbox.kind == KIND))
    b.status, b.queued_at, b.updated_at = "queued", now, now


def sample_members(session: Session, f: seg.SegmentFilter, now: datetime, limit: int = 20) -> list[Member]:
    """Members of the audience to preview and test with: real ones, each in their own language."""
    ids = seg.member_ids_query(session, f, now).where(Member.line_user_id.is_not(None)).subquery()
    reachable = and_(Member.marketing_opt_in.is_(True), Member.is_blocked.is_(False))
    return list(session.scalars(select(Member).join(ids, ids.c.id == Member.id)  # who will get it first
                                .order_by(case((reachable, 0), else_=1), Member.joined_at.desc(), Member.id.desc())
                                .limit(limit)))


SAMPLE_COUPON_CODE = "SAMPLE000000"  # previews and test sends: each recipient gets their own code


def as_member(b: Broadcast, session: Session, member: Member, link_base: str = "") -> dict:
    """The params of `member`'s message, in the member's language (for the preview and a test send)."""
    params = params_for(b, session, name=member.display_name, language=member.language, link_base=link_base)
    return params | ({"coupon_code": SAMPLE_COUPON_CODE} if b.coupon else {})


# why a test send is refused (policy.direct_reason): the linked LINE account is a member's who said no
TEST_REFUSED = {
    "unsubscribed": "您連結的 LINE 帳號是已退訂行銷訊息的會員，測試訊息不會送給他（請連結其他帳號，或從該帳號重新訂閱）。"
                    "Your linked LINE account is a member who opted out of marketing messages: a test send "
                    "never goes to them (link another account, or opt in from that account).",
    "blocked": "您連結的 LINE 帳號已封鎖機器人。Your linked LINE account has blocked the bot.",
}


def queue_test(session: Session, b: Broadcast, line_user_id: str, now: datetime, member: Member,
               link_base: str = "") -> Outbox:
    """A test send to a staff member's linked LINE account: `member`'s message, in the member's language
    (not counted in results)."""
    require_aware(now)
    if not line_user_id:
        raise FieldErrors({"line_user_id": "請先在「我的帳號」連結您的 LINE。link your LINE account first (My account)."})
    refused = policy.direct_reason(session, line_user_id, "marketing")
    if refused:  # the sender would skip it too; say so now
        raise FieldErrors.one("line_user_id", TEST_REFUSED[refused], code=f"test_send_{refused}")
    check(session, b.name, message_of(b))
    row = Outbox(**notices.outbox_row(None, KIND, "marketing", as_member(b, session, member, link_base),
                                      f"broadcast-test:{b.id}:{uuid.uuid4().hex}", now, to_user_id=line_user_id))
    session.add(row)
    session.flush()
    return row


# -- results ---------------------------------------------------------------------------------------------

@dataclass
class Results:
    total: int = 0
    waiting: int = 0  # pending or being sent (e.g. held until quiet hours end)
    sent: int = 0
    failed: int = 0
    cancelled: int = 0
    skipped: dict[str, int] = field(default_factory=dict)  # reason -> count
    errors: list[str] = field(default_factory=list)  # a few of LINE's answers to failed sends


def results(session: Session, broadcast_id: int) -> Results:
    r = Results()
    skipped: Counter[str] = Counter()
    for status, reason, n in session.execute(
            select(STATE.status, Outbox.skip_reason, func.count()).select_from(FROM_)
            .where(Outbox.campaign_id == broadcast_id, Outbox.kind == KIND)
            .group_by(STATE.status, Outbox.skip_reason)):
        r.total += n
        if status in ("pending", "sending"):
            r.waiting += n
        elif status == "sent":
            r.sent += n
        elif status == "failed":
            r.failed += n
        elif status == "cancelled":
            r.cancelled += n
        elif status == "skipped":
            skipped[reason or "unknown"] += n
    r.skipped = dict(skipped)
    if r.failed:
        r.errors = list(session.scalars(
            select(STATE.last_error).select_from(FROM_).where(Outbox.campaign_id == broadcast_id,
                                                              STATE.status == "failed")
            .group_by(STATE.last_error).limit(3)))
    return r


def listing(session: Session, limit: int = 100) -> list[Broadcast]:
    return list(session.scalars(select(Broadcast).order_by(Broadcast.created_at.desc(), Broadcast.id.desc())
                                .limit(limit)))
