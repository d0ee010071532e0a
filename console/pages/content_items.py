"""The content library: list, create, edit, retire."""
from __future__ import annotations

from flask import flash, g, redirect, render_template, request, url_for

from content import library_admin as library
from core.field_errors import FieldErrors
from content.library_files import KINDS
from rewards.member_search import normalise_tags
from content.models import ContentItem

from ..auth import requires
from ..blueprint import bp
from ..web import db_session, get_or_404, now, record
from ..refusals import refusing


def _fields(form) -> library.ContentFields:
    return library.ContentFields(
        title_zh=form.get("title_zh", ""), title_en=form.get("title_en", ""), body_zh=form.get("body_zh", ""),
        body_en=form.get("body_en", ""), image_url=form.get("image_url", ""), link_url=form.get("link_url", ""),
        topics=tuple(normalise_tags(form.get("topics", ""))), status=form.get("status", "draft"),
        kind=form.get("kind", "story"))


@bp.route("/content")
@requires("read")
def content_items():
    show_retired = request.args.get("retired") == "1"
    with db_session() as s:
        return render_template("console/content_items.html", items=library.items(s, include_retired=show_retired),
                               show_retired=show_retired)


@bp.route("/content/new")
@requires("edit_content")
def content_new():
    return render_template("console/content_form.html", item=None, fields=library.ContentFields(title_zh=""),
                           problems={}, kinds=KINDS)


@bp.route("/content/<int:item_id>")
@requires("read")
def content_detail(item_id: int):
    with db_session() as s:
        item = get_or_404(s, ContentItem, item_id)
        fields = library.ContentFields(item.title_zh, item.title_en, item.body_zh, item.body_en, item.image_url or "",
                                       item.link_url or "", tuple(item.topics or ()),
                                       item.status if item.status != "retired" else "draft", item.kind)
        return render_template("console/content_form.html", item=item, fields=fields, problems={}, kinds=KINDS)


@bp.route("/content", methods=["POST"])
@bp.route("/content/<int:item_id>", methods=["POST"])
@requires("edit_content")
def content_save(item_id: int | None = None):
    with db_session() as s:
        item = get_or_404(s, ContentItem, item_id)
        if request.form.get("what") == "retire" and item is not None:
            library.retire(item, now())
            record(s, "content.retire", f"content:{item.id}", {"title": item.title_zh})
            flash("已下架。Retired.", "ok")
            return redirect(url_for("console.content_items"))
        fields = _fields(request.form)
        with refusing(s, FieldErrors) as refused:
            if item is None:
                item = library.create(s, fields, g.staff.email, now())
                record(s, "content.create", f"content:{item.id}", {"title": item.title_zh, "status": item.status})
            else:
                library.update(item, fields, now(), g.staff.email)
                record(s, "content.update", f"content:{item.id}", {"title": item.title_zh, "status": item.status})
        if refused:
            exc = refused.error
            return render_template("console/content_form.html", item=item if item_id else None, fields=fields,
                                   problems=exc.problems, kinds=KINDS), 400
        saved_id = item.id
    flash("已儲存。Saved.", "ok")
    return redirect(url_for("console.content_detail", item_id=saved_id))
