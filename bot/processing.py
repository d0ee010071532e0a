"""Processing one inbox event: claim, dispatch, commit the effects with the answer, then send the
answer and only then count the event done (bot/answers.py).

An unexpected error rolls the effects back, marks the event failed and answers a polite fallback;
the log names the event and the error's type and place, never the body, texts or personal data.
"""
from __future__ import annotations

import logging
import time
from concurrent.futures import ThreadPoolExecutor

from rewards import membership

from . import chat_state, inbox
from . import messages as m
from .richmenu import menus as rich_menus
from .answers import Answer, AnswerSender, Outcome
from .dispatch import Context, Dispatcher, Effect, Services, SwitchRichMenu
from .events import Incoming
from .line_client import LineApiError, LineClient
from core import metrics
from core.logs import describe_error, inbox_event
from core.models import InboxEvent
from sqlalchemy import select
from .texts import Texts, text

log = logging.getLogger(__name__)


def reply_language(member, understood, default: str) -> str:
    """The member's chosen language; otherwise the language the message is written in; otherwise the
    member's (from their LINE profile) or the bot's default."""
    if member is not None and member.language_chosen:
        return member.language
    if understood is not None and understood.language:
        return understood.language
    return member.language if member is not None else default


class EventProcessor:
    def __init__(self, db, clock, settings, line: LineClient, dispatcher: Dispatcher, services: Services,
                 answers: AnswerSender):
        self.db = db
        self.clock = clock
        self.settings = settings
        self.line = line
        self.dispatcher = dispatcher
        self.services = services
        self.answers = answers

    def process(self, inbox_id: int, claimed: tuple | None = None) -> None:
        """Process the event (`claimed` already, with its (payload, user_key, received_at), by the
        webhook's record on SQLite), then whatever the same conversation has waiting behind it."""
        current: int | None = inbox_id
        while current is not None:
            with inbox_event(current):  # every log line of this event names it
                current = self.process_one(current, claimed)
            claimed = None

    def process_one(self, inbox_id: int, claimed: tuple | None = None) -> int | None:
        """Claim, handle, store the answer with the effects and find the conversation's next pending
        event, all in ONE transaction (re-run from scratch on a transient conflict); then carry out
        the effects on LINE, send the answer and record that it went. A crash before the commit
        leaves the event pending for the sweeper, with no effect applied; after it, the answer waits
        in the event for a redelivery or the sweeper. Returns the next event of the conversation to
        process, if any."""
        now = self.clock.now()
        started = time.perf_counter()
        if claimed is None and not self.db.is_postgres:
            # SQLite: a claim is a write, and its one write lock would be held through the handler's
            # LINE calls, stalling every webhook's record: claim by one UPDATE committed as it runs
            # (the webhook's INSERT claims what it hands over)
            with self.db.connection(autocommit=True) as conn:
                claimed = inbox.claim_payload(conn, inbox_id, now)
            if claimed is None:
                return None
        try:
            outcome = self.db.run(lambda session: self._unit(session, inbox_id, now, claimed))
        except Exception as exc:  # noqa: BLE001 - one event's failure must not stop the others
            next_id = self._failed(inbox_id, exc)
            metrics.event_processed(time.perf_counter() - started, True)
            return next_id
        if outcome is None:
            return None
        event, ctx, answer, next_id = outcome
        sent = self.answers.deliver(answer, retry=False) if answer is not None else None  # the member waits
        self._carry_out(event, ctx.effects)
        metrics.event_processed(time.perf_counter() - started, False)
        if sent is not None:
            self._noted(inbox_id, sent)
        return next_id

    def answer_again(self, inbox_id: int) -> None:
        """Send the stored answer of an event a crash (or LINE) left unanswered, if it is still
        unsent and no earlier try may still be on its way (bot/answers.py)."""
        with inbox_event(inbox_id):
            now = self.clock.now()
            with self.db.session() as session:
                taken = inbox.claim_answer(session, inbox_id, now, now - self.answers.retry_after)
            if taken is None:
                return
            stored = taken[0]
            sent = (self.answers.deliver(Answer.from_json(stored), retry=True) if stored
                    else Outcome(problem="the answer was erased with the member"))
            self._noted(inbox_id, sent)

    def _noted(self, inbox_id: int, sent: Outcome) -> None:
        """Record what became of the answer: one UPDATE, committed as it runs. `db.run` writes it again
        if the database connection is lost meanwhile: LINE has taken the answer, and a later try after
        the reply token went stale would push it a second time.

        Not waited onto the disk (`durable=False`, PostgreSQL): only a crash of the database server
        in the next fraction of a second loses it, and the event is then as if this process had died
        just before writing it: "answering", its answer sent again by the sweeper within the reply
        token's minute, which LINE refuses as used (bot/answers.py: the answer went). A commit that
        waits for the disk would cost the event a wait as long as its other two."""
        self.db.run(lambda conn: self._record(conn, inbox_id, sent), core=True, autocommit=True, durable=False)

    def _record(self, session, inbox_id: int, sent: Outcome) -> None:
        """What became of the answer, in one statement (`_noted`)."""
        if sent.by is not None:
            inbox.answered(session, inbox_id, self.clock.now(), sent.by)
        elif sent.problem is not None:
            log.warning("event %s left unanswered: %s", inbox_id, sent.problem)
            inbox.unanswered(session, inbox_id, sent.problem)
        elif sent.answer is not None:  # it may have reached LINE by reply: it goes no other way (bot/answers.py)
            inbox.keep_answer(session, inbox_id, sent.answer.to_json())
        # neither: LINE could not take it now; the event stays answering for the sweeper

    def _unit(self, session, inbox_id: int, now, claimed=None):
        chat = None
        if claimed is None and self.db.is_postgres:  # the claim and the user's chat in one statement
            claimed, chat = chat_state.claim_and_read(session, inbox_id, now) or (None, None)
        elif claimed is None:
            claimed = inbox.claim_payload(session.connection(), inbox_id, now)
        if claimed is None:
            return None  # another worker has it, it is done, or an earlier event must go first
        payload, _user_key, received_at = claimed
        event = Incoming.from_json(payload or {})
        if chat is not None and claimed[1] != event.user_id:
            chat = None  # read for its conversation key, which is not its user's (see claim_and_read)
        ctx = self._context(session, event, now, chat)
        messages, status = self._run(ctx)
        # only an event LINE lets us answer (it came with a reply token) gets an answer
        answer = Answer.for_event(event, messages, received_at) if messages and event.reply_token else None
        # the inbox's UPDATE on the session's connection (a Core statement on the table: the session's
        # ORM handling would cost more than running it), after the handler's changes, as it would be
        session.flush()
        held, next_id = inbox.finish(session.connection(), inbox_id, now, status,
                                     answer=answer.to_json() if answer else None)
        if not held:
            raise RuntimeError("inbox claim lost")
        return event, ctx, answer, next_id

    def _failed(self, inbox_id: int, exc: Exception) -> int | None:
        """The handler's effects were rolled back: mark the event failed and answer the fallback."""
        error = describe_error(exc)
        with self.db.session() as session:
            claimed = inbox.claim_payload(session, inbox_id, self.clock.now())
            if claimed is None:  # SQLite: claimed before the failed unit, and still ours
                claimed = session.execute(select(InboxEvent.payload, InboxEvent.user_key, InboxEvent.received_at)
                                          .where(InboxEvent.id == inbox_id, InboxEvent.status == "processing")).first()
            if claimed is None:
                return None
            payload, _user_key, received_at = claimed
            event = Incoming.from_json(payload or {})
            log.error("event %s (%s) failed: %s", inbox_id, event.type, error)
            member = membership.by_line_user(session, event.user_id) if event.user_id else None
            language = member.language if member else self.services.default_language
            answer = (Answer.for_event(event, [m.text_message(text("error", language))], received_at)
                      if event.mode == "active" and event.reply_token else None)
            _held, next_id = inbox.finish(session, inbox_id, self.clock.now(), "failed", error=error,
                                          answer=answer.to_json() if answer else None)
        if answer is not None:
            self._noted(inbox_id, self.answers.deliver(answer, retry=False))
        return next_id

    def _context(self, session, event: Incoming, now, chat: chat_state.Chat | None = None) -> Context:
        """`chat`: the user's, read already (with the claim)."""
        if not event.user_id:
            chat = None
        elif chat is None:
            chat = chat_state.read(session, event.user_id, now)
        member = chat.member if chat else None
        understood = self.dispatcher.understand(event, session)
        language = reply_language(member, understood, self.services.default_language)
        return Context(event=event, session=session, now=now, settings=self.settings, member=member,
                       t=Texts(language), services=self.services, understood=understood, chat=chat)

    def _run(self, ctx: Context) -> tuple[list[dict], str]:
        if ctx.event.mode != "active":
            return [], "ignored"  # standby: another channel is answering this chat
        handler = self.dispatcher.route(ctx)
        if handler is None:
            log.info("ignored event type %s", ctx.event.type)
            return [], "ignored"
        if handler.shows_loading and ctx.event.source_type == "user":
            self._show_loading(ctx.event.user_id)
        return list(handler(ctx) or [])[:5], "done"

    def _carry_out(self, event: Incoming, effects: list[Effect]) -> None:
        """Effects on LINE that follow committed changes (e.g. switching the rich menu); best effort."""
        for effect in effects:
            try:
                match effect:
                    case SwitchRichMenu(member=member):
                        rich_menus.rich_menu(self.db, self.line, event.user_id, rich_menus.MEMBER if member else None)
                    case _:
                        raise TypeError(f"no way to carry out {effect!r}")
            except Exception as exc:  # noqa: BLE001 - the member's change stands; log and go on
                log.warning("effect %s for event %s not carried out: %s", type(effect).__name__, event.event_id,
                            describe_error(exc))

    def _show_loading(self, user_id: str) -> None:
        try:
            self.line.show_loading(user_id, 5)
        except LineApiError as exc:
            log.warning("loading animation not shown: LINE %s", exc.status)


class InboxWorker:
    """Runs the processor off the request: in a small thread pool, inline (tests), or not at all."""

    def __init__(self, processor: EventProcessor, mode: str = "thread", threads: int = 4):
        self.processor = processor
        self.mode = mode
        self.pool = ThreadPoolExecutor(max_workers=threads, thread_name_prefix="inbox") if mode == "thread" else None

    def submit(self, inbox_ids: list[int], claimed: dict[int, tuple] | None = None) -> None:
        """Process these events; `claimed`: those already claimed, with their claim's read."""
        claimed = claimed or {}
        for inbox_id in inbox_ids:
            if self.mode == "sync":
                self.processor.process(inbox_id, claimed.get(inbox_id))
            elif self.mode == "thread":
                self.pool.submit(self._safe, inbox_id, None, claimed.get(inbox_id))

    def submit_answers(self, inbox_ids: list[int]) -> None:
        """Send again the stored answers of these events (a redelivery of events not yet answered)."""
        for inbox_id in inbox_ids:
            if self.mode == "sync":
                self.processor.answer_again(inbox_id)
            elif self.mode == "thread":
                self.pool.submit(self._safe, inbox_id, self.processor.answer_again)

    def _safe(self, inbox_id: int, work=None, claimed: tuple | None = None) -> None:
        try:
            if work is None:
                self.processor.process(inbox_id, claimed)
            else:
                work(inbox_id)
        except Exception as exc:  # noqa: BLE001 - the sweeper will retry; keep the thread alive
            log.error("inbox worker: event %s left for the sweeper: %s", inbox_id, describe_error(exc))

    def sweep(self) -> int:
        """Re-drive events left pending or half-processed by a crash, and send the answers a crash
        (or LINE) left unsent. Returns how many were tried."""
        now = self.processor.clock.now()
        with self.processor.db.session() as session:
            ids = inbox.stale(session, now)
            unsent = inbox.unsent_answers(session, now - self.processor.answers.retry_after)
        # answers first: each is one call to LINE, and its reply token goes stale within a minute (a
        # stale one is pushed, and a reply that went before a crash would then arrive twice), while
        # re-driving an event runs its handler
        for inbox_id in unsent:
            self._safe(inbox_id, self.processor.answer_again)
        for inbox_id in ids:
            self._safe(inbox_id)
        return len(ids) + len(unsent)

    def shutdown(self, wait: bool = True) -> None:
        if self.pool:
            self.pool.shutdown(wait=wait)
