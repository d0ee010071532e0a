"""Admins manage staff accounts: create, change role, deactivate, unlock."""
from __future__ import annotations

from flask import abort, flash, g, redirect, render_template, request, url_for

from core.field_errors import FieldErrors

from .. import staff as accounts
from ..auth import requires
from ..blueprint import bp
from ..models import ROLES, StaffUser
from ..web import db_session, get_or_404, now, record


@bp.route("/staff")
@requires("manage_staff")
def staff_list():
    with db_session() as s:
        return render_template("console/staff.html", people=accounts.all_staff(s), roles=ROLES, now=now())


@bp.route("/staff", methods=["POST"])
@requires("manage_staff")
def staff_create():
    with db_session() as s:
        try:
            person = accounts.create_staff(s, request.form.get("email", ""), request.form.get("password", ""),
                                           request.form.get("role", ""), now())
        except FieldErrors as exc:
            flash(str(exc), "error")
            return redirect(url_for("console.staff_list"))
        record(s, "staff.create", f"staff:{person.email}", {"role": person.role})
        flash(f"已建立 {person.email}。Account created.", "ok")
    return redirect(url_for("console.staff_list"))


@bp.route("/staff/<int:staff_id>", methods=["POST"])
@requires("manage_staff")
def staff_update(staff_id: int):
    with db_session() as s:
        person = get_or_404(s, StaffUser, staff_id)
        what = request.form.get("what")
        try:
            if what == "role":
                old = person.role
                accounts.set_role(s, person, request.form.get("role", ""))
                record(s, "staff.role", f"staff:{person.email}", {"from": old, "to": person.role})
            elif what in ("deactivate", "activate"):
                if person.id == g.staff.id and what == "deactivate":
                    raise FieldErrors.one("active", "you cannot deactivate yourself")
                accounts.set_active(s, person, what == "activate")
                record(s, f"staff.{what}", f"staff:{person.email}")
            elif what == "unlock":
                accounts.unlock(person)
                record(s, "staff.unlock", f"staff:{person.email}")
            else:
                abort(400)
        except FieldErrors as exc:
            flash(str(exc), "error")
            return redirect(url_for("console.staff_list"))
        flash("已更新。Updated.", "ok")
    return redirect(url_for("console.staff_list"))
