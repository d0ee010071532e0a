"""An event's answer: worked out once, stored with the event, and counted as given only once LINE
has accepted it.

The handler's effects and its answer are committed together: the event is then `answering`, its
answer (the LINE messages, where they go, the push's retry key) in the row. It becomes `done` (or
`failed`, for the polite fallback after a handler's error) only when LINE has accepted the answer,
with `answered_at` and `answered_by` ("reply" or "push"). A crash in between leaves the event
`answering`; a redelivery of the event (bot/webhook.py) or the worker's inbox-sweeper sends the
stored answer again (the handler never runs twice):

* through the event's reply token while it is fresh: less than REPLY_AS_PUSH_AFTER_SECONDS (50)
  since LINE sent the event. LINE's tokens last about a minute and serve once, so a token an earlier
  try already used is refused with 400: for a retry that means the answer went;
* after that as a push under the answer's X-Line-Retry-Key (made once, stored with the answer: LINE
  answers a second push under the same key 409 and delivers nothing), while LINE's monthly limit is
  not recorded as reached (messaging/sending_state.py). A push counts against the monthly quota;
  REPLY_AS_PUSH_AFTER_SECONDS=off never pushes;
* except after a reply that may have reached LINE: one whose call got no answer in time, or lost its
  connection once made (LINE may have acted on it). The answer is stored again saying so, and from
  then on it only ever goes by reply: a reply has no retry key, and LINE refuses a used token and an
  expired one alike (400), so a push could deliver it a second time; the refused token counts as
  the answer gone. (No connection made, a 429 or a 5xx: LINE's gateway did not take the reply.)

A retry waits until any earlier try must have ended (LINE_TIMEOUT_SECONDS and a second), so a push
never overtakes a reply still on its way. What LINE refuses for good, or what cannot go at all (the
token expired and pushing is off, the monthly limit), leaves the event `unanswered`, the reason in
`error`. The one case this cannot tell apart: a process that dies during its reply call (or after
LINE accepted it, before the row says so), with no retry until the token is stale; the push then
repeats an answer that may have gone. The sweeper runs every 10 s, well inside the token's minute,
so only a worker down as well gets there.
"""
from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from messaging import sending_state

from .events import Incoming
from .line_client import LineApiError, LineClient
from core.logs import describe_error

log = logging.getLogger(__name__)

# what REPLY_AS_PUSH_AFTER_SECONDS=off still allows the reply token (LINE's tokens last about a minute)
REPLY_WINDOW_SECONDS = 50.0
# an answer still not accepted this long after its event is given up (LINE keeps retry keys a day)
GIVE_UP_AFTER = timedelta(hours=1)
# X-Line-Retry-Key of an event's push: a UUID named by its webhookEventId, the same in every process
RETRY_KEY_NAMESPACE = uuid.UUID("6f1d2a4e-3c5b-4f8e-9a7d-2b1c0e9f8a11")


@dataclass(frozen=True)
class Answer:
    messages: list[dict]
    reply_token: str | None
    to: str | None  # the user, group or room a push goes to
    retry_key: str
    token_at: float  # when LINE sent the event (epoch seconds): the reply token's age counts from here
    # a try by reply may have reached LINE: it never goes as a push (see the module's doc)
    reply_may_have_gone: bool = False

    @classmethod
    def for_event(cls, event: Incoming, messages: list[dict], received_at: datetime) -> "Answer":
        token_at = received_at.timestamp()
        if event.is_redelivery and event.timestamp:
            # first seen as a redelivery: its token may be as old as the event itself
            token_at = min(token_at, event.timestamp / 1000)
        return cls(messages=messages, reply_token=event.reply_token, to=event.chat_id,
                   retry_key=str(uuid.uuid5(RETRY_KEY_NAMESPACE, event.event_id or str(token_at))), token_at=token_at)

    def to_json(self) -> dict:
        return {"messages": self.messages, "replyToken": self.reply_token, "to": self.to,
                "retryKey": self.retry_key, "tokenAt": self.token_at, "replyMayHaveGone": self.reply_may_have_gone}

    @classmethod
    def from_json(cls, data: dict) -> "Answer":
        return cls(messages=data["messages"], reply_token=data.get("replyToken"), to=data.get("to"),
                   retry_key=data["retryKey"], token_at=float(data["tokenAt"]),
                   reply_may_have_gone=bool(data.get("replyMayHaveGone")))


@dataclass(frozen=True)
class Outcome:
    """What became of a try: `by` "reply" or "push" when LINE accepted it; `problem` when it cannot
    go; neither: not now (LINE busy, down or slow), the sweeper tries again, with `answer` (when
    given) stored in place of the one it had."""
    by: str | None = None
    problem: str | None = None
    answer: Answer | None = None

    @property
    def settled(self) -> bool:
        return self.by is not None or self.problem is not None


def _transient(exc: LineApiError) -> bool:
    return exc.status is None or (exc.status == 429 and not exc.is_monthly_limit) or exc.status >= 500


class AnswerSender:
    def __init__(self, db, clock, line: LineClient, push_after: float | None, line_timeout: float):
        self.db = db
        self.clock = clock
        self.line = line
        self.push_after = push_after
        # a retry waits until any earlier try of the same answer has ended
        self.retry_after = timedelta(seconds=line_timeout + 1)

    def deliver(self, answer: Answer, retry: bool) -> Outcome:
        """Send `answer` the way its age allows (see the module's doc). `retry`: an earlier try may
        have reached LINE."""
        now = self.clock.now()
        age = now.timestamp() - answer.token_at
        if retry and age > GIVE_UP_AFTER.total_seconds():
            return Outcome(problem=f"not accepted by LINE within {GIVE_UP_AFTER}")
        if answer.reply_token and (answer.reply_may_have_gone or age < (self.push_after or REPLY_WINDOW_SECONDS)):
            return self._reply(answer, retry)
        if self.push_after is None:
            return Outcome(problem="the reply token expired and REPLY_AS_PUSH_AFTER_SECONDS is off")
        if not answer.to:
            return Outcome(problem="no reply token and nobody to push to")
        return self._push(answer, now)

    def _reply(self, answer: Answer, retry: bool) -> Outcome:
        try:
            self.line.reply(answer.reply_token, answer.messages)
        except LineApiError as exc:
            if _transient(exc):
                log.warning("reply not delivered yet: LINE %s", exc.status)
                if exc.status is None and exc.may_have_arrived and not answer.reply_may_have_gone:
                    return Outcome(answer=replace(answer, reply_may_have_gone=True))  # by reply from now on
                return Outcome()
            if exc.status == 400 and retry:
                # the token refused: an earlier try used it (fresh), or one that may have used it had
                # (stale), so the answer went then
                log.info("reply token refused on a retry: the answer went on an earlier try")
                return Outcome(by="reply")
            return Outcome(problem=f"LINE refused the reply: {exc.status} {exc.message[:200]}")
        except Exception as exc:  # noqa: BLE001 - a malformed message must not crash the worker
            return Outcome(problem=f"reply not sent: {describe_error(exc)}")
        return Outcome(by="reply")

    def _push(self, answer: Answer, now: datetime) -> Outcome:
        with self.db.session() as session:
            if not sending_state.may_try_sending(session, now):
                return Outcome(problem="LINE's monthly message limit is reached")
        try:
            self.line.push(answer.to, answer.messages, retry_key=answer.retry_key)
        except LineApiError as exc:
            if exc.is_retry_key_accepted:
                return Outcome(by="push")  # an earlier try's push was accepted
            if exc.is_monthly_limit:
                with self.db.session(write=True) as session:
                    sending_state.record_monthly_limit(session, now, exc.message)
                return Outcome(problem="LINE's monthly message limit is reached")
            if _transient(exc):
                log.warning("answer not pushed yet: LINE %s", exc.status)
                return Outcome()
            return Outcome(problem=f"LINE refused the push: {exc.status} {exc.message[:200]}")
        except Exception as exc:  # noqa: BLE001 - as for a reply
            return Outcome(problem=f"push not sent: {describe_error(exc)}")
        return Outcome(by="push")
