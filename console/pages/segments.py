"""Segments: the builder with a live audience count, saved segments, and their member lists."""
from __future__ import annotations

from flask import abort, flash, g, jsonify, redirect, render_template, request, url_for

from api.errors import error_response
from core.field_errors import FieldErrors
from insights import rfm
from insights import segments as seg
from insights.models import RFM_SEGMENTS, Segment

from ..auth import requires
from ..blueprint import bp
from ..csv_response import csv_response
from ..formatting import local
from ..segment_form import describe, filter_from_form
from ..texts import RFM_LABELS
from ..web import db_session, get_or_404, now, record, settings
from ..refusals import refusing


PREVIEW = 50  # members shown under the builder


def _tier_codes() -> tuple[str, ...]:
    return tuple(t.code for t in settings().tiers)


def _builder(segment: Segment | None, f: seg.SegmentFilter, problems=None, name=None, status=200):
    with db_session() as s:
        tags, interests = seg.known_tags(s)
        audience = seg.count(s, f, now())
        preview = seg.members(s, f, now(), limit=PREVIEW)
        return render_template("console/segment_builder.html", segment=segment, f=f, name=name or
                               (segment.name if segment else ""), problems=problems or {}, tags=tags,
                               interests=interests, tiers=settings().tiers, rfm_labels=RFM_LABELS,
                               rfm_as_of=rfm.ensure_scored(s, now()), rfm_segments=RFM_SEGMENTS, audience=audience,
                               preview=preview, conditions=describe(f)), status


@bp.route("/segments")
@requires("read")
def segments():
    with db_session() as s:
        rows = [(segment, _described(segment), _count(s, segment)) for segment in seg.saved(s)]
        return render_template("console/segments.html", rows=rows)


def _count(session, segment: Segment):
    """How many members the segment holds now (and how many a marketing message could reach); None when its
    stored conditions no longer pass."""
    try:
        return seg.count(session, seg.filter_of(segment), now())
    except FieldErrors:
        return None


def _described(segment: Segment) -> list[tuple[str, str]]:
    """The conditions in words; a definition stored before filters were checked as they are now is
    named as such instead of taking the list down."""
    try:
        return describe(seg.filter_of(segment))
    except FieldErrors as exc:
        return [("無效條件 Invalid", ", ".join(sorted(exc.problems)))]


@bp.route("/segments/new")
@requires("read")
def segment_new():
    try:
        f = filter_from_form(request.args, _tier_codes())
    except FieldErrors as exc:
        return _builder(None, seg.SegmentFilter(), exc.problems, status=400)
    return _builder(None, f)


@bp.route("/segments/<int:segment_id>")
@requires("read")
def segment_detail(segment_id: int):
    with db_session() as s:
        segment = get_or_404(s, Segment, segment_id)
        try:
            f = seg.filter_of(segment, _tier_codes())
        except FieldErrors as exc:  # stored before its values were checked: show it to fix it
            return _builder(segment, seg.SegmentFilter(), exc.problems, status=200)
    return _builder(segment, f)


@bp.route("/segments/count")
@requires("read")
def segment_count():
    """The live count as filters change (JSON, read-only)."""
    try:
        f = filter_from_form(request.args, _tier_codes())
    except FieldErrors as exc:
        return error_response(400, exc.code, exc.message, exc.problems)  # the API's one error shape
    with db_session() as s:
        audience = seg.count(s, f, now())
        preview = render_template("console/_segment_preview.html", preview=seg.members(s, f, now(), limit=PREVIEW))
    return jsonify(count=audience.total, reachable=audience.reachable, preview=preview)


@bp.route("/segments", methods=["POST"])
@bp.route("/segments/<int:segment_id>", methods=["POST"])
@requires("edit_segments")
def segment_save(segment_id: int | None = None):
    with db_session() as s:
        segment = get_or_404(s, Segment, segment_id)
        if request.form.get("what") == "archive" and segment is not None:
            seg.archive(segment, now())
            record(s, "segment.archive", f"segment:{segment.id}", {"name": segment.name})
            flash(f"已封存「{segment.name}」。Segment archived.", "ok")
            return redirect(url_for("console.segments"))
        with refusing(s, FieldErrors) as refused:
            f = filter_from_form(request.form, _tier_codes())
            saved = seg.save(s, request.form.get("name", ""), f, g.staff.email, now(), segment)
        if refused:
            exc = refused.error
            flash("未儲存 Not saved: " + str(exc), "error")
            try:
                f = filter_from_form(request.form, _tier_codes())
            except FieldErrors:
                f = seg.SegmentFilter()
            return _builder(segment, f, exc.problems, name=request.form.get("name", ""), status=400)
        record(s, "segment.update" if segment else "segment.create", f"segment:{saved.id}",
               {"name": saved.name, "definition": saved.definition})
        saved_id = saved.id
    flash("分眾已儲存。Segment saved.", "ok")
    return redirect(url_for("console.segment_detail", segment_id=saved_id))


@bp.route("/segments/<int:segment_id>/members.csv")
@requires("read")
def segment_members_csv(segment_id: int):
    with db_session() as s:
        segment = get_or_404(s, Segment, segment_id)
        try:
            f = seg.filter_of(segment, _tier_codes())
        except FieldErrors:
            abort(400, description="this segment's conditions are not valid any more: open it and save it again")
        people = seg.members(s, f, now(), limit=None)
        return csv_response(f"segment-{segment_id}.csv",
                            ["member_code", "name", "tier", "balance", "joined_at", "subscribed", "blocked"],
                            ([m.member_code, m.display_name, m.tier, m.balance, local(m.joined_at),
                              m.marketing_opt_in, m.is_blocked] for m in people))
