"""The journeys: their steps (delay, message or content item, condition, a campaign coupon), set by staff,
per step how many got it, what they did after and the coupons redeemed; the win-back journey's wait."""
from __future__ import annotations

from flask import abort, flash, g, redirect, render_template, request, url_for

from bot import preview
from content import library_admin
from messaging import journey
from insights import segments as seg
from insights.models import Segment
from messaging.models import JourneyStep

from ..auth import requires
from ..blueprint import bp
from ..coupon_form import coupon_from
from . import staff_line
from ..web import db_session, int_or_none, now, record, settings
from ..refusals import refusing

SKIP_LABELS = {"unsubscribed": "已退訂 unsubscribed", "blocked": "已封鎖 blocked", "weekly_cap": "每週上限 weekly cap",
               "erased": "已刪除資料 erased", "left": "已離開 left", "cancelled": "已取消 cancelled"}


def _tier_codes() -> tuple[str, ...]:
    return tuple(t.code for t in settings().tiers)


def journey_names(win_back_days: int) -> dict[str, str]:
    return {"welcome": "歡迎 Welcome (from joining)", "first_purchase": "首購 First purchase",
            "win_back": f"喚回 Win-back ({win_back_days:,} days after the last order)"}


def _journey(value) -> str:
    return value if value in journey.JOURNEYS else "welcome"


def _input(form, problems: dict[str, str]) -> journey.StepInput:
    """The step as entered; a refused coupon's problems go into `problems` (its fields kept as typed)."""
    return journey.StepInput(delay_days=int_or_none(form.get("delay_days")), kind=form.get("kind", "text"),
                             text_zh=form.get("text_zh", ""), text_en=form.get("text_en", ""),
                             content_item_id=int_or_none(form.get("content_item_id")),
                             condition=form.get("condition", ""), active=form.get("active", "yes") == "yes",
                             journey=_journey(form.get("journey")), coupon=coupon_from(form, problems))


class _Typed:
    """A refused step's form as typed, shown in place of the saved step (the macro reads these attributes)."""

    def __init__(self, given: journey.StepInput, form, step_id: int | None):
        self.id, self.journey, self.kind, self.condition = step_id, given.journey, given.kind, given.condition
        self.delay_days = form.get("delay_days", "")
        self.text_zh, self.text_en, self.content_item_id = given.text_zh, given.text_en, given.content_item_id
        self.active, self.coupon = given.active, given.coupon


def _previews(session, figures) -> dict[int, dict[str, list[dict]]]:
    """Each step as a member would read it, in both languages (a sample name; a content step without an item
    shows the newest live one, as members each get one fitting their interests)."""
    out = {}
    for f in figures:
        params = journey.preview_params(session, f.step, now(), name="陳小華")
        if params is not None:
            out[f.step.id] = {lang: preview.broadcast_preview(params, lang, settings()) for lang in ("zh-TW", "en")}
    return out


def _page(problems=None, status=200, typed: _Typed | None = None, shown: str | None = None):
    """The page; after a refused form, `typed` holds it as entered (`typed.id`: the step edited, None: a new one)."""
    current = shown or _journey(request.values.get("j") or request.form.get("journey"))
    with db_session() as s:
        figures = journey.figures(s, now(), current)
        wait = journey.win_back_days(s)
        return render_template("console/journey.html", figures=figures, previews=_previews(s, figures),
                               current=current, journeys=journey_names(wait), enrolled=journey.enrolled(s),
                               win_back_days=wait,
                               win_back_typed=request.form.get("win_back_days", wait) if problems else wait,
                               wait_limits=(journey.MIN_WAIT, journey.MAX_WAIT), typed=typed,
                               segments=seg.saved(s),
                               content_items=library_admin.active_items(s), tiers=settings().tiers,
                               catch_up_days=journey.CATCH_UP.days,
                               problems=problems or {}, skip_labels=SKIP_LABELS), status


@bp.route("/journey")
@requires("read")
def journey_page():
    return _page()


@bp.route("/journey/steps", methods=["POST"])
@bp.route("/journey/steps/<int:step_id>", methods=["POST"])
@requires("send_broadcasts")
def journey_step_save(step_id: int | None = None):
    with db_session() as s:
        step = s.get(JourneyStep, step_id) if step_id else None
        if step_id and step is None:
            abort(404)
        problems: dict[str, str] = {}  # the coupon's and the step's, all at once
        given = _input(request.form, problems)
        try:
            journey.check_step(s, given, _tier_codes())
        except journey.JourneyError as exc:
            problems |= exc.problems
        if problems:
            s.rollback()  # ends the write transaction: the page reads in its own
            return _page(problems, 400, _Typed(given, request.form, step_id))
        saved = journey.save_step(s, given, g.staff.email, now(), _tier_codes(), step)
        chosen = saved.journey
        record(s, "journey.step_update" if step else "journey.step_create", f"journey_step:{saved.id}",
               {"delay_days": saved.delay_days, "kind": saved.kind, "condition": saved.condition,
                "active": saved.active, "coupon": saved.coupon})
    flash("步驟已儲存。Step saved.", "ok")
    return redirect(url_for("console.journey_page", j=chosen))


@bp.route("/journey/win-back", methods=["POST"])
@requires("send_broadcasts")
def journey_win_back_wait():
    """How many days without a purchase start the win-back journey."""
    with db_session() as s:
        before = journey.win_back_days(s)
        with refusing(s, journey.JourneyError) as refused:
            days = journey.set_win_back_days(s, request.form.get("win_back_days"), g.staff.email, now())
        if refused:
            exc = refused.error
            return _page(exc.problems, 400, shown="win_back")
        record(s, "journey.win_back_wait", "journey:win_back", {"from": before, "to": days})
    flash(f"已儲存：最後一次消費後 {days:,} 天沒有再消費，就開始喚回旅程。"
          f"Saved: the win-back journey starts {days:,} days after a member's last purchase, if none since.", "ok")
    return redirect(url_for("console.journey_page", j="win_back"))


@bp.route("/journey/enrol", methods=["POST"])
@requires("send_broadcasts")
def journey_enrol():
    """Existing members of a saved segment join the journey now (its steps count from today)."""
    current = _journey(request.form.get("journey"))
    with db_session() as s:
        segment = s.get(Segment, int_or_none(request.form.get("segment_id")) or 0)
        if segment is None:
            flash("請選擇分眾。Choose a segment.", "error")
            return redirect(url_for("console.journey_page", j=current))
        ids = seg.member_ids(s, seg.filter_of(segment, _tier_codes()), now())
        added = journey.enrol(s, current, ids, g.staff.email, now())
        record(s, "journey.enrol", f"segment:{segment.id}", {"journey": current, "members": added})
    flash(f"已加入 {added:,} 位會員（已在旅程中的不重複加入）。{added:,} members enrolled; those already in it stay as they were.",
          "ok")
    return redirect(url_for("console.journey_page", j=current))


@bp.route("/journey/steps/<int:step_id>/test", methods=["POST"])
@requires("send_broadcasts")
def journey_step_test(step_id: int):
    """The step, as a member named like the staff member's own test would read it, to their linked LINE account."""
    with db_session() as s:
        step = s.get(JourneyStep, step_id)
        if step is None:
            abort(404)
        to, current = staff_line.test_send_target(s, g.staff) or "", step.journey
        with refusing(s, journey.JourneyError) as refused:
            journey.queue_test(s, step, to, now(), name="陳小華")
        if refused:
            exc = refused.error
            flash("未送出測試 Test not sent: " + "；".join(exc.problems.values()), "error")
            return redirect(url_for("console.journey_page", j=current) + f"#preview-{step_id}")
        record(s, "journey.step_test", f"journey_step:{step_id}", {"to": to})
    flash("測試訊息已排入，幾秒內會送到您的 LINE。The test message is on its way to your LINE.", "ok")
    return redirect(url_for("console.journey_page", j=current) + f"#preview-{step_id}")
