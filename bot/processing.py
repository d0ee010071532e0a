"""Processing one inbox event: claim, dispatch, commit effects with "done", then reply.

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
from . import rich_menus
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
    def __init__(self, db, clock, settings, line: LineClient, dispatcher: Dispatcher, services: Services):
        self.db = db
        self.clock = clock
        self.settings = settings
        self.line = line
        self.dispatcher = dispatcher
        self.services = services

    def process(self, inbox_id: int) -> None:
        """Process the event, then whatever the same conversation has waiting behind it."""
        current: int | None = inbox_id
        while current is not None:
            with inbox_event(current):  # every log line of this event names it
                current = self.process_one(current)

    def process_one(self, inbox_id: int) -> int | None:
        """Claim, handle, mark finished and find the conversation's next pending event, all in ONE
        transaction (re-run from scratch on a transient conflict); then carry out the effects on LINE
        and reply. A crash before the commit leaves the event pending for the sweeper, with no effect
        applied. Returns the next event of the conversation to process, if any."""
        now = self.clock.now()
        started = time.perf_counter()
        claimed = None
        if not self.db.is_postgres:
            # SQLite: a claim is a write, and its one write lock would be held through the handler's
            # LINE calls, stalling every webhook's record: claim in a short transaction of its own
            with self.db.session() as session:
                claimed = inbox.claim_payload(session, inbox_id, now)
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
        event, ctx, messages, next_id = outcome
        self._carry_out(event, ctx.effects)
        self._reply(event, messages)
        metrics.event_processed(time.perf_counter() - started, False)
        if not self.db.is_postgres:
            with self.db.session() as session:
                next_id = inbox.next_pending_of(session, next_id)
        return next_id

    def _unit(self, session, inbox_id: int, now, claimed=None):
        claimed = claimed or inbox.claim_payload(session, inbox_id, now)
        if claimed is None:
            return None  # another worker has it, it is done, or an earlier event must go first
        payload, user_key = claimed
        event = Incoming.from_json(payload or {})
        ctx = self._context(session, event, now)
        messages, status = self._run(ctx)
        if not inbox.finish(session, inbox_id, now, status):
            raise RuntimeError("inbox claim lost")
        if not self.db.is_postgres:
            return event, ctx, messages, user_key  # looked up after the reply (below)
        return event, ctx, messages, inbox.next_pending_of(session, user_key)

    def _failed(self, inbox_id: int, exc: Exception) -> int | None:
        """The handler's effects were rolled back: mark the event failed and answer the fallback."""
        error = describe_error(exc)
        with self.db.session() as session:
            claimed = inbox.claim_payload(session, inbox_id, self.clock.now())
            if claimed is None:  # SQLite: claimed before the failed unit, and still ours
                claimed = session.execute(select(InboxEvent.payload, InboxEvent.user_key).where(
                    InboxEvent.id == inbox_id, InboxEvent.status == "processing")).first()
            if claimed is None:
                return None
            payload, user_key = claimed
            event = Incoming.from_json(payload or {})
            log.error("event %s (%s) failed: %s", inbox_id, event.type, error)
            inbox.finish(session, inbox_id, self.clock.now(), "failed", error=error)
            member = membership.by_line_user(session, event.user_id) if event.user_id else None
            language = member.language if member else self.services.default_language
            next_id = inbox.next_pending_of(session, user_key)
        if event.mode == "active":
            self._reply(event, [m.text_message(text("error", language))])
        return next_id

    def _context(self, session, event: Incoming, now) -> Context:
        chat = chat_state.read(session, event.user_id, now) if event.user_id else None
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

    def _reply(self, event: Incoming, messages: list[dict]) -> None:
        if not messages or not event.reply_token:
            return
        try:
            self.line.reply(event.reply_token, messages)
        except LineApiError as exc:
            log.warning("reply to event %s not delivered: LINE %s %s", event.event_id, exc.status, exc.message[:200])
        except Exception as exc:  # noqa: BLE001 - a malformed message must not crash the worker
            log.error("reply to event %s not sent: %s", event.event_id, describe_error(exc))


class InboxWorker:
    """Runs the processor off the request: in a small thread pool, inline (tests), or not at all."""

    def __init__(self, processor: EventProcessor, mode: str = "thread", threads: int = 4):
        self.processor = processor
        self.mode = mode
        self.pool = ThreadPoolExecutor(max_workers=threads, thread_name_prefix="inbox") if mode == "thread" else None

    def submit(self, inbox_ids: list[int]) -> None:
        for inbox_id in inbox_ids:
            if self.mode == "sync":
                self.processor.process(inbox_id)
            elif self.mode == "thread":
                self.pool.submit(self._safe, inbox_id)

    def _safe(self, inbox_id: int) -> None:
        try:
            self.processor.process(inbox_id)
        except Exception as exc:  # noqa: BLE001 - the sweeper will retry; keep the thread alive
            log.error("inbox worker: event %s left for the sweeper: %s", inbox_id, describe_error(exc))

    def sweep(self) -> int:
        """Re-drive events left pending or half-processed by a crash. Returns how many were tried."""
        with self.processor.db.session() as session:
            ids = inbox.stale(session, self.processor.clock.now())
        for inbox_id in ids:
            self._safe(inbox_id)
        return len(ids)

    def shutdown(self, wait: bool = True) -> None:
        if self.pool:
            self.pool.shutdown(wait=wait)
