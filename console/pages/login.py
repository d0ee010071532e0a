"""Log in, log out, and the staff member's own account (password; the LINE account for test sends is
linked by a one-time code sent from LINE: staff_line.py)."""
from __future__ import annotations

from flask import abort, flash, g, redirect, render_template, request, url_for

from core import formats
from core.runtime import runtime
from core.field_errors import FieldErrors
from rewards import audit

from .. import auth, staff as accounts
from ..blueprint import bp
from ..models import StaffUser
from ..web import db_session, now, record, safe_next
from . import staff_line


@bp.route("/login", methods=["GET", "POST"])
def login():
    next_url = safe_next(request.args.get("next"), url_for("console.dashboard"))
    if request.method == "GET":
        if g.staff is not None:
            return redirect(next_url)
        return render_template("console/login.html", next=next_url, email="", error=None)
    email = request.form.get("email", "")
    result = accounts.authenticate(runtime().db, email, request.form.get("password", ""), now())
    if result.ok:
        auth.log_in(result.staff)
        return redirect(next_url)
    if result.just_locked is not None:
        with db_session() as s:
            audit.record(s, "system", "staff.locked", f"staff:{result.just_locked.email}",
                         {"until": formats.instant(result.locked_until, runtime().clock.tz), "ip": request.remote_addr}, now())
    if result.locked_until is not None:
        error = "登入失敗次數過多，帳號暫時鎖定，請 15 分鐘後再試。Too many failed attempts: the account is locked for a while."
    else:
        error = "電子郵件或密碼不正確。Wrong e-mail or password."
    return render_template("console/login.html", next=next_url, email=email, error=error), 401


@bp.route("/logout", methods=["POST"])
def logout():
    auth.log_out(now())
    flash("已登出。Logged out.", "info")
    return redirect(url_for("console.login"))


@bp.route("/me", methods=["GET", "POST"])
@auth.login_required
def my_account():
    if request.method == "POST" and request.form.get("what") != "password":
        # the only change made here; a LINE user id is never typed in (it comes from the LINK code's event)
        abort(400)
    # the current password is checked (and counted, like a login) before the change's own transaction
    current_ok = (request.method == "POST"
                  and accounts.authenticate(runtime().db, g.staff.email, request.form.get("current", ""), now()).ok)
    with db_session() as s:
        me = s.get(StaffUser, g.staff.id)
        if request.method == "POST":
            try:
                if not current_ok:
                    raise FieldErrors.one("current", "the current password is not right")
                accounts.set_password(me, request.form.get("new", ""))
                record(s, "staff.password", f"staff:{me.email}")
                s.flush()
                auth.log_in(me, s)  # this session stays valid; the others end
                flash("密碼已更新。Password changed.", "ok")
            except FieldErrors as exc:
                flash(str(exc), "error")
            return redirect(url_for("console.my_account"))
        return render_template("console/me.html", me=me, line_link=staff_line.state(s, me.id, now()))
