"""The dashboard: the four measures for a month, their trend, and the tables behind them (CSV each)."""
from __future__ import annotations

import json

from flask import abort, render_template, request

from core.runtime import runtime
from insights.months import Month

from .. import dashboard_tables
from ..auth import requires
from ..blueprint import bp
from ..csv_response import csv_response
from ..formatting import local
from ..web import db_session, now, settings


def _month() -> Month:
    given = request.args.get("month")
    if not given:
        return Month.of(now())
    try:
        return Month.parse(given)
    except ValueError:
        abort(400, description="month must be YYYY-MM")


@bp.route("/")
@requires("read")
def dashboard():
    month = _month()
    with db_session() as s:
        d = dashboard_tables.build(s, month, runtime().clock.tz, settings(), now())
    table_name = request.args.get("table")
    if request.args.get("format") == "csv":
        table = d.tables.get(table_name or "")
        if table is None:
            abort(404)
        return csv_response(f"{table.name}-{month}.csv", table.header,
                            ([local(v) if hasattr(v, "astimezone") else v for v in row] for row in table.rows))
    charts = {name: json.dumps(chart, ensure_ascii=False) for name, chart in dashboard_tables.charts(d).items()}
    return render_template("console/dashboard.html", d=d, m=d.measures, charts=charts,
                           months=[str(x) for x in Month.of(now()).back(24)][::-1])
