"""The shops' JSON API, mounted at /api/v1 (see api/openapi.yaml)."""
from __future__ import annotations

from flask import Blueprint

from . import account_links, coupons, errors, members, metrics, openapi, orders, routing, spends

bp = Blueprint("api", __name__, url_prefix="/api/v1")
bp.record_once(routing.add_converter)  # before the rules that use it are added to the app
for module in (openapi, members, spends, orders, coupons, account_links, metrics, routing):
    module.register(bp)
errors.register(bp)
