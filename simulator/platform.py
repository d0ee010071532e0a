"""The state of the fake LINE platform, in memory and thread-safe.

Everything that LINE itself would know lives here: users and whether they follow the account,
reply tokens, what each user received, retry keys, rich menus, the monthly quota, and the
recorded calls with their spec errors. The HTTP layer is ``simulator.api``.
"""
import threading
import time
from dataclasses import asdict, dataclass

from simulator import line_ids
from simulator.liff import LiffApps
from simulator.account_link import LinkTokens
from simulator.answers import LineApiError, not_found
from simulator.calls import Call
from simulator.faults import MONTHLY_LIMIT, FaultBook
from simulator.insight import UnitStatistics
from simulator.retry_keys import RetryKeys
from simulator.rich_menus import RichMenus
from simulator.sms_gateways import SmsBook
from simulator.spec_choice import load_messaging_spec

MULTICAST_LIMIT = 500
# Messages that LINE gives a quote token (others cannot be quoted).
_QUOTABLE = {"text", "textV2", "sticker", "image", "video"}


@dataclass
class User:
    user_id: str
    display_name: str
    language: str = "zh-TW"
    picture_url: str | None = None
    friendship: str = "new"  # new (never followed) | friend | blocked

    def profile(self) -> dict:
        out = {"userId": self.user_id, "displayName": self.display_name, "language": self.language}
        if self.picture_url:
            out["pictureUrl"] = self.picture_url
        return out

    def to_json(self) -> dict:
        return asdict(self)


class LinePlatform:
    def __init__(self, openapi_dir=None, reply_token_ttl=60.0, quota_limit=1000, clock=time.time):
        """``quota_limit=None`` means no monthly target (quota type "none")."""
        self.spec = load_messaging_spec(openapi_dir)
        self.reply_token_ttl = reply_token_ttl
        self.quota_limit = quota_limit
        self.clock = clock
        self._lock = threading.RLock()
        self._replied = threading.Condition(self._lock)  # notified when a reply token is used
        self._init_state()

    @property
    def validation_enabled(self) -> bool:
        return self.spec is not None

    def _init_state(self):
        with self._lock:
            self.calls: list[Call] = []
            self.users: dict[str, User] = {}
            self._reply_tokens = {}  # token -> (user id, minted at, used)
            self._deliveries = {}  # user id -> [delivery]
            self._user_notes = {}  # user id -> [what the user did, for the chat timeline]
            self.quota_used = 0
            self.faults = FaultBook()
            self.retry_keys = RetryKeys(self.clock)
            self.rich_menus = RichMenus()
            self.sms = SmsBook()  # the SMS gateways' texts (simulator/sms_gateways.py)
            self.link_tokens = LinkTokens(self.clock)
            self.liff = LiffApps(self.clock)  # LIFF apps and the ID tokens issued for them (liff.py)
            self.units = UnitStatistics()  # opens and clicks per aggregation unit (simulator/insight.py)
            self._read_tokens = {}  # markAsReadToken -> (user id, the message's place in the user's notes)
            self.read_up_to = {}  # user id -> how many of the user's notes the account has read

    def reset(self) -> None:
        self._init_state()

    # ------------------------------------------------------------ calls
    def record(self, call: Call) -> None:
        with self._lock:
            self.calls.append(call)

    def calls_to(self, path: str, method: str | None = None) -> list[Call]:
        with self._lock:
            return [c for c in self.calls
                    if c.path == path and (method is None or c.method == method.upper())]

    def errors(self) -> list[str]:
        with self._lock:
            return [e for c in self.calls for e in c.errors]

    # ------------------------------------------------------------ faults
    def inject(self, path_regex, status, count=1, headers=None, body=None, delay=0.0):
        """The next ``count`` calls to a matching path wait ``delay`` seconds, then answer
        ``status`` and deliver nothing; with ``status=None`` they answer normally after the delay."""
        return self.faults.inject(path_regex, status, count, headers, body, delay)

    def clear_faults(self) -> None:
        self.faults.clear()

    # ------------------------------------------------------------ users
    def add_user(self, user_id, display_name, language="zh-TW", picture_url=None) -> User:
        with self._lock:
            user = User(user_id, display_name, language, picture_url)
            if user_id in self.users:
                user.friendship = self.users[user_id].friendship
            self.users[user_id] = user
            return user

    def user(self, user_id: str) -> User | None:
        with self._lock:
            return self.users.get(user_id)

    def profile(self, user_id: str) -> dict:
        with self._lock:
            if user_id in self.users:
                return self.users[user_id].profile()
        if user_id.startswith("U"):
            return _stranger(user_id).profile()
        raise not_found()

    def set_friendship(self, user_id: str, friendship: str) -> str:
        """Set new/friend/blocked; returns the previous state."""
        with self._lock:
            user = self._ensure_user(user_id)
            previous, user.friendship = user.friendship, friendship
            return previous

    def _ensure_user(self, user_id: str) -> User:
        if user_id not in self.users:
            self.users[user_id] = _stranger(user_id)
        return self.users[user_id]

    # ------------------------------------------------------------ reply tokens
    def mint_reply_token(self, user_id: str, token: str | None = None) -> str:
        """A fresh reply token for a user; pass ``token`` to accept one minted elsewhere."""
        token = token or line_ids.reply_token()
        with self._lock:
            self._reply_tokens[token] = (user_id, self.clock(), False)
        return token

    def _use_reply_token(self, token: str) -> str:
        with self._lock:
            entry = self._reply_tokens.get(token)
            if entry is None or entry[2] or self.clock() - entry[1] > self.reply_token_ttl:
                raise LineApiError(400, "Invalid reply token")
            self._reply_tokens[token] = (entry[0], entry[1], True)
            self._replied.notify_all()
            return entry[0]

    def wait_for_reply(self, token: str, timeout: float) -> bool:
        """Whether the token was used for a reply, waiting up to `timeout` seconds for it (a person
        in the chat waits to read the answer before writing again)."""
        with self._replied:
            return self._replied.wait_for(lambda: (self._reply_tokens.get(token) or (None, None, False))[2],
                                          timeout)

    # ------------------------------------------------------------ read marks (POST /v2/bot/chat/markAsRead)
    def mint_read_token(self, user_id: str) -> str:
        """The markAsReadToken of the user's next message (the one about to be noted)."""
        token = line_ids.quote_token()
        with self._lock:
            self._read_tokens[token] = (user_id, len(self._user_notes.get(user_id, [])) + 1)
        return token

    def mark_read(self, token) -> str:
        """Mark the user's messages read up to the token's; a token the platform never gave is refused."""
        with self._lock:
            entry = self._read_tokens.get(token) if isinstance(token, str) else None
            if entry is None:
                raise LineApiError(400, "An invalid markAsReadToken is specified")
            user_id, upto = entry
            self.read_up_to[user_id] = max(self.read_up_to.get(user_id, 0), upto)
            return user_id

    # ------------------------------------------------------------ sending
    def reply(self, reply_token: str, messages: list) -> list[dict]:
        with self._lock:
            user_id = self._use_reply_token(reply_token)
            return self._deliver([user_id], messages, "reply")

    def push(self, to: str, messages: list, unit: str | None = None) -> list[dict]:
        with self._lock:
            self._charge([to])
            sent = self._deliver([to], messages, "push")
            if unit:
                self.units.delivered(unit, self._reachable([to]))
            return sent

    def multicast(self, to: list, messages: list, unit: str | None = None) -> None:
        if len(to) > MULTICAST_LIMIT:
            raise LineApiError(400, "The request body has 1 error(s)",
                               [{"message": f"Size must be between 1 and {MULTICAST_LIMIT}", "property": "to"}])
        with self._lock:
            self._charge(to)
            self._deliver(list(dict.fromkeys(to)), messages, "multicast")
            if unit:
                self.units.delivered(unit, self._reachable(dict.fromkeys(to)))

    def _reachable(self, user_ids) -> list[str]:
        return [u for u in user_ids if not (u in self.users and self.users[u].friendship == "blocked")]

    def _charge(self, user_ids) -> None:
        """Count one message per reachable recipient against the monthly quota."""
        recipients = len(self._reachable(dict.fromkeys(user_ids)))
        if self.quota_limit is not None and self.quota_used + recipients > self.quota_limit:
            raise LineApiError(429, MONTHLY_LIMIT)
        self.quota_used += recipients

    def _deliver(self, user_ids, messages, how) -> list[dict]:
        sent = [_sent_message(m) for m in messages]
        now = self.clock()
        for user_id in self._reachable(user_ids):
            inbox = self._deliveries.setdefault(user_id, [])
            for message, receipt in zip(messages, sent):
                inbox.append({"how": how, "at": now, "id": receipt["id"], "message": message})
        return sent

    def delivered(self, user_id: str) -> list[dict]:
        """What the user received, in order: ``{"how", "at", "id", "message"}`` each."""
        with self._lock:
            return list(self._deliveries.get(user_id, []))

    # ------------------------------------------------------------ quota
    def quota(self) -> dict:
        if self.quota_limit is None:
            return {"type": "none"}
        return {"type": "limited", "value": self.quota_limit}

    def consumption(self) -> dict:
        with self._lock:
            return {"totalUsage": self.quota_used}

    # ------------------------------------------------------------ the user's side, for the chat page
    def observe_webhook_event(self, event: dict) -> None:
        """Note what a user did (as sent in a webhook) so the chat timeline can show it."""
        user_id = (event.get("source") or {}).get("userId")
        if not user_id:
            return
        kind = event.get("type")
        if kind == "follow":
            self.set_friendship(user_id, "friend")
            self.note(user_id, "system", "unblocked the account" if event["follow"].get("isUnblocked") else "added the account as a friend")
        elif kind == "unfollow":
            self.set_friendship(user_id, "blocked")
            self.note(user_id, "system", "blocked the account")
        elif kind == "message":
            message = event.get("message") or {}
            text = message.get("text") if message.get("type") == "text" else f"[{message.get('type')}]"
            self.note(user_id, "user", text)
        elif kind == "postback":
            postback = event.get("postback") or {}
            params = postback.get("params")
            self.note(user_id, "system", f"postback {postback.get('data')!r}" + (f" {params}" if params else ""))

    def note(self, user_id: str, side: str, text: str) -> None:
        """Add a line to the user's timeline: side "user" (a bubble of theirs) or "system"."""
        with self._lock:
            self._ensure_user(user_id)
            self._user_notes.setdefault(user_id, []).append({"from": side, "at": self.clock(), "text": text})

    def timeline(self, user_id: str) -> list[dict]:
        """The user's notes and what they received, oldest first."""
        with self._lock:
            bot = [{"from": "bot", **d} for d in self._deliveries.get(user_id, [])]
            return sorted(self._user_notes.get(user_id, []) + bot, key=lambda e: e["at"])


def _stranger(user_id: str) -> User:
    return User(user_id, "User " + user_id[-4:])


def _sent_message(message: dict) -> dict:
    receipt = {"id": line_ids.message_id()}
    if message.get("type") in _QUOTABLE:
        receipt["quoteToken"] = line_ids.quote_token()
    return receipt
