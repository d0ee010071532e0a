"""Members: search, profile, points adjustment, tags, data export and erasure."""
from __future__ import annotations

import json
import logging
import secrets

from flask import Response, abort, flash, g, redirect, render_template, request, url_for

from bot.preview import ledger_line
from core.formats import signed
from core.field_errors import FieldErrors
from core.runtime import runtime
from privacy import erasure, member_data
from rewards import member_search
from rewards import adjustments, member_imports, membership
from rewards.errors import DomainError

from insights import rfm
from insights import segments as seg
from insights.models import RFM_SEGMENTS

from ..auth import requires
from ..texts import RFM_LABELS
from ..segment_form import describe, filter_from_form
from ..blueprint import bp
from ..web import db_session, int_or_none, now, record, settings
from ..refusals import refusing

log = logging.getLogger(__name__)


def _member_or_404(session, code: str):
    member = membership.by_code(session, code) if len(code) <= 16 else None
    if member is None:
        abort(404)
    return member


PER_PAGE = 50


@bp.route("/members")
@requires("read")
def members():
    """Search by name, code, phone or LINE id; without a search, every member, paged, sorted and filtered
    with the segment builder's conditions."""
    query = request.args.get("q", "").strip()
    sort = request.args.get("sort") if request.args.get("sort") in seg.SORTS else "joined"
    ascending = request.args.get("dir") == "asc"
    number = max(int_or_none(request.args.get("page")) or 1, 1)
    problems = {}
    try:
        f = filter_from_form(request.args, tuple(t.code for t in settings().tiers))
    except FieldErrors as exc:
        f, problems = seg.SegmentFilter(), exc.problems
    with db_session() as s:
        found = member_search.search(s, query) if query else []
        total, rows = (0, []) if query else seg.page(s, f, now(), sort, number, PER_PAGE, ascending)
        tags, interests = seg.known_tags(s)
        imports = [] if query else member_imports.counts(s)
        keep = [(k, v) for k, v in request.args.items(multi=True) if k not in ("page", "sort", "dir")]
        return render_template("console/members.html", query=query, found=found, settings=settings(), f=f,
                               rows=rows, total=total, sort=sort, number=number, direction="asc" if ascending else "desc",
                               pages=max((total + PER_PAGE - 1) // PER_PAGE, 1), keep=keep, problems=problems,
                               tiers=settings().tiers, tags=tags, interests=interests, rfm_segments=RFM_SEGMENTS,
                               rfm_labels=RFM_LABELS, rfm_as_of=rfm.ensure_scored(s, now()),
                               conditions=describe(f), imports=imports), (400 if problems else 200)


@bp.route("/rfm/refresh", methods=["POST"])
@requires("send_broadcasts")
def rfm_refresh():
    """RFM scored again now, on demand (the nightly job does the same), then back to the page asked from."""
    with db_session() as s:
        scored = rfm.score_all(s, now())
        record(s, "rfm.refresh", "rfm", {"members": sum(scored.values())})
    flash(f"RFM 已重算（{sum(scored.values()):,} 位會員）。RFM refreshed for {sum(scored.values()):,} members.", "ok")
    target = request.form.get("next") or ""
    return redirect(target if target.startswith("/console/") and "//" not in target else url_for("console.members"))


@bp.route("/members/owing")
@requires("read")
def members_owing():
    """Members who owe points: refunds of points they had already spent, repaid from what they earn next."""
    with db_session() as s:
        count, total, rows = member_search.owing(s)
        return render_template("console/members_owing.html", count=count, total=total, rows=rows)


@bp.route("/members/<code>")
@requires("read")
def member_detail(code: str):
    with db_session() as s:
        member = _member_or_404(s, code)
        rfm.ensure_scored(s, now())  # the nightly scores, computed now if the job never ran
        data = member_data.profile(s, member, now(), settings())
        return render_template("console/member.html", p=data, m=member, settings=settings(),
                               nonce=secrets.token_urlsafe(12))


@bp.route("/members/<code>/points", methods=["POST"])
@requires("adjust_points")
def member_points(code: str):
    delta = int_or_none(request.form.get("delta"))
    with db_session() as s:
        member = _member_or_404(s, code)
        with refusing(s, DomainError, ValueError) as refused:
            if member.status != "member":
                raise ValueError("only members' points can be adjusted")
            adjustments.adjust_points(s, member, delta if delta is not None else 0, request.form.get("reason", ""),
                                      g.staff.email, now(), settings(), key=request.form.get("nonce") or None)
        if refused:
            exc = refused.error
            flash(f"未調整 Not adjusted: {getattr(exc, 'message', exc)}", "error")
            return redirect(url_for("console.member_detail", code=code))
    flash(f"已調整 {signed(delta)} 點。Points adjusted.", "ok")
    return redirect(url_for("console.member_detail", code=code))


@bp.route("/members/<code>/tags", methods=["POST"])
@requires("edit_tags")
def member_tags(code: str):
    with db_session() as s:
        member = _member_or_404(s, code)
        if member.status == "erased":
            abort(400, description="an erased member has no tags")
        old = list(member.tags or [])
        member.tags = member_search.normalise_tags(request.form.get("tags", ""))
        record(s, "member.tags", f"member:{member.member_code}", {"from": old, "to": member.tags})
    flash("標籤已更新。Tags saved.", "ok")
    return redirect(url_for("console.member_detail", code=code))


@bp.route("/members/<code>/export", methods=["POST"])
@requires("export_member")
def member_export(code: str):
    with db_session() as s:
        member = _member_or_404(s, code)
        data = member_data.export(s, member, now())
        for row in data["points_ledger"]:  # the member's own words for each change, as in the chat
            row["reason"] = ledger_line(row["reason_code"], row["reason_params"], member.language)
        record(s, "member.export", f"member:{member.member_code}")
    body = json.dumps(data, ensure_ascii=False, indent=2)
    return Response(body, mimetype="application/json; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="member-{member.member_code}.json"'})


@bp.route("/members/<code>/erase", methods=["POST"])
@requires("erase_member")
def member_erase(code: str):
    """The same as the member's own "delete my data" in the chat (privacy.erasure.erase_member)."""
    with db_session() as s:
        member = _member_or_404(s, code)
        if member.status == "erased":
            flash("這位會員的資料已刪除。Already erased.", "info")
            return redirect(url_for("console.member_detail", code=code))
        if request.form.get("confirm", "").strip().upper() != member.member_code:
            flash("請輸入會員編號以確認。Type the member code to confirm.", "error")
            return redirect(url_for("console.member_detail", code=code))
        line_user_id = erasure.erase_member(s, member, now())
        record(s, "member.erase", f"member:{member.member_code}", {"reason": request.form.get("reason", "")[:200]})
    if line_user_id:
        _unlink_rich_menu(line_user_id)
    flash("會員個人資料已刪除。The member's personal data is erased.", "ok")
    return redirect(url_for("console.member_detail", code=code))


def _unlink_rich_menu(line_user_id: str) -> None:
    """Best effort, like the chat's delete: the member's rich menu goes back to the default one."""
    try:
        runtime().line.unlink_rich_menu(line_user_id)
    except Exception as exc:  # noqa: BLE001 - the erasure stands whatever LINE says
        log.warning("rich menu not unlinked after erasure: %s", type(exc).__name__)
