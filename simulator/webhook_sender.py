"""Plays LINE's side of the webhook: builds events, signs bodies and posts them to the bot."""
import base64
import hashlib
import hmac
import json
import time
from urllib.parse import urlsplit

import requests

from simulator import line_ids
from simulator.spec_choice import load_webhook_spec

# Event types whose webhook carries a reply token (webhook.yml).
REPLYABLE = {"message", "follow", "join", "memberJoined", "postback", "videoPlayComplete",
             "beacon", "accountLink", "membership"}


class WebhookSender:
    def __init__(self, bot_url, channel_secret, platform=None, destination=None, openapi_dir=None):
        self.bot_url = bot_url
        self.channel_secret = channel_secret
        self.platform = platform
        self.destination = destination or line_ids.user_id()
        self.spec = load_webhook_spec(openapi_dir)

    # ------------------------------------------------------------ events
    def event(self, type, user_id, mode="active", **fields) -> dict:
        """Any event; ``fields`` are added as they are (e.g. ``message={...}``)."""
        event = {
            "type": type,
            "mode": mode,
            "timestamp": int(time.time() * 1000),
            "source": {"type": "user", "userId": user_id},
            "webhookEventId": line_ids.webhook_event_id(),
            "deliveryContext": {"isRedelivery": False},
        }
        if type in REPLYABLE:
            event["replyToken"] = (self.platform.mint_reply_token(user_id) if self.platform
                                   else line_ids.reply_token())
        event.update(fields)
        return event

    def text(self, user_id, text, mode="active") -> dict:
        message = {"type": "text", "id": line_ids.message_id(),
                   "quoteToken": line_ids.quote_token(), "text": text,
                   "markAsReadToken": (self.platform.mint_read_token(user_id) if self.platform
                                       else line_ids.quote_token())}
        return self.event("message", user_id, mode=mode, message=message)

    def follow(self, user_id, unblocked=False, mode="active") -> dict:
        return self.event("follow", user_id, mode=mode, follow={"isUnblocked": unblocked})

    def unfollow(self, user_id, mode="active") -> dict:
        return self.event("unfollow", user_id, mode=mode)

    def postback(self, user_id, data, params=None, mode="active") -> dict:
        postback = {"data": data}
        if params:
            postback["params"] = dict(params)
        return self.event("postback", user_id, mode=mode, postback=postback)

    # ------------------------------------------------------------ bodies
    def body(self, events) -> bytes:
        return json.dumps({"destination": self.destination, "events": list(events)},
                          ensure_ascii=False).encode("utf-8")

    def sign(self, body: bytes) -> str:
        digest = hmac.new(self.channel_secret.encode("utf-8"), body, hashlib.sha256).digest()
        return base64.b64encode(digest).decode("ascii")

    def validate(self, body: dict) -> None:
        """Raise ValueError listing how the body breaks webhook.yml (no-op without the spec)."""
        if self.spec is None:
            return
        errors = self.spec.validate(body)
        if errors:
            raise ValueError("webhook body breaks webhook.yml:\n" + "\n".join(errors))

    def _prepare(self, events, validate) -> bytes:
        events = list(events)
        body = self.body(events)
        if validate:
            self.validate(json.loads(body))
        if self.platform is not None:
            for event in events:
                self.platform.observe_webhook_event(event)
        return body

    def _headers(self, signature) -> dict:
        headers = {"Content-Type": "application/json; charset=utf-8", "User-Agent": "LineBotWebhook/2.0"}
        if signature is not None:
            headers["X-Line-Signature"] = signature
        return headers

    # ------------------------------------------------------------ posting
    def post(self, events, validate=True) -> tuple[int, float]:
        """Validate, sign and POST; returns (status code, seconds the bot took to answer)."""
        body = self._prepare(events, validate)
        return self.post_raw(body, self.sign(body))

    def post_raw(self, body: bytes, signature: str | None) -> tuple[int, float]:
        """POST bytes as they are with the given signature (None: no signature header)."""
        started = time.monotonic()
        response = requests.post(self.bot_url, data=body, headers=self._headers(signature), timeout=10)
        return response.status_code, time.monotonic() - started

    def post_to_client(self, client, events, validate=True):
        """The same through a Flask test client; returns its response."""
        body = self._prepare(events, validate)
        path = urlsplit(self.bot_url or "").path or "/callback"
        return client.post(path, data=body, headers=self._headers(self.sign(body)))
