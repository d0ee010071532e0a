"""The welcome journey: its steps (delay, message or content item, condition), set by staff, and per
step how many got it and what they did after."""
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
from . import staff_line
from ..web import db_session, int_or_none, now, record, settings

SKIP_LABELS = {"unsubscribed": "已退訂 unsubscribed", "blocked": "已封鎖 blocked", "weekly_cap": "每週上限 weekly cap",
               "erased": "已刪除資料 erased", "left": "已離開 left", "cancelled": "已取消 cancelled"}


def _tier_codes() -> tuple[str, ...]:
    return tuple(t.code for t in settings().tiers)


JOURNEY_NAMES = {"welcome": "歡迎 Welcome (from joining)", "first_purchase": "首購 First purchase",
                 "win_back": f"喚回 Win-back ({journey.WIN_BACK_AFTER.days} days after the last order)"}


def _journey(value) -> str:
    return value if value in journey.JOURNEYS else "welcome"


def _input(form) -> journey.StepInput:
    return journey.StepInput(delay_days=int_or_none(form.get("delay_days")), kind=form.get("kind", "text"),
                             text_zh=form.get("text_zh", ""), text_en=form.get("text_en", ""),
                             content_item_id=int_or_none(form.get("content_item_id")),
                             condition=form.get("condition", ""), active=form.get("active", "yes") == "yes",
                             journey=_journey(form.get("journey")))


def _previews(session, figures) -> dict[int, dict[str, list[dict]]]:
    """Each step as a member would read it, in both languages (a sample name; a content step without an item
    shows the newest live one, as members each get one fitting their interests)."""
    out = {}
    for f in figures:
        params = journey.preview_params(session, f.step, now(), name="陳小華")
        if params is not None:
            out[f.step.id] = {lang: preview.broadcast_preview(params, lang, settings()) for lang in ("zh-TW", "en")}
    return out


def _page(problems=None, status=200):
    current = _journey(request.values.get("j") or request.form.get("journey"))
    with db_session() as s:
        figures = journey.figures(s, now(), current)
        return render_template("console/journey.html", figures=figures, previews=_previews(s, figures),
                               current=current, journeys=JOURNEY_NAMES, enrolled=journey.enrolled(s),
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
        try:
            saved = journey.save_step(s, _input(request.form), g.staff.email, now(), _tier_codes(), step)
        except journey.JourneyError as exc:
            s.rollback()
            flash("未儲存 Not saved: " + str(exc), "error")
            return _page(exc.problems, 400)
        chosen = saved.journey
        record(s, "journey.step_update" if step else "journey.step_create", f"journey_step:{saved.id}",
               {"delay_days": saved.delay_days, "kind": saved.kind, "condition": saved.condition,
                "active": saved.active})
    flash("步驟已儲存。Step saved.", "ok")
    return redirect(url_for("console.journey_page", j=chosen))


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
        try:
            journey.queue_test(s, step, to, now(), name="陳小華")
        except journey.JourneyError as exc:
            s.rollback()
            flash("未送出測試 Test not sent: " + "；".join(exc.problems.values()), "error")
            return redirect(url_for("console.journey_page", j=current) + f"#preview-{step_id}")
        record(s, "journey.step_test", f"journey_step:{step_id}", {"to": to})
    flash("測試訊息已排入，幾秒內會送到您的 LINE。The test message is on its way to your LINE.", "ok")
    return redirect(url_for("console.journey_page", j=current) + f"#preview-{step_id}")
