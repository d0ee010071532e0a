"""LINE's account link, as the platform plays it: link tokens (POST /v2/bot/user/{userId}/linkToken,
valid 10 minutes, single use) and the account-link dialog (access.line.me/dialog/bot/accountLink),
which, once the user confirms, sends the bot the signed `accountLink` event: result `ok` for a
valid token, `failed` (and no reply token) for an expired or used one."""
import secrets
import threading
import time

from flask import Blueprint, Response, jsonify, request

LINK_TOKEN_TTL = 600.0
PAGE = """<!doctype html><html><head><meta charset="utf-8"><title>LINE account link</title></head>
<body><h1>Link your LINE account?</h1>
<form method="post"><input type="hidden" name="linkToken" value="{token}"><input type="hidden" name="nonce" value="{nonce}">
<button type="submit">Link</button></form></body></html>"""


class LinkTokens:
    def __init__(self, clock=time.time, ttl=LINK_TOKEN_TTL):
        self.clock = clock
        self.ttl = ttl
        self._lock = threading.Lock()
        self._tokens = {}  # token -> [user id, issued at, used]

    def issue(self, user_id: str) -> str:
        token = secrets.token_urlsafe(24)
        with self._lock:
            self._tokens[token] = [user_id, self.clock(), False]
        return token

    def use(self, token: str) -> tuple[str | None, bool]:
        """(the user the token was issued for, whether it was still good); a token is good once."""
        with self._lock:
            entry = self._tokens.get(token)
            if entry is None:
                return None, False
            good = not entry[2] and self.clock() - entry[1] < self.ttl
            entry[2] = True
            return entry[0], good


def dialog_blueprint(platform, sender) -> Blueprint:
    bp = Blueprint("simulator_account_link", __name__)

    @bp.get("/dialog/bot/accountLink")
    def dialog_page():
        token, nonce = request.args.get("linkToken", ""), request.args.get("nonce", "")
        if not token or not nonce:
            return Response("linkToken and nonce are required", status=400)
        escape = lambda s: s.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;")  # noqa: E731
        return Response(PAGE.format(token=escape(token), nonce=escape(nonce)), content_type="text/html; charset=utf-8")

    @bp.post("/dialog/bot/accountLink")
    def confirm():
        """The user confirmed: the event goes to the bot. Form fields or JSON: linkToken, nonce."""
        given = request.get_json(silent=True) or request.form
        token, nonce = given.get("linkToken", ""), given.get("nonce", "")
        if not token or not nonce or not 10 <= len(nonce) <= 255:
            return jsonify(error="linkToken and a nonce of 10 to 255 characters are required"), 400
        user_id, good = platform.link_tokens.use(token)
        if user_id is None:
            return jsonify(error="unknown link token"), 400
        event = sender.event("accountLink", user_id, link={"result": "ok" if good else "failed", "nonce": nonce})
        if not good:
            event.pop("replyToken", None)  # LINE sends none with a failed link
        if not sender.bot_url or not sender.channel_secret:
            return jsonify(error="no bot configured: start with --bot-url and --secret"), 503
        status, _elapsed = sender.post([event])
        platform.note(user_id, "system", f"account link {event['link']['result']}")
        return jsonify(result=event["link"]["result"], botStatus=status, replyToken=event.get("replyToken"))

    return bp
