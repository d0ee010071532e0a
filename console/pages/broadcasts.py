"""Broadcasts: compose (text with {name}, image, button or a content item), preview as LINE bubbles in
both languages, see the audience and what the policy will skip, the quota it uses, test-send, send now
or schedule, cancel, and the results after."""
from __future__ import annotations

from datetime import datetime

from flask import abort, flash, g, redirect, render_template, request, url_for

from bot.preview import broadcast_preview
from core import formats
from core.field_errors import FieldErrors
from core.runtime import runtime
from messaging import broadcast_results, campaign_coupons, holdout, images, line_statistics, policy, sending_state
from messaging import broadcasts as bc
from content import library_admin
from insights import segments as seg
from messaging.models import Broadcast
from insights.models import Segment


from .. import line_quota
from ..coupon_form import coupon_from
from ..auth import requires
from ..blueprint import bp
from ..formatting import local
from ..segment_form import describe
from ..web import db_session, get_or_404, int_or_none, now, record, settings
from . import staff_line
from ..refusals import refusing

SAMPLE_NAMES = {"zh-TW": "王小明", "en": "Amy"}  # only when the audience has nobody to show
SKIP_LABELS = {"unsubscribed": "已退訂 unsubscribed", "blocked": "已封鎖 blocked", "weekly_cap": "每週上限 weekly cap",
               "erased": "已刪除資料 erased", "cancelled": "已取消 cancelled", "holdout": "對照組 hold-out"}


# an A/B comparison or a hold-out gain in plain words (messaging/ab_stats.verdict)
VERDICTS = {"too_few": "人數太少，還看不出差別 Too few recipients to tell",
            "higher": "確實較高（95% 信賴區間不含 0）Higher, and not by chance (95% interval above 0)",
            "lower": "確實較低（95% 信賴區間不含 0）Lower, and not by chance (95% interval below 0)",
            "unclear": "看不出差別（可能只是運氣）No clear difference (it may be chance)"}


def _tier_codes():
    return tuple(t.code for t in settings().tiers)


CARD_FIELDS = tuple(bc.Card.__dataclass_fields__)


def _upload(files, field: str, given: str, problems: dict[str, str]) -> str:
    """The address of the picture uploaded in `field` (resized and stored), else the address typed."""
    upload = files.get(field)
    if upload is None or not upload.filename:
        return given.strip()
    try:
        return images.save(runtime().media, upload.read(), field)
    except FieldErrors as exc:
        problems.update(exc.problems)
        return given.strip()


def _message(form, files=None) -> tuple[bc.Message, dict[str, str]]:
    """The composed message as entered (uploads stored and put in as their addresses), and the
    problems with the uploads."""
    files = files or {}
    problems: dict[str, str] = {}
    cards = tuple(bc.Card(**{f: (_upload(files, f"card_{i}_image_file", form.get(f"card_{i}_image_url", ""), problems)
                                 if f == "image_url" else form.get(f"card_{i}_{f}", "")) for f in CARD_FIELDS})
                  for i in range(bc.MAX_CARDS))
    message = bc.Message(message_type=form.get("message_type", "text"), text_zh=form.get("text_zh", ""),
                         text_en=form.get("text_en", ""),
                         image_url=_upload(files, "image_file", form.get("image_url", ""), problems),
                         button_label_zh=form.get("button_label_zh", ""),
                         button_label_en=form.get("button_label_en", ""),
                         button_url=form.get("button_url", "").strip(),
                         content_item_id=int_or_none(form.get("content_item_id")),
                         cards=tuple(c for c in cards if not c.is_empty),
                         variants=_variants(form, files, problems),
                         coupon=coupon_from(form, problems))
    return message, problems


def _share(value: str | None) -> int | None:
    try:
        return int((value or "").strip())
    except ValueError:
        return None


def _variants(form, files, problems: dict[str, str]) -> tuple[bc.Variant, ...]:
    """The A/B test as entered: A plus each of B-D given a share (none: no test)."""
    others = [k for k in bc.VARIANT_KEYS[1:] if _share(form.get(f"variant_{k}_share"))]
    if not others:
        return ()
    out = [bc.Variant("A", _share(form.get("variant_A_share")) or 0)]
    for k in others:
        fields = {f: form.get(f"variant_{k}_{f}", "") for f in bc.VARIANT_FIELDS}
        fields["image_url"] = _upload(files, f"variant_{k}_image_file", fields["image_url"], problems)
        out.append(bc.Variant(k, _share(form.get(f"variant_{k}_share")) or 0, **fields))
    return tuple(out)


def _variants_to_show(message: bc.Message) -> list:
    """A-D for the form: the test's variants, and empty ones after them."""
    have = {v.key: v for v in message.variants}
    return [have.get(k) or bc.Variant(k, 0) for k in bc.VARIANT_KEYS]


def _cards_to_show(message: bc.Message) -> list:
    """The carousel's cards and empty ones after them, up to 10 fieldsets."""
    return list(message.cards) + [bc.Card()] * (bc.MAX_CARDS - len(message.cards))


def _render(params: dict, language: str) -> list[dict]:
    try:
        return broadcast_preview(params, language, settings())
    except (KeyError, ValueError, TypeError):
        return []


def _previews(session, b: Broadcast, samples: list, chosen) -> list[tuple[str, object, list[dict]]]:
    """(language, member, messages): the chosen member of the audience in their own language first, then
    a member who reads the other language, if the audience has one. Rendered by the outbox's renderer."""
    shown = []
    if chosen is not None:
        shown.append((chosen.language, chosen, _render(bc.as_member(b, session, chosen, _link_base()),
                                                       chosen.language)))
    for language, name in SAMPLE_NAMES.items():
        if any(lang == language for lang, _, _ in shown):
            continue
        other = next((m for m in samples if m.language == language), None)
        if other is not None:
            shown.append((language, other, _render(bc.as_member(b, session, other, _link_base()), language)))
        else:  # nobody in the audience reads it: a made-up name, so staff still see their text
            sample = bc.params_for(b, session, name=name) | ({"coupon_code": bc.SAMPLE_COUPON_CODE} if b.coupon else {})
            shown.append((language, None, _render(sample, language)))
    return shown


def _variant_previews(session, b: Broadcast, chosen) -> list[tuple[str, str, list[dict]]]:
    """(variant, language, messages) for B-D of an A/B test, as the chosen member (else a sample) gets them."""
    out = []
    for key in bc.variant_keys(b)[1:]:
        language = chosen.language if chosen is not None else "zh-TW"
        name = chosen.display_name if chosen is not None else SAMPLE_NAMES[language]
        params = bc.params_for(b, session, name=name, language=language, link_base=_link_base(), variant=key)
        params |= {"coupon_code": bc.SAMPLE_COUPON_CODE} if b.coupon else {}
        out.append((key, language, _render(params, language)))
    return out


def _link_base() -> str:
    return runtime().config.BOT_PUBLIC_URL


def _chosen(samples: list, code: str | None):
    """The member staff picked (by member code) among the audience, else the first one."""
    return next((m for m in samples if m.member_code == code), samples[0] if samples else None)


def _local_input(value: str | None) -> datetime | None:
    """A datetime-local field, read in the store's timezone."""
    try:
        naive = datetime.fromisoformat((value or "").strip())
    except ValueError:
        return None
    return naive.replace(tzinfo=now().tzinfo) if naive.tzinfo is None else naive


def _set_holdout(b: Broadcast, value) -> None:
    try:
        b.holdout_pct = holdout.check_pct(value)
    except ValueError:
        raise FieldErrors({"holdout_pct": f"對照組比例須在 0 到 {holdout.MAX_PCT}% 之間。"
                                          f"The hold-out share is between 0 and {holdout.MAX_PCT} %."}) from None


def _when_message(what: str, b: Broadcast, now_: datetime) -> str:
    """What staff are told after Send now / Schedule: when the messages will really start going. Held
    only when its time falls in quiet hours, by the policy's own rule (messaging.policy.quiet_hours_end):
    not because the clock moved on a few microseconds since it was scheduled."""
    at = max(b.scheduled_at, now_).astimezone(now_.tzinfo)
    until = policy.quiet_hours_end(at, settings())
    held = until is not None
    when = local(until or at)
    if what == "send_now" and not held:
        return "即將送出。Sending now."
    if held:
        return (f"現在是勿擾時段，訊息會在 {when} 送出。Quiet hours: the messages go out at {when}."
                if what == "send_now" else
                f"已排程；排定時間在勿擾時段內，訊息會在 {when} 送出。Scheduled in quiet hours: "
                f"the messages go out at {when}.")
    return f"已排程，{when} 會經由發送佇列送出。Scheduled: it goes out through the outbox at {when}."


@bp.route("/broadcasts")
@requires("read")
def broadcasts():
    with db_session() as s:
        rows = [(b, bc.results(s, b.id) if b.status in ("queuing", "queued", "cancelled") else None,
                 s.get(Segment, b.segment_id) if b.segment_id else None) for b in bc.listing(s)]
        return render_template("console/broadcasts.html", rows=rows, quota=line_quota.current())


@bp.route("/broadcasts/new")
@requires("send_broadcasts")
def broadcast_new():
    with db_session() as s:
        return render_template("console/broadcast_new.html", segments=seg.saved(s),
                               segment_id=int_or_none(request.args.get("segment_id")),
                               content_items=library_admin.active_items(s), message=bc.Message(), name="",
                               problems={}, cards=_cards_to_show(bc.Message()), holdout_pct=0,
                               variants=_variants_to_show(bc.Message()))


@bp.route("/broadcasts", methods=["POST"])
@requires("send_broadcasts")
def broadcast_create():
    message, upload_problems = _message(request.form, request.files)
    segment_id = int_or_none(request.form.get("segment_id"))
    with db_session() as s:
        with refusing(s, FieldErrors) as refused:
            if upload_problems:
                raise FieldErrors(upload_problems)
            b = bc.save_draft(s, request.form.get("name", ""), segment_id, message, g.staff.email, now())
            _set_holdout(b, request.form.get("holdout_pct"))
        if refused:
            exc = refused.error
            return render_template("console/broadcast_new.html", segments=seg.saved(s), segment_id=segment_id,
                                   content_items=library_admin.active_items(s), message=message,
                                   name=request.form.get("name", ""), cards=_cards_to_show(message),
                                   variants=_variants_to_show(message),
                                   holdout_pct=request.form.get("holdout_pct", ""),
                                   problems=upload_problems | exc.problems), 400
        record(s, "broadcast.create", f"broadcast:{b.id}", {"name": b.name, "type": b.message_type})
        broadcast_id = b.id
    return redirect(url_for("console.broadcast_detail", broadcast_id=broadcast_id))


@bp.route("/broadcasts/<int:broadcast_id>")
@requires("read")
def broadcast_detail(broadcast_id: int, problems=None, status=200, entered=None):
    """The broadcast's page; after a refused edit, `entered` (name, segment id, hold-out, message) is
    shown in the form exactly as it was typed, with the problems."""
    with db_session() as s:
        b = get_or_404(s, Broadcast, broadcast_id)
        f = bc.audience_filter(s, b, _tier_codes())
        send_at = b.scheduled_at or now()
        forecast = bc.forecast(s, f, now(), send_at, settings()) if b.status in bc.EDITABLE else None
        split = bc.split_counts(b.holdout_pct, bc.message_of(b), forecast.audience) if forecast else None
        samples = bc.sample_members(s, f, now())
        chosen = _chosen(samples, request.args.get("member"))
        sent = b.status in ("queuing", "queued", "cancelled")
        return render_template(
            "console/broadcast.html", b=b, previews=_previews(s, b, samples, chosen), forecast=forecast,
            variant_previews=_variant_previews(s, b, chosen),
            samples=samples, chosen=chosen, earned=broadcast_results.earned(s, b.id, now()) if sent else None,
            quiet_until=bc.quiet_until(b, now(), settings()) if b.status == "scheduled" else None,
            test_target=staff_line.test_send_target(s, g.staff),
            results=bc.results(s, b.id) if sent else None,
            quota=line_quota.current(), conditions=describe(f),
            segment=s.get(Segment, b.segment_id) if b.segment_id else None, segments=seg.saved(s),
            content_items=library_admin.active_items(s), problems=problems or {},
            **_form_values(b, entered),
            skip_labels=SKIP_LABELS, split=split, verdicts=VERDICTS, line_stats=line_statistics.by_variant(b),
            coupons=campaign_coupons.report(s, bc.coupon_campaign(b.id)) if sent and b.coupon else None, editable=b.status in bc.EDITABLE and g.staff.can("send_broadcasts")), status


def _form_values(b: Broadcast, entered) -> dict:
    name, segment_id, holdout_pct, message = entered or (b.name, b.segment_id, b.holdout_pct, bc.message_of(b))
    return {"message": message, "form_name": name, "form_segment_id": segment_id, "form_holdout_pct": holdout_pct,
            "cards": _cards_to_show(message), "variants": _variants_to_show(message)}


def _save(broadcast_id: int):
    """Save the edit form; a refused one comes back as typed, with its problems (nothing is lost)."""
    message, upload_problems = _message(request.form, request.files)
    name, segment_id = request.form.get("name", ""), int_or_none(request.form.get("segment_id"))
    with db_session() as s:
        b = get_or_404(s, Broadcast, broadcast_id)
        with refusing(s, FieldErrors) as refused:
            if upload_problems:
                raise FieldErrors(upload_problems)
            bc.save_draft(s, name, segment_id, message, g.staff.email, now(), broadcast=b)
            _set_holdout(b, request.form.get("holdout_pct"))
        if refused:
            exc = refused.error
            problems = upload_problems | exc.problems
        else:
            record(s, "broadcast.update", f"broadcast:{b.id}", {"name": b.name, "type": b.message_type,
                                                                "holdout_pct": b.holdout_pct})
            flash("已儲存。Saved.", "ok")
            return redirect(url_for("console.broadcast_detail", broadcast_id=broadcast_id))
    return broadcast_detail(broadcast_id, problems=problems, status=400,
                            entered=(name, segment_id, request.form.get("holdout_pct", ""), message))


@bp.route("/sending/resume", methods=["POST"])
@requires("send_broadcasts")
def resume_sending():
    """Staff say the monthly limit is lifted (a bigger plan, more messages bought): the sender tries
    again at once; if LINE still refuses, the limit is recorded again."""
    with db_session() as s:
        sending_state.clear_monthly_limit(s, now())
        record(s, "sending.resume", "sender", {})
    flash("已恢復發送，等待中的訊息會在幾秒內送出。Resumed: waiting messages go out within seconds.", "ok")
    return redirect(request.referrer or url_for("console.broadcasts"))


@bp.route("/broadcasts/<int:broadcast_id>", methods=["POST"])
@requires("send_broadcasts")
def broadcast_action(broadcast_id: int):
    what = request.form.get("what", "save")
    if what == "save":
        return _save(broadcast_id)
    with db_session() as s:
        b = get_or_404(s, Broadcast, broadcast_id)
        target = f"broadcast:{b.id}"
        with refusing(s, FieldErrors) as refused:
            if what == "test":
                samples = bc.sample_members(s, bc.audience_filter(s, b, _tier_codes()), now())
                member = _chosen(samples, request.form.get("member"))
                if member is None:
                    raise FieldErrors({"member": "對象中沒有會員可用來測試。Nobody in the audience to test with."})
                to = staff_line.test_send_target(s, g.staff) or ""
                bc.queue_test(s, b, to, now(), member, _link_base())
                record(s, "broadcast.test", target, {"to": to, "as_member": member.member_code})
                flash(f"測試訊息（以 {member.display_name or member.member_code} 的內容與語言）已排入，幾秒內會送到您的 LINE。"
                      f"The test message, as {member.member_code} gets it, is on its way to your LINE.", "ok")
            elif what in ("send_now", "schedule"):
                at = now() if what == "send_now" else _local_input(request.form.get("scheduled_at"))
                if at is None:
                    raise FieldErrors.one("scheduled_at", "請選擇日期與時間。Pick a date and time.")
                bc.schedule(s, b, at, now())
                record(s, f"broadcast.{what}", target, {"name": b.name, "at": formats.instant(b.scheduled_at, runtime().clock.tz),
                                                        "segment_id": b.segment_id})
                flash(_when_message(what, b, now()), "ok")
            elif what == "duplicate":
                copy = bc.duplicate(s, b, g.staff.email, now(), "複製 copy")
                record(s, "broadcast.duplicate", f"broadcast:{copy.id}", {"from": b.id})
                flash("已複製成新的草稿。Duplicated as a new draft.", "ok")
                return redirect(url_for("console.broadcast_detail", broadcast_id=copy.id))  # committed on leaving
            elif what == "cancel":
                stopped = bc.cancel(s, b, g.staff.email, now())
                record(s, "broadcast.cancel", target, {"name": b.name, "stopped_messages": stopped})
                flash("已取消。Cancelled.", "ok")
            else:
                abort(400)
        if refused:
            exc = refused.error
            flash("未完成 Not done: " + " ".join(exc.problems.values()), "error")  # words, no field codes
    return redirect(url_for("console.broadcast_detail", broadcast_id=broadcast_id))
