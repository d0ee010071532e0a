"""The outbox sender: the one path by which the bot sends anything on its own (push, multicast).

One drain: claim due rows, ask the messaging policy about each (send, hold for quiet hours, skip),
render them (each distinct message once), group identical messages into multicasts, and call
LINE with each batch's X-Line-Retry-Key, a few calls in flight at once. The batches and their keys
are stored (and committed) before LINE is called, so whatever happens during the call, a retry uses
the same key and LINE answers 409 instead of delivering twice. Only this thread writes the database.

What LINE answers decides the rows' fate:
  2xx, 409 "retry key is already accepted"  → sent
  429 monthly limit                          → drain stops; the state is recorded for staff
  429 (rate limit)                           → rows held until Retry-After; drain stops
  5xx, no answer                             → retried with backoff, for `retry_for` at most
  other 4xx                                  → failed, with LINE's words
LINE forgets a retry key 24 hours after it first saw it; a batch still unsettled by then is failed,
never sent again (it may or may not have been delivered).
"""
from __future__ import annotations

import logging
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import partial
from typing import Callable

from messaging import policy, sending_state
from rewards import outbox_state

from . import claims
from ..line_client import LineApiError
from ..notice_messages import RenderError
from .batches import MULTICAST_LIMIT, Batch, Item, group_identical
from .claims import Loaded
from .flight import BatchesInFlight
from .renders import Renders
from core.logs import describe_error

log = logging.getLogger(__name__)

DUE_EVERY = timedelta(seconds=1)  # how often a drain looks for batches due again (a retry, a lease run out)


@dataclass(frozen=True)
class SendingRules:
    lease: timedelta = timedelta(minutes=5)  # a claim older than this is taken over
    claim_size: int = 2000
    retry_for: timedelta = timedelta(hours=1)  # 5xx and timeouts: give up this long after the first try
    backoff_first: timedelta = timedelta(seconds=10)
    backoff_max: timedelta = timedelta(minutes=10)
    rate_limit_wait: timedelta = timedelta(seconds=60)  # a 429 without Retry-After
    # LINE keeps a retry key 24 h; the margin covers clock skew between us and LINE
    key_lifetime: timedelta = timedelta(hours=24) - timedelta(minutes=10)
    batches_per_round: int = 100
    in_flight: int = 4  # calls to LINE at once

    def backoff(self, attempts: int) -> timedelta:
        return min(self.backoff_first * (2 ** max(attempts - 1, 0)), self.backoff_max)


@dataclass
class DrainSummary:
    sent: int = 0  # recipients
    calls: int = 0
    failed: int = 0
    retrying: int = 0
    held: int = 0  # waiting out quiet hours
    skipped: Counter = field(default_factory=Counter)
    stopped: str | None = None  # why the drain ended early
    resume_at: datetime | None = None  # after a rate limit: not before this

    def add(self, other: "DrainSummary") -> None:
        self.sent += other.sent
        self.failed += other.failed
        self.retrying += other.retrying
        self.held += other.held
        self.skipped.update(other.skipped)
        self.stopped = self.stopped or other.stopped
        if other.resume_at is not None:
            self.resume_at = max(other.resume_at, self.resume_at or other.resume_at)

    @property
    def is_empty(self) -> bool:
        return not (self.sent or self.calls or self.failed or self.retrying or self.held or self.skipped
                    or self.stopped)

    def __str__(self) -> str:
        parts = [f"sent {self.sent} in {self.calls} calls", f"failed {self.failed}", f"retrying {self.retrying}",
                 f"held {self.held}"]
        skipped = sum(self.skipped.values())
        reasons = ", ".join(f"{r} {n}" for r, n in sorted(self.skipped.items()))
        parts.append(f"skipped {skipped}" + (f" ({reasons})" if reasons else ""))
        if self.stopped:
            parts.append(f"stopped: {self.stopped}")
        return "; ".join(parts)


class OutboxSender:
    def __init__(self, db, line, clock, settings, default_language: str = "zh-TW",
                 rules: SendingRules = SendingRules(), aggregation_units: bool = True):
        self.db = db
        # LINE_AGGREGATION_UNITS: send customAggregationUnits (LINE offers them to accounts that applied)
        self.aggregation_units = aggregation_units
        self.line = line
        self.clock = clock
        self.settings = settings
        self.default_language = default_language
        self.rules = rules
        self._limit_recorded = False
        self._renders = Renders(settings, default_language)
        self._pass = _Pass()
        self._due_next: datetime | None = None  # when to look for batches due again
        self._landed = 0  # batches landed in this drain

    @classmethod
    def from_runtime(cls, rt, rules: SendingRules | None = None) -> "OutboxSender":
        """With the runtime's database, LINE client and clock; `rules` default to the SendingRules
        with the configured lease (OUTBOX_LEASE_SECONDS)."""
        rules = rules or SendingRules(lease=timedelta(seconds=rt.config.OUTBOX_LEASE_SECONDS))
        return cls(rt.db, rt.line, rt.clock, rt.settings, rt.config.BOT_LANGUAGE, rules,
                   aggregation_units=rt.config.LINE_AGGREGATION_UNITS == "yes")

    # ------------------------------------------------------------------ the drain
    def drain(self) -> DrainSummary:
        """Send everything due now; returns what happened. Safe to run in several processes at once."""
        summary = DrainSummary()
        if not self._may_send(summary):
            return summary
        self._renders = Renders(self.settings, self.default_language)  # settings may have changed since the last drain
        self._pass, self._due_next, self._landed = _Pass(), None, 0
        with BatchesInFlight(self._send, self.rules.in_flight) as flight:
            worked = True
            while summary.stopped is None:
                # tried before: they have waited longest. Looked for every DUE_EVERY (a retry waits 10 s
                # at least, a lease minutes) and whenever the fresh rows ran out
                if not worked or self._due_next is None or self.clock.now() >= self._due_next:
                    self._due_next = self.clock.now() + DUE_EVERY
                    worked = self._send_due_batches(flight, summary)
                else:
                    worked = False
                if summary.stopped is None:
                    worked = self._send_fresh_rows(flight, summary) or worked
                if not worked:
                    if not flight.flying:
                        break
                    # a member's next message is claimed once the one before it has landed
                    self._add(flight.finish(), summary)
            self._add(flight.finish(), summary)
        if not summary.is_empty:
            log.info("outbox drain: %s", summary)
        return summary

    def settle(self) -> int:
        """Write what became of the messages of landed batches onto their outbox rows, set-based
        (readers get the same answer before: rewards/outbox_state.py); how many rows."""
        settled = 0
        while True:
            done = self.db.run(outbox_state.settle, write=True)
            settled += done
            if not done:
                return settled

    def _may_send(self, summary: DrainSummary) -> bool:
        now = self.clock.now()
        with self.db.session() as session:
            if not sending_state.may_try_sending(session, now):
                reached = sending_state.monthly_limit_reached_at(session)
                summary.stopped = f"LINE monthly limit reached at {reached.astimezone(now.tzinfo):%Y-%m-%d %H:%M %z}"
                return False
            if sending_state.monthly_limit_reached_at(session) is not None:
                sending_state.note_recheck(session, now)
                self._limit_recorded = True
        return True

    def _add(self, landed: list, summary: DrainSummary) -> None:
        for part in landed:
            summary.add(part() if callable(part) else part)
        self._landed += len(landed)

    def _fly(self, flight: BatchesInFlight, batches: list[Batch], claim: datetime, summary: DrainSummary,
             fresh: bool) -> None:
        """Send the batches of one claim, settling what lands meanwhile; give back what is left once
        LINE said stop or the lease is half gone."""
        for i, batch in enumerate(batches):
            self._add(flight.make_room(batch), summary)
            if summary.stopped or self.clock.now() - claim > self.rules.lease / 2:
                self._give_back(batches[i:], claim, summary, fresh)
                return
            summary.calls += 1
            flight.start(batch, claim)

    # ------------------------------------------------------------------ rows never tried
    def _send_fresh_rows(self, flight: BatchesInFlight, summary: DrainSummary) -> bool:
        """Claim the next fresh rows and send them; False when none was left to read.

        The claims read the due rows in passes, each on from the last row read. A row held back
        behind an earlier message of its member is passed over; at the end of a pass that passed
        some over, a new pass starts from the first due row, once none flies, if a batch of this
        drain has landed or a row was judged since the pass began (either could be that earlier
        message)."""
        claim = self.clock.now()
        now_pass, progress = self._pass, self._progress(summary)
        again = (now_pass.after is not None and now_pass.passed_over and not flight.flying
                 and progress > now_pass.progress)
        # the first claim of a drain is one call's worth: the first call goes alone, and at once
        limit = self.rules.claim_size if now_pass.after or self._landed else min(self.rules.claim_size, MULTICAST_LIMIT)

        def work(session):
            fresh, after = claims.claim_fresh(session, claim, limit, now_pass.after), now_pass.after
            if fresh.end is None and again:
                fresh, after = claims.claim_fresh(session, claim, limit), None
            if not fresh.rows:
                return fresh, after, [], (Counter(), 0, 0)
            items, verdicts = self._judge(session, fresh.rows, claim)
            counts = self._record_verdicts(session, verdicts, claim)
            return fresh, after, claims.open_batches(session, group_identical(items), claim), counts

        fresh, after, batches, (skipped, held, failed) = self.db.run(work, write=True)
        if fresh.end is None:
            return False
        if after is None and now_pass.after is not None:  # a new pass
            self._pass = _Pass(progress=progress)
        self._pass.after = fresh.end
        self._pass.passed_over = self._pass.passed_over or fresh.passed_over > 0
        summary.skipped.update(skipped)
        summary.held += held
        summary.failed += failed
        self._fly(flight, batches, claim, summary, fresh=True)
        return True

    def _progress(self, summary: DrainSummary) -> int:
        """Batches landed and rows judged so far in this drain."""
        return self._landed + summary.held + summary.failed + sum(summary.skipped.values())

    def _judge(self, session, rows: Loaded, now: datetime) -> tuple[list[Item], dict]:
        """Policy and rendering for freshly claimed rows: the items to send, and verdicts
        {(action, detail): [row ids]} for the others."""
        items: list[Item] = []
        verdicts: dict[tuple[str, object], list[int]] = {}
        marketing = [m.id for o, m in rows if m is not None and o.category == "marketing"]
        recent = Counter(policy.recent_marketing_counts(session, marketing, now)) if marketing else Counter()
        decide, render, settings = policy.decide, self._renders.for_row, self.settings
        for row, member in rows:
            decision = decide(session, member, row.category, now, settings,
                              recent_marketing=recent[member.id] if member is not None else 0, to_user_id=row.to_user_id)
            if decision.action != policy.SEND:
                if decision.action == policy.SKIP:
                    verdicts.setdefault(("skip", decision.reason), []).append(row.id)
                    continue
                if decision.action == policy.HOLD:
                    verdicts.setdefault(("hold", decision.until), []).append(row.id)
                    continue
            user_id = member.line_user_id if member is not None else row.to_user_id
            if user_id is None:
                verdicts.setdefault(("fail", "no recipient"), []).append(row.id)
                continue
            try:
                messages, key, unit = render(row, member.language if member is not None else None)
            except RenderError as exc:
                verdicts.setdefault(("fail", f"cannot render: {exc}"), []).append(row.id)
                continue
            if member is not None and row.category == "marketing":
                recent[member.id] += 1  # what this drain is about to send counts against the cap
            items.append(Item(row.id, user_id, messages, key, unit))
        return items, verdicts

    def _record_verdicts(self, session, verdicts: dict, claim: datetime) -> tuple[Counter, int, int]:
        """(skipped by reason, held, failed)."""
        skipped, held, failed = Counter(), 0, 0
        for (action, detail), ids in verdicts.items():
            if action == "skip":
                skipped[detail] += claims.mark(session, ids, "skipped", skip_reason=detail)
            elif action == "hold":
                held += claims.mark(session, ids, "pending", not_before=detail, last_error=None)
            else:
                failed += claims.mark(session, ids, "failed", last_error=detail[:2000])
                log.warning("outbox rows %s failed: %s", ids[:10], detail)
        return skipped, held, failed

    # ------------------------------------------------------------------ batches tried before
    def _send_due_batches(self, flight: BatchesInFlight, summary: DrainSummary) -> bool:
        with self.db.session() as session:
            due = claims.due_batches(session, self.clock.now(), self.rules.lease, self.rules.batches_per_round)
        worked = False
        for batch_id in due:
            if summary.stopped:
                break
            claim = self.clock.now()
            batch = self.db.run(lambda session: self._rebuild(session, batch_id, claim), write=True)
            if batch is None:
                continue  # another sender has it
            worked = True
            summary.skipped.update(batch.skipped)
            summary.failed += batch.failed
            if batch.row_ids:
                self._fly(flight, [batch], claim, summary, fresh=False)
        return worked

    def _rebuild(self, session, batch_id: int, claim: datetime) -> "_Rebuilt | None":
        """The batch as it was first sent: same key, same kind of call, to those who can still receive it.

        Quiet hours and the weekly cap are not asked again: LINE may already have delivered it.
        """
        claimed = claims.claim_batch(session, batch_id, claim, self.rules.lease)
        if claimed is None:
            return None
        batch, rows = claimed
        rebuilt = _Rebuilt(**vars(batch))
        if claim - batch.first_attempt_at >= self.rules.key_lifetime:
            error = (f"not resent: its retry key is from {batch.first_attempt_at:%Y-%m-%d %H:%M %Z} and LINE "
                     "forgets keys after 24 h, so a retry could deliver it twice")
            rebuilt.failed += claims.settle_failed(session, batch, claim, error)
            log.warning("outbox batch %s failed: %s", batch.id, error[:80])
            return rebuilt
        failed: dict[str, list[int]] = {}
        skipped: dict[str, list[int]] = {}
        items: list[Item] = []
        for row, member in rows:
            # (an opt-out is not asked again: LINE may already have delivered the batch)
            reason = (policy.unreachable_reason(member) if member is not None else
                      policy.direct_reason(session, row.to_user_id, "service") if row.to_user_id else None)
            user_id = member.line_user_id if member is not None else row.to_user_id
            if reason or user_id is None:
                skipped.setdefault(reason or "erased", []).append(row.id)
                continue
            try:
                messages, key, unit = self._renders.for_row(row, member.language if member is not None else None)
            except RenderError as exc:
                failed.setdefault(f"cannot render: {exc}", []).append(row.id)
                continue
            items.append(Item(row.id, user_id, messages, key, unit))
        for reason, row_ids in skipped.items():
            rebuilt.skipped[reason] += claims.mark(session, row_ids, "skipped", claimed=True, skip_reason=reason)
        for error, row_ids in failed.items():
            rebuilt.failed += claims.mark(session, row_ids, "failed", claimed=True, last_error=error[:2000])
            log.warning("outbox rows %s failed: %s", row_ids[:10], error[:80])
        if not items:
            claims.settle_failed(session, batch, claim, "nobody left to send it to")
            return rebuilt
        # one batch is one message; should a member's language have changed since, they get what the rest get
        common = Counter(i.key for i in items).most_common(1)[0][0]
        rebuilt.messages = next(i.messages for i in items if i.key == common)
        rebuilt.unit = next(i.unit for i in items if i.key == common)
        rebuilt.row_ids, rebuilt.user_ids = [i.row_id for i in items], [i.user_id for i in items]
        return rebuilt

    # ------------------------------------------------------------------ one batch, on a thread of its own
    def _send(self, batch: Batch, claim: datetime) -> tuple[bool, DrainSummary | Callable[[], DrainSummary]]:
        """Call LINE for the batch and settle it: (LINE accepted it, what became of it). On SQLite,
        which has one writer, the settling is handed back to the sender's thread (as a function to
        run there): on these threads it would only queue behind the claims' write lock."""
        try:
            unit = {"unit": batch.unit} if batch.unit and self.aggregation_units else {}  # a broadcast's
            if batch.multicast:
                self.line.multicast(batch.user_ids, batch.messages, retry_key=batch.retry_key, **unit)
            else:
                self.line.push(batch.user_ids[0], batch.messages, retry_key=batch.retry_key, **unit)
        except LineApiError as exc:
            accepted, error = exc.is_retry_key_accepted, exc
        except Exception as exc:  # noqa: BLE001 - e.g. a message the SDK refuses: fail the batch, not the drain
            accepted, error = False, exc
        else:
            accepted, error = True, None
        settle = partial(self._settle, batch, claim, error)
        return accepted, settle() if self.db.is_postgres else settle

    def _settle(self, batch: Batch, claim: datetime, error: Exception | None) -> DrainSummary:
        landed = DrainSummary()
        if error is None:
            self._finish(batch, claim, landed)
        elif isinstance(error, LineApiError):
            self._settle_error(batch, claim, error, landed)
        else:
            self._finish(batch, claim, landed, failed=f"not sent: {describe_error(error)}")
        return landed

    def _finish(self, batch: Batch, claim: datetime, summary: DrainSummary, failed: str | None = None) -> None:
        now = self.clock.now()
        if failed:
            summary.failed += self.db.run(lambda s: claims.settle_failed(s, batch, claim, failed), write=True)
            log.warning("outbox batch of %d failed: %s", batch.size, failed[:200])
            return

        def sent(session):
            if self._limit_recorded:
                sending_state.clear_monthly_limit(session, now)
            return claims.settle_sent(session, batch, claim, now)

        summary.sent += self.db.run(sent, write=True)
        self._limit_recorded = False

    def _settle_error(self, batch: Batch, claim: datetime, exc: LineApiError, summary: DrainSummary) -> None:
        now = self.clock.now()
        what = f"LINE {exc.status if exc.status is not None else 'no answer'}: {exc.message}"
        if exc.is_retry_key_accepted:
            self._finish(batch, claim, summary)
        elif exc.is_monthly_limit:
            with self.db.session(write=True) as session:
                # refused outright, so a first attempt's key can go: the pause may outlast LINE's 24 h
                if batch.attempts == 1:
                    claims.dissolve(session, batch, claim, error=what)
                else:
                    claims.release(session, batch, claim, error=what)
                sending_state.record_monthly_limit(session, now, exc.message)
            summary.stopped = "LINE monthly limit reached"
            log.error("outbox: LINE's monthly message limit is reached; sending stops")
        elif exc.status == 429:
            wait = timedelta(seconds=exc.retry_after) if exc.retry_after else self.rules.rate_limit_wait
            until = now + wait
            with self.db.session(write=True) as session:
                claims.release(session, batch, claim, not_before=until, error=what)
            summary.retrying += batch.size
            summary.stopped = f"rate limited until {until:%H:%M:%S}"
            summary.resume_at = max(until, summary.resume_at or until)
        elif exc.status is None or exc.status >= 500:
            if now - batch.first_attempt_at >= self.rules.retry_for:
                self._finish(batch, claim, summary, failed=f"gave up after {batch.attempts} attempts: {what}")
                return
            until = now + self.rules.backoff(batch.attempts)
            with self.db.session(write=True) as session:
                claims.release(session, batch, claim, not_before=until, error=what)
            summary.retrying += batch.size
        else:
            self._finish(batch, claim, summary, failed=what)

    def _give_back(self, batches: list[Batch], claim: datetime, summary: DrainSummary, fresh: bool) -> None:
        """Batches claimed but not tried: fresh ones dissolve (their rows are judged again), a retry
        goes back under its key; after a rate limit, not before it ends."""
        with self.db.session(write=True) as session:
            for batch in batches:
                if fresh:
                    claims.dissolve(session, batch, claim, not_before=summary.resume_at,
                                    error=f"not tried: {summary.stopped or 'half the lease was gone'}")
                else:
                    claims.release(session, batch, claim, not_before=summary.resume_at, untried=True)


@dataclass
class _Pass:
    """A pass of the fresh claims over the due rows: where it is, whether it passed over a row held
    back behind an earlier message of its member, and the drain's progress when it began."""
    after: tuple | None = None  # the last claim's end
    passed_over: bool = False
    progress: int = 0  # OutboxSender._progress when it began


@dataclass
class _Rebuilt(Batch):
    """A batch claimed for a retry, and what became of the rows it no longer sends to."""
    skipped: Counter = field(default_factory=Counter)
    failed: int = 0


def drain(rt) -> DrainSummary:
    """Drain the outbox with the runtime's database, LINE client and clock, then settle the outbox
    rows of what landed."""
    sender = OutboxSender.from_runtime(rt)
    summary = sender.drain()
    sender.settle()
    return summary
