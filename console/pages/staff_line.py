"""A staff member links their own LINE account for test sends: the console shows a one-time code, the
staff member sends it to the bot (handlers/staff_link.py)."""
from __future__ import annotations

from flask import flash, g, redirect, url_for

from messaging import staff_link

from ..auth import requires
from ..blueprint import bp
from ..web import db_session, now, record


def state(session, staff_id: int, at) -> dict:
    """What My account shows: the linked account, or the code waiting to be sent."""
    link = staff_link.linked(session, staff_id)
    pending = staff_link.pending_code(session, staff_id, at)
    return {"linked_at": link.linked_at if link else None,
            "code": f"{staff_link.PREFIX} {staff_link.shown(pending[0])}" if pending else None,
            "expires_at": pending[1] if pending else None}


def test_send_target(session, staff) -> str | None:
    """Where a staff member's test sends go: the LINE account they linked by sending the bot their
    code (the id comes from LINE's webhook event, never from what staff type)."""
    link = staff_link.linked(session, staff.id)
    return link.line_user_id if link else None


@bp.route("/me/line-link", methods=["POST"])
@requires("read")
def line_link_code():
    with db_session() as s:
        staff_link.new_code(s, g.staff.id, g.staff.email, now())
        record(s, "staff.line_link_code", f"staff:{g.staff.email}")
    minutes = int(staff_link.VALID_FOR.total_seconds() // 60)
    flash(f"請在 {minutes} 分鐘內用 LINE 傳送連結碼給官方帳號。Send the code to the bot from LINE within {minutes} minutes.",
          "ok")
    return redirect(url_for("console.my_account"))


@bp.route("/me/line-unlink", methods=["POST"])
@requires("read")
def line_unlink():
    with db_session() as s:
        staff_link.unlink(s, g.staff.id)
        record(s, "staff.line_unlink", f"staff:{g.staff.email}")
    flash("已解除連結。Unlinked.", "ok")
    return redirect(url_for("console.my_account"))
