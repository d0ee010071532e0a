"""Surveys: responses with filters (store, date, rating), CSAT by store and week, and the follow-up
queue of low scores with a "done" mark (the answers come from the chat: messaging/surveys.py)."""
from __future__ import annotations

from datetime import timedelta

from flask import abort, flash, g, redirect, render_template, request, url_for

from insights import survey_reports as surveys
from messaging import surveys as answering
from core.timeutil import local_midnight

from ..auth import requires
from ..blueprint import bp
from ..csv_response import csv_response
from ..formatting import local
from ..web import date_or_none, db_session, int_or_none, now, record

CSAT_WEEKS = 8


def _filter(args) -> surveys.ResponseFilter:
    today = now()
    start, end = date_or_none(args.get("from")), date_or_none(args.get("to"))
    return surveys.ResponseFilter(
        store=(args.get("store") or "").strip() or None,
        date_from=local_midnight(start, today) if start else None,
        date_to=local_midnight(end + timedelta(days=1), today) if end else None,
        rating_min=int_or_none(args.get("rating_min")), rating_max=int_or_none(args.get("rating_max")))


@bp.route("/surveys")
@requires("read")
def surveys_page():
    f = _filter(request.args)
    today = now()
    with db_session() as s:
        rows = surveys.responses(s, f)
        if request.args.get("format") == "csv":
            # members' own words only for those who may read them (console/roles.py)
            text = g.staff.can("read_member_text")
            return csv_response("survey-responses.csv",
                                ["answered_at", "member_code", "store", "rating"] + (["comment"] if text else [])
                                + ["follow_up_done_at"],
                                ([local(r.answered_at), r.member_code, r.store_id, r.rating]
                                 + ([r.comment] if text else [])
                                 + [local(r.follow_up_done_at) if r.follow_up_done_at else ""] for r in rows))
        weekly = surveys.csat_by_store_and_week(s, today - timedelta(weeks=CSAT_WEEKS), today)
        if request.args.get("table") == "csat":
            return csv_response("csat-by-store-week.csv", ["store", "week", "responses", "satisfied_4_5", "csat_%"],
                                ([w.store, w.week_start, w.responses, w.satisfied,
                                  None if w.csat is None else round(w.csat * 100, 1)] for w in weekly))
        queue = surveys.follow_up_queue(s)
        return render_template("console/surveys.html", rows=rows, weekly=weekly,
                               queue=queue, args=request.args, low=surveys.LOW_SCORE)


@bp.route("/surveys/follow-up/<int:response_id>", methods=["POST"])
@requires("handle_surveys")
def survey_follow_up_done(response_id: int):
    with db_session() as s:
        if not answering.mark_followed_up(s, response_id, g.staff.email, now()):
            abort(404)
        record(s, "survey.follow_up_done", f"survey_response:{response_id}")
    flash("已標記完成。Marked done.", "ok")
    return redirect(url_for("console.surveys_page"))
