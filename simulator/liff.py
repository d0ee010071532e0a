"""LIFF, as the LINE platform plays it for a LIFF app: the apps registered on a LINE Login channel,
the ID tokens LINE issues to a user who opens one, LINE Login's verify endpoint, and a stand-in
for LINE's LIFF SDK (`/__sim/liff/sdk.js`, the methods npm's @line/liff-mock stands in for).

* `GET /__sim/liff/open/<liffId>[/<path>]?user=U...` is what https://liff.line.me/<liffId> does in
  LINE's in-app browser: it issues the user an ID token for the app's channel and sends the browser
  to the app's endpoint URL with the LIFF context in the fragment (the stand-in SDK reads it).
* `POST /oauth2/v2.1/verify` (form: id_token, client_id) answers as LINE Login does: the token's
  claims, or 400 `invalid_request` with "Invalid IdToken.", "IdToken expired." or
  "Invalid IdToken Audience.". Only tokens this simulator issued verify.
* `POST /__sim/liff/id-tokens` issues one directly (tests: `ttl` may be negative for an expired
  one, `channelId` another channel's).
* `POST /__sim/liff/messages` is `liff.sendMessages`: text messages go to the bot as the user's.

A fault injected for `/oauth2/v2.1/verify` (`platform.inject`) answers its status and body instead.
"""
import base64
import hashlib
import hmac
import json
import secrets
import threading
import time
from urllib.parse import quote

from flask import Blueprint, Response, jsonify, redirect, request, send_from_directory

ISSUER = "https://access.line.me"
ID_TOKEN_TTL = 3600  # seconds, as LINE's


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


class LiffApps:
    """The LIFF apps (liff id -> endpoint URL and channel) and the ID tokens issued for them."""

    def __init__(self, clock):
        self.clock = clock
        self._key = secrets.token_bytes(32)
        self._lock = threading.Lock()
        self._apps = {}  # liff id -> {"endpointUrl", "channelId"}

    def register(self, liff_id: str, endpoint_url: str, channel_id: str) -> None:
        with self._lock:
            self._apps[liff_id] = {"endpointUrl": endpoint_url, "channelId": str(channel_id)}

    def app(self, liff_id: str):
        with self._lock:
            return self._apps.get(liff_id)

    def issue(self, user_id: str, channel_id: str, name: str = "", ttl: float = ID_TOKEN_TTL) -> str:
        now = int(self.clock())
        header = _b64(json.dumps({"typ": "JWT", "alg": "HS256"}).encode())
        claims = {"iss": ISSUER, "sub": user_id, "aud": str(channel_id), "exp": int(now + ttl), "iat": now,
                  "amr": ["linesso"], "name": name}
        payload = _b64(json.dumps(claims, ensure_ascii=False).encode())
        signature = _b64(hmac.new(self._key, f"{header}.{payload}".encode(), hashlib.sha256).digest())
        return f"{header}.{payload}.{signature}"

    def verify(self, token: str, client_id: str) -> tuple[int, dict]:
        """LINE Login's answer to POST /oauth2/v2.1/verify: (status, body)."""
        refused = lambda why: (400, {"error": "invalid_request", "error_description": why})  # noqa: E731
        parts = token.split(".")
        if len(parts) != 3:
            return refused("Invalid IdToken.")
        expected = _b64(hmac.new(self._key, f"{parts[0]}.{parts[1]}".encode(), hashlib.sha256).digest())
        if not hmac.compare_digest(expected, parts[2]):
            return refused("Invalid IdToken.")
        claims = json.loads(_unb64(parts[1]))
        if claims["exp"] <= self.clock():
            return refused("IdToken expired.")
        if claims["aud"] != client_id:
            return refused("Invalid IdToken Audience.")
        return 200, claims

    def user_of(self, token: str) -> str | None:
        """The user a still-valid token of ours names (any channel)."""
        try:
            claims = json.loads(_unb64(token.split(".")[1]))
        except (IndexError, ValueError):
            return None
        status, _ = self.verify(token, claims.get("aud", ""))
        return claims.get("sub") if status == 200 else None


def _cors(response: Response) -> Response:
    response.headers["Access-Control-Allow-Origin"] = "*"
    response.headers["Access-Control-Allow-Headers"] = "Content-Type"
    return response


def liff_blueprint(platform, sender) -> Blueprint:
    bp = Blueprint("simulator_liff", __name__, static_folder="static")

    class _Apps:  # the platform's current book (a reset replaces it)
        def __getattr__(self, name):
            return getattr(platform.liff, name)

    apps = _Apps()

    @bp.post("/oauth2/v2.1/verify")
    def verify():
        fault = platform.faults.take(request.path)  # platform.inject(...): LINE down, slow, or answering oddly
        if fault is not None:
            if fault.delay:
                time.sleep(fault.delay)
            if fault.status is not None:
                return jsonify(fault.answer_body()), fault.status
        token, client_id = request.form.get("id_token", ""), request.form.get("client_id", "")
        if not token or not client_id:
            return jsonify(error="invalid_request", error_description="id_token and client_id are required"), 400
        status, body = apps.verify(token, client_id)
        return jsonify(body), status

    @bp.post("/__sim/liff/apps")
    def register():
        given = request.get_json(silent=True) or {}
        if not all(given.get(k) for k in ("liffId", "endpointUrl", "channelId")):
            return jsonify(error="liffId, endpointUrl and channelId are required"), 400
        apps.register(given["liffId"], given["endpointUrl"], given["channelId"])
        return jsonify(ok=True), 201

    @bp.post("/__sim/liff/id-tokens")
    def id_token():
        given = request.get_json(silent=True) or {}
        if not given.get("userId") or not given.get("channelId"):
            return jsonify(error="userId and channelId are required"), 400
        return jsonify(idToken=apps.issue(given["userId"], str(given["channelId"]), ttl=float(given.get("ttl", ID_TOKEN_TTL)))), 201

    @bp.get("/__sim/liff/open/<liff_id>", defaults={"path": ""})
    @bp.get("/__sim/liff/open/<liff_id>/<path:path>")
    def open_app(liff_id, path):
        app, user = apps.app(liff_id), platform.user(request.args.get("user", ""))
        if app is None:
            return Response(f"no LIFF app {liff_id!r} registered (POST /__sim/liff/apps)", status=404)
        if user is None:
            return Response("pick a LINE user first (?user=U...)", status=400)
        context = {"liffId": liff_id, "idToken": apps.issue(user.user_id, app["channelId"], user.display_name),
                   "userId": user.user_id, "displayName": user.display_name, "language": user.language}
        target = app["endpointUrl"].rstrip("/") + ("/" + path if path else "")
        return redirect(target + "#liff.sim=" + quote(_b64(json.dumps(context, ensure_ascii=False).encode())))

    @bp.get("/__sim/liff/sdk.js")
    def sdk():
        response = send_from_directory(bp.static_folder, "liff-sdk.js")
        response.headers["Content-Type"] = "application/javascript; charset=utf-8"
        response.headers["Cache-Control"] = "no-cache"
        return _cors(response)

    @bp.route("/__sim/liff/messages", methods=["POST", "OPTIONS"])
    def send_messages():
        if request.method == "OPTIONS":
            return _cors(Response(status=204))
        given = request.get_json(silent=True) or {}
        user_id = apps.user_of(given.get("idToken", ""))
        if user_id is None:
            return _cors(jsonify(error="not logged in")), 401
        messages = given.get("messages") or []
        if not 1 <= len(messages) <= 5:
            return _cors(jsonify(error="1 to 5 messages")), 400
        for message in messages:
            if message.get("type") == "text" and message.get("text"):
                platform.note(user_id, "user", message["text"])
                if sender.bot_url and sender.channel_secret:
                    sender.post([sender.text(user_id, message["text"])])
        return _cors(jsonify(ok=True))

    return bp
