"""The audit trail, for admins: who did what (points, broadcasts, content, exports, staff)."""
from __future__ import annotations

import json

from flask import render_template, request
from sqlalchemy import select

from rewards.models import AuditLog

from ..auth import requires
from ..blueprint import bp
from ..csv_response import csv_response
from ..formatting import local
from ..web import db_session

PAGE_SIZE = 200


def _query(args):
    q = select(AuditLog)
    if args.get("action"):
        q = q.where(AuditLog.action.startswith(args["action"].strip()))
    if args.get("actor"):
        q = q.where(AuditLog.actor == args["actor"].strip())
    if args.get("target"):
        q = q.where(AuditLog.target.contains(args["target"].strip()))
    return q.order_by(AuditLog.at.desc(), AuditLog.id.desc())


@bp.route("/audit")
@requires("read_audit")
def audit_log():
    with db_session() as s:
        rows = list(s.scalars(_query(request.args).limit(PAGE_SIZE)))
        if request.args.get("format") == "csv":
            return csv_response("audit.csv", ["at", "actor", "action", "target", "details"],
                                ([local(r.at, "%Y-%m-%d %H:%M:%S"), r.actor, r.action, r.target,
                                  json.dumps(r.details, ensure_ascii=False)] for r in rows))
        return render_template("console/audit.html", rows=rows, args=request.args)
