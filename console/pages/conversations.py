"""Chats handed to staff (the inbox), the messages the bot did not understand, and the shop's faq answers."""
from __future__ import annotations

from flask import abort, flash, g, redirect, render_template, request, url_for

from content import faq_admin
from content.models import ContentItem
from core.field_errors import FieldErrors
from bot import preview
from messaging import handoff, labelled_examples, misses
from messaging.models import Handoff
from core.runtime import runtime
from privacy import member_data
from rewards.models import Member

from .. import line_quota, line_reads
from ..auth import requires
from ..texts import INTENT_NAMES
from ..blueprint import bp
from ..web import db_session, now, record, settings


@bp.app_context_processor
def _new_handoffs():
    """The count of chats waiting for staff, for the console's header."""
    staff = getattr(g, "staff", None)
    if staff is None or not staff.can("answer_chats"):
        return {"new_handoffs": 0}
    # a read of its own (never the write lock: a POST's page may be rendered inside its own unit)
    with runtime().db.session() as s:
        return {"new_handoffs": handoff.new_count(s, now())}


# -- the inbox
@bp.route("/inbox")
@requires("answer_chats")
def inbox():
    chosen = request.args.get("h", type=int)
    with db_session() as s:
        rows = handoff.inbox(s, now())
        current = s.get(Handoff, chosen) if chosen else (rows[0].handoff if rows else None)
        summary = chat = None
        if current is not None:
            chat = handoff.messages(s, current)
            member = s.get(Member, current.member_id) if current.member_id else None
            if member is not None and member.is_member:
                summary = member_data.profile(s, member, now(), settings(), limit=5)
            if current.closed_at is None:
                handoff.mark_seen(current, now())
                line_reads.mark_read(s, current, now())
        return render_template("console/inbox.html", rows=rows, current=current, chat=chat, summary=summary,
                               quota=line_quota.current() if current is not None else None)


def _handoff_or_404(session, handoff_id: int) -> Handoff:
    current = session.get(Handoff, handoff_id)
    if current is None:
        abort(404)
    return current


@bp.route("/inbox/<int:handoff_id>/reply", methods=["POST"])
@requires("answer_chats")
def inbox_reply(handoff_id: int):
    with db_session() as s:
        current = _handoff_or_404(s, handoff_id)
        member = s.get(Member, current.member_id) if current.member_id else None
        try:
            handoff.reply(s, current, member, request.form.get("text", ""), g.staff.email, now())
        except handoff.ReplyError as exc:
            flash(f"未送出 Not sent: {exc}", "error")
            return redirect(url_for("console.inbox", h=handoff_id))
        record(s, "handoff.reply", f"handoff:{handoff_id}")  # who answered; the words stay out of the audit
    flash("已送出 Sent.", "ok")
    return redirect(url_for("console.inbox", h=handoff_id))


@bp.route("/inbox/<int:handoff_id>/hand-back", methods=["POST"])
@requires("answer_chats")
def inbox_hand_back(handoff_id: int):
    with db_session() as s:
        handoff.hand_back(s, _handoff_or_404(s, handoff_id), g.staff.email, now())
        record(s, "handoff.hand_back", f"handoff:{handoff_id}")
    flash("已交回小幫手 Handed back to the bot.", "ok")
    return redirect(url_for("console.inbox"))


# -- what the bot did not understand: grouped by meaning, and what staff say it is teaches the bot
def _group_new_misses() -> None:
    """Give each miss that has no group yet the open group it means the same as (or a new one)."""
    with runtime().db.session(write=True) as s:
        new = misses.ungrouped(s)
        if new:
            groups = {g.key: g.examples for g in misses.groups(s)}
            misses.assign(s, preview.group_misses(s, new, groups))


@bp.route("/unanswered")
@requires("read_member_text")  # members' own words (console/roles.py)
def unanswered():
    _group_new_misses()
    with db_session() as s:
        groups = misses.groups(s)[:100]
        suggested = dict(zip((g.key for g in groups), preview.meanings(s, [g.wording for g in groups])))
        return render_template("console/unanswered.html", groups=groups, suggested=suggested,
                               intents=INTENT_NAMES, faqs=preview.faqs(s), problems={})


def _group_key() -> int:
    key = request.form.get("group", type=int)
    if key is None:
        abort(400)
    return key


@bp.route("/unanswered/label", methods=["POST"])
@requires("edit_content")
def unanswered_label():
    """Staff say what a group means: an intent, an faq, or a new faq (its English title asked for)."""
    key, meaning = _group_key(), request.form.get("meaning", "")
    try:
        with db_session() as s:
            if meaning == "new_faq":
                wordings = misses.wordings(s, key)
                item = faq_admin.faq_from_wordings(
                    s, wordings, request.form.get("answer_zh", ""), request.form.get("answer_en", ""),
                    g.staff.email, now(), title_zh=request.form.get("title_zh", "").strip(),
                    title_en=request.form.get("title_en", "").strip())
                meaning = f"faq:{item.slug or f'item-{item.id}'}"
                record(s, "faq.create", f"content:{item.id}", {"from_unanswered": len(wordings)})
            elif not (meaning in INTENT_NAMES or meaning == "none" or
                      (meaning.startswith("faq:") and any(f.slug == meaning[4:] for f in preview.faqs(s)))):
                raise FieldErrors.one("meaning", "choose what these messages mean", "required")
            wordings = misses.resolve(s, key, meaning)
            count = labelled_examples.add(s, wordings, meaning, now(), g.staff.id)
            record(s, "unanswered.label", f"label:{meaning}", {"wordings": count})
    except FieldErrors as exc:
        flash(f"未儲存 Not saved: {exc}", "error")
        return redirect(url_for("console.unanswered"))
    flash(f"已教會小幫手 Learned: {count} wordings now mean {meaning}.", "ok")
    return redirect(url_for("console.unanswered"))


@bp.route("/unanswered/dismiss", methods=["POST"])
@requires("edit_content")
def unanswered_dismiss():
    try:
        with db_session() as s:
            misses.dismiss(s, _group_key())
    except FieldErrors as exc:
        flash(f"未略過 Not dismissed: {exc}", "error")
    return redirect(url_for("console.unanswered"))


@bp.route("/unanswered/merge", methods=["POST"])
@requires("edit_content")
def unanswered_merge():
    try:
        with db_session() as s:
            misses.merge(s, _group_key(), request.form.get("into", type=int) or 0)
    except FieldErrors as exc:
        flash(f"未合併 Not merged: {exc}", "error")
    return redirect(url_for("console.unanswered"))


# -- the shop's own answers
@bp.route("/faq")
@requires("read")
def faqs():
    with db_session() as s:
        return render_template("console/faqs.html", items=faq_admin.faqs(s))


@bp.route("/faq/new")
@requires("edit_content")
def faq_new():
    return render_template("console/faq_form.html", item=None, fields=faq_admin.FaqFields(), problems={})


@bp.route("/faq/<int:item_id>")
@requires("read")
def faq_detail(item_id: int):
    with db_session() as s:
        item = s.get(ContentItem, item_id)
        if item is None or item.kind != "faq":
            abort(404)
        return render_template("console/faq_form.html", item=item, fields=faq_admin.FaqFields.of(item), problems={})


@bp.route("/faq", methods=["POST"])
@bp.route("/faq/<int:item_id>", methods=["POST"])
@requires("edit_content")
def faq_save(item_id: int | None = None):
    fields = faq_admin.FaqFields.from_form(request.form)
    try:
        with db_session() as s:
            item = s.get(ContentItem, item_id) if item_id else None
            if item_id and (item is None or item.kind != "faq"):
                abort(404)
            if item is None:
                item = faq_admin.create(s, fields, g.staff.email, now())
            else:
                faq_admin.update(item, fields, now(), g.staff.email)
            record(s, "faq.save", f"content:{item.id}")
            item_id = item.id
    except FieldErrors as exc:
        return render_template("console/faq_form.html", item=None, fields=fields, problems=exc.problems), 400
    flash("已儲存 Saved.", "ok")
    return redirect(url_for("console.faq_detail", item_id=item_id))
