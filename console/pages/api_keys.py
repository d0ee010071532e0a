"""Admins manage the API keys shop systems and BI tools use (the key is shown once, at creation)."""
from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for

from api import keys
from core.field_errors import FieldErrors

from ..auth import requires
from ..blueprint import bp
from ..web import db_session, now, record


@bp.route("/api-keys")
@requires("manage_api_keys")
def api_keys():
    with db_session() as s:
        return render_template("console/api_keys.html", rows=keys.list_keys(s), new_key=None, new_name=None)


@bp.route("/api-keys", methods=["POST"])
@requires("manage_api_keys")
def api_key_action():
    name = request.form.get("name", "").strip()
    with db_session() as s:
        if request.form.get("what") == "revoke":
            revoked = keys.revoke_key(s, name, now())
            if revoked is not None:  # refused at once by every process (api/auth.py)
                record(s, "apikey.revoke", f"apikey:{name}")
                flash(f"已停用 {name}。Key revoked.", "ok")
            return redirect(url_for("console.api_keys"))
        try:
            row, key = keys.create_key(s, name, now())
        except FieldErrors as exc:
            flash(str(exc), "error")
            return redirect(url_for("console.api_keys"))
        record(s, "apikey.create", f"apikey:{row.name}")
        # shown once, on this response only (never stored, never redirected through the session)
        return render_template("console/api_keys.html", rows=keys.list_keys(s), new_key=key, new_name=row.name)
