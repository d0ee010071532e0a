"""The shop's stores: list, edit and add (content/stores_admin.py). The library files only seed them; an
edit here stands through restarts and `flask --app app content sync`."""
from __future__ import annotations

from flask import abort, flash, g, redirect, render_template, request, url_for

from content import stores_admin
from content.models import ContentItem
from core.field_errors import FieldErrors

from ..auth import requires
from ..blueprint import bp
from ..web import db_session, get_or_404, now, record
from ..refusals import refusing


def _store_or_404(session, item_id):
    item = get_or_404(session, ContentItem, item_id)
    if item is not None and item.kind != "store":
        abort(404)
    return item


@bp.route("/stores")
@requires("read")
def stores_page():
    with db_session() as s:
        return render_template("console/stores.html", stores=stores_admin.stores(s))


@bp.route("/stores/new")
@requires("edit_content")
def store_new():
    return render_template("console/store_form.html", item=None, fields=stores_admin.StoreFields(""), problems={})


@bp.route("/stores/<int:item_id>")
@requires("read")
def store_detail(item_id: int):
    with db_session() as s:
        item = _store_or_404(s, item_id)
        return render_template("console/store_form.html", item=item, fields=stores_admin.StoreFields.of(item),
                               problems={})


@bp.route("/stores", methods=["POST"])
@bp.route("/stores/<int:item_id>", methods=["POST"])
@requires("edit_content")
def store_save(item_id: int | None = None):
    fields = stores_admin.StoreFields.from_form(request.form)
    with db_session() as s:
        item = _store_or_404(s, item_id)
        with refusing(s, FieldErrors) as refused:
            if item is None:
                item = stores_admin.create(s, fields, g.staff.email, now())
            else:
                stores_admin.update(item, fields, g.staff.email, now())
        if refused:  # every field stays as typed, each problem beside its field
            exc = refused.error
            return render_template("console/store_form.html", item=item, fields=fields, problems=exc.problems), 400
        record(s, "store.save", f"content:{item.id}", {"title": item.title_zh, "hours": fields.hours})
        saved = item.id
    flash("門市已儲存。Store saved.", "ok")
    return redirect(url_for("console.store_detail", item_id=saved))
