"""1:1 chat with any member, from the member's page or the survey follow-up queue (messaging/chats.py):
the history of the member's chats, replies (text, canned, sticker, image; each a service push counted against
LINE's monthly quota), notes, assignment, LINE's read mark, and handing the chat back to the bot."""
from __future__ import annotations

from datetime import timedelta

from flask import abort, flash, g, redirect, render_template, request, url_for

from core.field_errors import FieldErrors
from core.runtime import runtime
from insights import survey_reports
from messaging import handoff
from messaging import member_chat as chats
from privacy import member_data


from .. import line_quota, line_reads
from ..auth import requires
from ..blueprint import bp
from ..staff import all_staff
from ..texts import STICKERS
from ..web import db_session, now, record, settings
from .members import _member_or_404
from ..refusals import refusing

def _back(code: str):
    return redirect(url_for("console.member_chat", code=code, survey=request.form.get("survey") or None) + "#chat")


def _next() -> str:
    """Back to the page the form was on (a console page only)."""
    target = request.form.get("next") or ""
    return target if target.startswith("/console/") and "//" not in target else url_for("console.inbox")


@bp.route("/members/<code>/chat")
@requires("answer_chats")
def member_chat(code: str):
    with runtime().db.session(write=True) as s:  # opening the chat marks it seen and read
        member = _member_or_404(s, code)
        chat = chats.open_chat(s, member, now())
        if chat is not None:
            handoff.mark_seen(chat, now())
            line_reads.mark_read(s, chat, now())
        messages = chats.history(s, member)
        survey_id = request.args.get("survey", type=int)
        survey = survey_reports.answer(s, survey_id, member.id) if survey_id else None
        summary = member_data.profile(s, member, now(), settings(), limit=5) if member.is_member else None
        return render_template(
            "console/member_chat.html", m=member, chat=chat, messages=messages, survey=survey, summary=summary,
            deliveries=chats.deliveries(s, messages), canned=chats.canned(s),
            staff=[p.email for p in all_staff(s) if p.active], stickers=STICKERS,
            quota=line_quota.current(), problems={})


def _on_chat(code: str, action: str, act, failed: str, done) -> object:
    """Begin (or keep) the member's chat, do `act(session, member, chat)` -> audit details, record it, and say
    `done(chat)`; a ChatError changes nothing and is said with `failed`."""
    with db_session() as s:
        member = _member_or_404(s, code)
        with refusing(s, chats.ChatError) as refused:
            chat = chats.begin(s, member, g.staff.email, now(), timedelta(hours=runtime().config.HANDOFF_HOURS))
            details = act(s, member, chat)
        if refused:
            exc = refused.error
            flash(f"{failed}: {exc}", "error")
            return _back(code)
        record(s, action, f"handoff:{chat.id}", details)  # who did it; the words stay out of the audit
        flash(done(chat), "ok")
    return _back(code)


@bp.route("/members/<code>/chat/send", methods=["POST"])
@requires("answer_chats")
def member_chat_send(code: str):
    kind, form, staff = request.form.get("kind", "text"), request.form, g.staff.email

    def send(s, member, chat):
        if kind == "sticker":
            package_id, _, sticker_id = form.get("sticker", "").partition("/")
            chats.send_sticker(s, chat, member, package_id, sticker_id, staff, now())
        elif kind == "image":
            chats.send_image(s, chat, member, form.get("image_url", ""), staff, now())
        else:
            chats.send_text(s, chat, member, form.get("text", ""), staff, now())
        return {"kind": kind}
    return _on_chat(code, "chat.reply", send, "未送出 Not sent",
                    lambda chat: "已送出（1 則推播，計入每月額度）Sent: 1 push, counted against the monthly quota.")


@bp.route("/members/<code>/chat/note", methods=["POST"])
@requires("answer_chats")
def member_chat_note(code: str):
    def write(s, member, chat):
        chats.note(s, chat, request.form.get("note", ""), g.staff.email, now())
    return _on_chat(code, "chat.note", write, "未儲存 Not saved",
                    lambda chat: "備註已儲存（不會傳給會員）Note saved; the member does not see it.")


@bp.route("/members/<code>/chat/assign", methods=["POST"])
@requires("answer_chats")
def member_chat_assign(code: str):
    def give(s, member, chat):
        chats.assign(chat, request.form.get("assignee"), {p.email for p in all_staff(s) if p.active})
        return {"to": chat.assigned_to}
    return _on_chat(code, "chat.assign", give, "未指派 Not assigned",
                    lambda chat: f"已指派 Assigned to {chat.assigned_to or '（無人 nobody）'}.")


@bp.route("/members/<code>/chat/hand-back", methods=["POST"])
@requires("answer_chats")
def member_chat_hand_back(code: str):
    with db_session() as s:
        member = _member_or_404(s, code)
        chat = chats.open_chat(s, member, now())
        if chat is not None:
            handoff.hand_back(s, chat, g.staff.email, now())
            record(s, "handoff.hand_back", f"handoff:{chat.id}")
    flash("已交回小幫手，並通知會員。Handed back to the bot; the member is told.", "ok")
    return _back(code)


# -- canned replies
@bp.route("/chat/canned", methods=["POST"])
@requires("answer_chats")
def canned_add():
    try:
        with db_session() as s:
            reply = chats.add_canned(s, request.form.get("title", ""), request.form.get("canned_text", ""),
                                           g.staff.email, now())
            record(s, "chat.canned_add", f"canned:{reply.id}")
    except FieldErrors as exc:
        flash("未儲存 Not saved: " + "；".join(exc.problems.values()), "error")
    else:
        flash("常用回覆已新增。Canned reply added.", "ok")
    return redirect(_next())


@bp.route("/chat/canned/<int:reply_id>/delete", methods=["POST"])
@requires("answer_chats")
def canned_delete(reply_id: int):
    with db_session() as s:
        if not chats.remove_canned(s, reply_id):
            abort(404)
        record(s, "chat.canned_delete", f"canned:{reply_id}")
    flash("常用回覆已刪除。Canned reply deleted.", "ok")
    return redirect(_next())
