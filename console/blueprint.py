"""The console's blueprint: every page lives under /console, behind login, CSRF and strict headers."""
from __future__ import annotations

from flask import Blueprint, g

from . import csrf
from .auth import load_current_staff
from .formatting import FILTERS

bp = Blueprint("console", __name__, url_prefix="/console", template_folder="templates",
               static_folder="static", static_url_path="/static")

bp.before_request(load_current_staff)
bp.before_request(csrf.protect)

# Scripts and styles come only from the app itself (the console works offline, no CDN).
CSP = ("default-src 'self'; img-src 'self' https: data:; style-src 'self' 'unsafe-inline'; "
       "script-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'self'")


@bp.after_request
def security_headers(response):
    response.headers.setdefault("Content-Security-Policy", CSP)
    response.headers.setdefault("X-Frame-Options", "DENY")
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    if getattr(g, "staff", None) is not None:
        response.headers.setdefault("Cache-Control", "no-store")  # pages hold personal data
    return response


@bp.app_template_global("csrf_field")
def _csrf_field():
    return csrf.field()


@bp.app_template_global("csrf_token")
def _csrf_token():
    return csrf.token()


@bp.app_template_global("tier_name")
def _tier_name(code: str | None) -> str:
    """A tier's names (銀卡 Silver) where a code is stored."""
    from core.runtime import runtime
    tier = runtime().settings.tier(code or "")
    return f"{tier.name_zh} {tier.name_en}" if tier.code == code else (code or "–")


@bp.context_processor
def _staff_context():
    staff = getattr(g, "staff", None)
    return {"staff": staff, "can": (lambda permission: staff is not None and staff.can(permission))}


for _name, _fn in FILTERS.items():
    bp.add_app_template_filter(_fn, _name)
