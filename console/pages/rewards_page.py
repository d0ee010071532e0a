"""The rewards catalog (list, create, edit, retire) and the tiers, read-only from the programme settings."""
from __future__ import annotations

from flask import abort, flash, g, redirect, render_template, request, url_for

from core.field_errors import FieldErrors
from rewards import catalog_admin
from rewards import catalog
from rewards.models import Reward

from ..auth import requires
from ..blueprint import bp
from ..web import db_session, get_or_404, int_or_none, now, record, settings
from ..refusals import refusing


def _fields(form) -> catalog_admin.RewardFields:
    stock = (form.get("stock") or "").strip()
    return catalog_admin.RewardFields(
        name_zh=form.get("name_zh", ""), name_en=form.get("name_en", ""), description=form.get("description", ""),
        cost=int_or_none(form.get("cost")), coupon_value=int_or_none(form.get("coupon_value")),
        stock=None if stock == "" else (int_or_none(stock) if int_or_none(stock) is not None else -1))


@bp.route("/rewards")
@requires("read")
def rewards():
    with db_session() as s:
        return render_template("console/rewards.html", rewards=catalog.list_rewards(s, active_only=False),
                               tiers=sorted(settings().tiers, key=lambda t: t.threshold), settings=settings(),
                               problems={}, fields=None)


@bp.route("/rewards", methods=["POST"])
@requires("edit_content")
def reward_create():
    fields = _fields(request.form)
    with db_session() as s:
        with refusing(s, FieldErrors) as refused:
            catalog_admin.check(fields)
            reward = catalog.create_reward(s, fields.name_zh.strip(), fields.name_en.strip(), fields.cost,
                                           fields.coupon_value, now(), stock=fields.stock,
                                           description=fields.description.strip())
        if refused:
            exc = refused.error
            return render_template("console/rewards.html", rewards=catalog.list_rewards(s, active_only=False),
                                   tiers=sorted(settings().tiers, key=lambda t: t.threshold), settings=settings(),
                                   problems=exc.problems, fields=fields), 400
        record(s, "reward.create", f"reward:{reward.id}", {"name": reward.name_zh, "cost": reward.cost,
                                                           "stock": reward.stock})
    flash("已新增兌換商品。Reward added.", "ok")
    return redirect(url_for("console.rewards"))


@bp.route("/rewards/<int:reward_id>", methods=["GET", "POST"])
@requires("read")
def reward_detail(reward_id: int):
    with db_session() as s:
        reward = get_or_404(s, Reward, reward_id)
        if request.method == "GET":
            return render_template("console/reward.html", reward=reward, problems={})
        if not g.staff.can("edit_content"):
            abort(403)
        what = request.form.get("what")
        if what in ("retire", "reactivate"):
            if catalog_admin.set_active(reward, what == "reactivate"):
                record(s, f"reward.{what}", f"reward:{reward.id}", {"name": reward.name_zh})
            flash("已更新。Updated.", "ok")
            return redirect(url_for("console.rewards"))
        fields = _fields(request.form)
        if (request.form.get("stock_was") or "") == (request.form.get("stock") or "").strip():
            # stock untouched in the form: keep what redemptions have made of it meanwhile
            fields = catalog_admin.RewardFields(fields.name_zh, fields.name_en, fields.description, fields.cost,
                                                fields.coupon_value, reward.stock)
        with refusing(s, FieldErrors) as refused:
            changes = catalog_admin.update(reward, fields)
        if refused:
            exc = refused.error
            return render_template("console/reward.html", reward=reward, problems=exc.problems), 400
        if changes:
            record(s, "reward.update", f"reward:{reward.id}", {"name": reward.name_zh, "changes": changes})
    flash("已儲存。Saved.", "ok")
    return redirect(url_for("console.rewards"))
