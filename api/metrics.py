"""GET /api/v1/metrics?month=YYYY-MM: the four measures as JSON, for BI tools holding an API key.

The same computation as the dashboard's (insights.metrics.report). Without `month`, the last
complete month. Authentication and error bodies are the shops' API's own (api/auth.py, api/errors.py).
"""
from __future__ import annotations

from flask import Blueprint, request
from sqlalchemy.orm import Session

from api import errors, routing
from api.errors import ApiError
from api.scope import api_endpoint
from core.runtime import runtime
from insights import metrics
from insights.months import Month

metrics_api = Blueprint("metrics_api", __name__, url_prefix="/api/v1")
errors.register(metrics_api)
routing.register_options(metrics_api)


@metrics_api.route("/metrics", methods=["GET"])
@api_endpoint
def get_metrics(session: Session):
    rt = runtime()
    given = request.args.get("month")
    if given is None:
        month = Month.of(rt.clock.now()).previous()
    else:
        try:
            month = Month.parse(given)
        except ValueError:
            raise ApiError(400, "invalid", "month must be YYYY-MM, e.g. 2026-10", {"month": "not YYYY-MM"}) from None
    body = metrics.report(session, month, rt.clock.tz)
    body["timezone"] = str(rt.clock.tz)
    return body, 200
