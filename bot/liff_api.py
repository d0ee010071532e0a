"""The member pages' JSON endpoints under /liff/api/. Every one needs `Authorization: Bearer <token>`:
a LIFF ID token (verified with LINE, bot/liff_auth.py) or a session made from one by
`POST /liff/api/session`. The member is the one LINE vouched for; nothing the page says about who
it is counts. A POST also needs the session's `X-CSRF-Token`. 401 answers carry `reason`
(expired, invalid, audience, missing, unavailable) and the page offers a retry."""
from __future__ import annotations

import functools

from flask import Blueprint, abort, current_app, jsonify, request

from core import emails, phones
from core.field_errors import FieldErrors
from core.runtime import runtime
from messaging.mail import delivery as mail_delivery
from rewards import card_codes, email_verification, membership, profile

from . import liff_auth, liff_views
from .texts import text

bp = Blueprint("liff_api", __name__, url_prefix="/liff/api")


def _enabled():
    if not runtime().config.LIFF_CHANNEL_ID:
        abort(404)


def _no_store(response):
    response.headers["Cache-Control"] = "no-store"
    return response


def _denied(reason: str):
    response = jsonify(error="unauthorized", reason=reason)
    response.status_code = 401
    response.headers["WWW-Authenticate"] = 'Bearer realm="liff"'
    return _no_store(response)


def _session_for(token: str) -> liff_auth.Session:
    rt = runtime()
    now = rt.clock.now()
    if liff_auth.is_session(token):
        return liff_auth.read_session(rt.config.SECRET_KEY, token, now)
    user_id = liff_auth.verify_id_token(rt.line, rt.config.LIFF_CHANNEL_ID, token, now)
    return liff_auth.make_session(rt.config.SECRET_KEY, user_id, now, rt.config.LIFF_SESSION_MINUTES)


def _caller() -> liff_auth.Session:
    """Who is asking, from the request's bearer token (404 while the pages are off)."""
    _enabled()
    return _session_for(liff_auth.bearer(request.headers.get("Authorization")))


def member_endpoint(write: bool = False):
    """Wrap `view(session, member, now)` -> (body, status): the caller checked, the member read, one
    unit of work; 404 `not_member` for someone who has not joined."""

    def wrap(view):
        @functools.wraps(view)
        def run():
            try:
                who = _caller()
            except liff_auth.Unauthorized as exc:
                return _denied(exc.reason)
            if write and not liff_auth.csrf_ok(who, request.headers.get("X-CSRF-Token")):
                return _no_store(jsonify(error="csrf", message=text("liff.csrf"))), 403
            rt = runtime()

            def unit(session):
                member = membership.by_line_user(session, who.user_id)
                if member is None or not member.is_member:
                    return {"error": "not_member", "language": member.language if member else rt.config.BOT_LANGUAGE}, 404
                return view(session, member, rt.clock.now())

            body, status = rt.db.run(unit, write=write)
            return _no_store(jsonify(body)), status

        return run

    return wrap


@bp.post("/session")
def session():
    """A verified ID token in, a short session and its CSRF token out."""
    try:
        who = _caller()
    except liff_auth.Unauthorized as exc:
        return _denied(exc.reason)
    return _no_store(jsonify(session=who.token, csrf=who.csrf, expires=who.expires))


@bp.get("/card")
@member_endpoint()
def card(session, member, now):
    rt = runtime()
    return liff_views.card(session, member, now, rt.settings, card_codes.key_from(rt.config.SECRET_KEY)), 200


@bp.get("/wallet")
@member_endpoint()
def wallet(session, member, now):
    return liff_views.wallet(session, member, now), 200


@bp.get("/history")
@member_endpoint()
def history(session, member, now):
    return liff_views.history(session, member, now), 200


@bp.get("/profile")
@member_endpoint()
def profile_get(session, member, now):
    return _profile(member, now), 200


def _profile(member, now) -> dict:
    return liff_views.profile_of(member, now, phones.mask(member.phone) if member.phone_verified_at else None)


@bp.post("/profile")
@member_endpoint(write=True)
def profile_post(session, member, now):
    given = request.get_json(silent=True)
    if not isinstance(given, dict):
        return {"error": "invalid_json"}, 400

    def string(name):
        value = given.get(name)
        return value if isinstance(value, str) else None

    interests = given.get("interests")
    opt_in = given.get("marketing_opt_in")
    change = profile.ProfileChange(
        name=string("name"), birthday=string("birthday"), carrier=string("carrier"),
        interests=tuple(i for i in interests if isinstance(i, str)) if isinstance(interests, list) else None,
        marketing_opt_in=opt_in if isinstance(opt_in, bool) else None)
    try:
        profile.update(member, change, now)
    except FieldErrors as exc:
        return {"error": "invalid", "fields": liff_views.field_errors(exc.codes, member.language)}, 422
    return {**_profile(member, now), "saved": True}, 200


def _code_minutes() -> int:
    """How long a mailed code serves, in whole minutes, as the member is told."""
    return int(email_verification.Policy().code_ttl.total_seconds() // 60)


def _email_refused(member, refused) -> tuple[dict, int]:
    return {"error": "refused", "code": refused.code,
            "message": text(f"email.refused.{refused.code}", member.language, minutes=_code_minutes(),
                            **refused.params)}, 422


def _string(name: str) -> str:
    given = request.get_json(silent=True)
    value = given.get(name) if isinstance(given, dict) else None
    return value if isinstance(value, str) else ""


@bp.post("/email")
@member_endpoint(write=True)
def email_send(session, member, now):
    """{"email"}: a 6-digit code mailed to the address (rewards/email_verification.py)."""
    mailer = current_app.extensions.get("mailer")
    if mailer is None:
        return {"error": "unavailable", "message": text("email.unavailable", member.language)}, 503
    try:
        issued = email_verification.issue(session, member, _string("email"), now, email_verification.Policy(),
                                          email_verification.code_key(runtime().config.SECRET_KEY))
    except email_verification.Refused as refused:
        return _email_refused(member, refused)
    minutes = _code_minutes()
    words = {"code": issued.code, "minutes": minutes}
    if not mail_delivery.send_code(session, mailer, issued, text("email.subject", member.language, **words),
                                   text("email.body", member.language, **words), now, member.id):
        return {"error": "send_failed", "message": text("email.send_failed", member.language)}, 502
    return {"sent": True, "masked": issued.masked,
            "message": text("email.sent", member.language, masked=issued.masked, minutes=minutes)}, 200


@bp.post("/email/verify")
@member_endpoint(write=True)
def email_verify(session, member, now):
    """{"code"}: the mailed code verifies the address; the online orders waiting with it are credited."""
    rt = runtime()
    try:
        verified = email_verification.check(session, member, _string("code"), now, email_verification.Policy(),
                                            email_verification.code_key(rt.config.SECRET_KEY), rt.settings,
                                            current_app.extensions["shop_settings"].claim_days)
    except email_verification.Refused as refused:
        return _email_refused(member, refused)
    masked = emails.mask(verified.email)
    words = [text("email.verified", member.language, masked=masked)]
    if verified.credited:
        words.append(text("email.credited", member.language, count=verified.credited))
    return {**_profile(member, now), "verified": True, "credited": verified.credited, "message": " ".join(words)}, 200


@bp.get("/stores")
@member_endpoint()
def stores(session, member, now):
    return liff_views.stores(session, member.language), 200
