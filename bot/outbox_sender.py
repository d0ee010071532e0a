"""The outbox sender: the one path by which the bot sends anything on its own (push, multicast).

One drain: claim due rows, ask the messaging policy about each (send, hold for quiet hours, skip),
render them, group identical messages into multicasts, and call LINE with each batch's
X-Line-Retry-Key. The key is stored (and committed) before LINE is called, so whatever happens
during the call, a retry uses the same key and LINE answers 409 instead of delivering twice.

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
import uuid
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from messaging import policy, sending_state

from . import outbox_claims as claims
from .line_client import LineApiError
from .notice_messages import RenderError, render
from .outbox_batches import Batch, Item, group_identical, message_key
from .outbox_claims import ClaimedRow, Recipient
from core.logs import describe_error

log = logging.getLogger(__name__)


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
                 rules: SendingRules = SendingRules()):
        self.db = db
        self.line = line
        self.clock = clock
        self.settings = settings
        self.default_language = default_language
        self.rules = rules
        self._limit_recorded = False

    @classmethod
    def from_runtime(cls, rt, rules: SendingRules | None = None) -> "OutboxSender":
        """With the runtime's database, LINE client and clock; `rules` default to the SendingRules
        with the configured lease (OUTBOX_LEASE_SECONDS)."""
        rules = rules or SendingRules(lease=timedelta(seconds=rt.config.OUTBOX_LEASE_SECONDS))
        return cls(rt.db, rt.line, rt.clock, rt.settings, rt.config.BOT_LANGUAGE, rules)

    # ------------------------------------------------------------------ the drain
    def drain(self) -> DrainSummary:
        """Send everything due now; returns what happened. Safe to run in several processes at once."""
        summary = DrainSummary()
        if not self._may_send(summary):
            return summary
        while summary.stopped is None:
            worked = self._send_due_batches(summary)  # tried before: they have waited longest
            if summary.stopped is None:
                worked = self._send_fresh_rows(summary) or worked
            if not worked:
                break
        if not summary.is_empty:
            log.info("outbox drain: %s", summary)
        return summary

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

    # ------------------------------------------------------------------ rows never tried
    def _send_fresh_rows(self, summary: DrainSummary) -> bool:
        claim = self.clock.now()
        with self.db.session() as session:
            ids = claims.claim_fresh(session, claim, self.rules.lease, self.rules.claim_size)
        if not ids:
            return False
        items, verdicts = self._judge(ids, claim)
        self._settle_verdicts(verdicts, claim, summary)
        batches = group_identical(items)
        for i, batch in enumerate(batches):
            if summary.stopped or self.clock.now() - claim > self.rules.lease / 2:
                # give back what is left before the lease runs out (or LINE said stop)
                self._give_back([r for b in batches[i:] for r in b.row_ids], claim, summary)
                break
            self._attempt(batch, claim, summary)
        return True

    def _judge(self, ids: list[int], now: datetime) -> tuple[list[Item], dict]:
        """Policy and rendering for freshly claimed rows: the items to send, and verdicts
        {(action, detail): [row ids]} for the others."""
        items: list[Item] = []
        verdicts: dict[tuple[str, object], list[int]] = {}
        with self.db.session() as session:
            rows = claims.load(session, ids)
            marketing = [m.id for o, m in rows if m is not None and o.category == "marketing"]
            recent = Counter(policy.recent_marketing_counts(session, marketing, now))
            for row, member in rows:
                decision = policy.decide(session, member, row.category, now, self.settings,
                                         recent_marketing=recent[member.id] if member is not None else 0)
                if decision.action == policy.SKIP:
                    verdicts.setdefault(("skip", decision.reason), []).append(row.id)
                    continue
                if decision.action == policy.HOLD:
                    verdicts.setdefault(("hold", decision.until), []).append(row.id)
                    continue
                user_id = self._recipient(row, member)
                if user_id is None:
                    verdicts.setdefault(("fail", "no recipient"), []).append(row.id)
                    continue
                try:
                    messages = render(row.kind, row.params, self._language(member), self.settings)
                except RenderError as exc:
                    verdicts.setdefault(("fail", f"cannot render: {exc}"), []).append(row.id)
                    continue
                if member is not None and row.category == "marketing":
                    recent[member.id] += 1  # what this drain is about to send counts against the cap
                items.append(Item(row.id, user_id, messages))
        return items, verdicts

    def _settle_verdicts(self, verdicts: dict, claim: datetime, summary: DrainSummary) -> None:
        if not verdicts:
            return
        with self.db.session() as session:
            for (action, detail), ids in verdicts.items():
                if action == "skip":
                    summary.skipped[detail] += len(claims.mark_skipped(session, ids, claim, detail))
                elif action == "hold":
                    summary.held += len(claims.release(session, ids, claim, not_before=detail))
                else:
                    summary.failed += len(claims.mark_failed(session, ids, claim, detail))
                    log.warning("outbox rows %s failed: %s", ids[:10], detail)

    def _recipient(self, row: ClaimedRow, member: Recipient | None) -> str | None:
        return member.line_user_id if member is not None else row.to_user_id

    def _language(self, member: Recipient | None) -> str:
        return member.language if member is not None and member.language else self.default_language

    # ------------------------------------------------------------------ batches tried before
    def _send_due_batches(self, summary: DrainSummary) -> bool:
        with self.db.session() as session:
            keys = claims.due_batch_keys(session, self.clock.now(), self.rules.lease, self.rules.batches_per_round)
        worked = False
        for key in keys:
            if summary.stopped:
                break
            claim = self.clock.now()
            with self.db.session() as session:
                ids = claims.claim_batch(session, key, claim, self.rules.lease)
            if not ids:
                continue  # another sender has it
            worked = True
            batch = self._rebuild(key, ids, claim, summary)
            if batch is not None:
                self._attempt(batch, claim, summary)
        return worked

    def _rebuild(self, key: str, ids: list[int], claim: datetime, summary: DrainSummary) -> Batch | None:
        """The batch as it was first sent: same key, same kind of call, to those who can still receive it.

        Quiet hours and the weekly cap are not asked again: LINE may already have delivered it.
        """
        failed: dict[str, list[int]] = {}
        skipped: dict[str, list[int]] = {}
        items: list[Item] = []
        with self.db.session() as session:
            rows = claims.load(session, ids)
            multicast = claims.batch_size(session, key) > 1
            first_attempt_at = min(r.first_attempt_at or claim for r, _ in rows)
            earlier = max(r.attempts for r, _ in rows)
            expired = claim - first_attempt_at >= self.rules.key_lifetime
            for row, member in ([] if expired else rows):
                reason = policy.unreachable_reason(member) if member is not None else None
                user_id = self._recipient(row, member)
                if reason or user_id is None:
                    skipped.setdefault(reason or "erased", []).append(row.id)
                    continue
                try:
                    messages = render(row.kind, row.params, self._language(member), self.settings)
                except RenderError as exc:
                    failed.setdefault(f"cannot render: {exc}", []).append(row.id)
                    continue
                items.append(Item(row.id, user_id, messages))
        if expired:
            failed = {f"not resent: its retry key is from {first_attempt_at:%Y-%m-%d %H:%M %Z} and LINE forgets "
                      "keys after 24 h, so a retry could deliver it twice": ids}
        with self.db.session() as session:
            for reason, row_ids in skipped.items():
                summary.skipped[reason] += len(claims.mark_skipped(session, row_ids, claim, reason))
            for error, row_ids in failed.items():
                summary.failed += len(claims.mark_failed(session, row_ids, claim, error))
                log.warning("outbox rows %s failed: %s", row_ids[:10], error[:80])
        if not items:
            return None
        # one batch is one message; should a member's language have changed since, they get what the rest get
        common = Counter(message_key(i.messages) for i in items).most_common(1)[0][0]
        messages = next(i.messages for i in items if message_key(i.messages) == common)
        return Batch(row_ids=[i.row_id for i in items], user_ids=[i.user_id for i in items], messages=messages,
                     retry_key=key, first_attempt_at=first_attempt_at, earlier_attempts=earlier, multicast=multicast)

    # ------------------------------------------------------------------ one call to LINE
    def _attempt(self, batch: Batch, claim: datetime, summary: DrainSummary) -> None:
        now = self.clock.now()
        with self.db.session() as session:
            if batch.retry_key is None:
                batch.retry_key = str(uuid.uuid4())
                batch.first_attempt_at = now
                batch.keep_only(claims.start_attempt(session, batch.row_ids, claim, now, new_key=batch.retry_key))
            else:
                batch.keep_only(claims.start_attempt(session, batch.row_ids, claim, now))
        if not batch.row_ids:
            return  # our lease ran out and another sender took the rows
        summary.calls += 1
        try:
            if batch.multicast:
                self.line.multicast(batch.user_ids, batch.messages, retry_key=batch.retry_key)
            else:
                self.line.push(batch.user_ids[0], batch.messages, retry_key=batch.retry_key)
        except LineApiError as exc:
            self._settle_error(batch, claim, exc, summary)
        except Exception as exc:  # noqa: BLE001 - e.g. a message the SDK refuses: fail the batch, not the drain
            self._finish(batch, claim, summary, failed=f"not sent: {describe_error(exc)}")
        else:
            self._finish(batch, claim, summary)

    def _finish(self, batch: Batch, claim: datetime, summary: DrainSummary, failed: str | None = None) -> None:
        now = self.clock.now()
        with self.db.session() as session:
            if failed:
                summary.failed += len(claims.mark_failed(session, batch.row_ids, claim, failed))
                log.warning("outbox batch of %d failed: %s", batch.size, failed[:200])
                return
            summary.sent += len(claims.mark_sent(session, batch.row_ids, claim, now))
            if self._limit_recorded:
                sending_state.clear_monthly_limit(session, now)
                self._limit_recorded = False

    def _settle_error(self, batch: Batch, claim: datetime, exc: LineApiError, summary: DrainSummary) -> None:
        now = self.clock.now()
        what = f"LINE {exc.status if exc.status is not None else 'no answer'}: {exc.message}"
        if exc.is_retry_key_accepted:
            self._finish(batch, claim, summary)
        elif exc.is_monthly_limit:
            with self.db.session() as session:
                # refused outright, so a first attempt's key can go: the pause may outlast LINE's 24 h
                claims.release(session, batch.row_ids, claim, error=what, forget_key=batch.earlier_attempts == 0)
                sending_state.record_monthly_limit(session, now, exc.message)
            summary.stopped = "LINE monthly limit reached"
            log.error("outbox: LINE's monthly message limit is reached; sending stops")
        elif exc.status == 429:
            wait = timedelta(seconds=exc.retry_after) if exc.retry_after else self.rules.rate_limit_wait
            until = now + wait
            with self.db.session() as session:
                claims.release(session, batch.row_ids, claim, not_before=until, error=what)
            summary.retrying += batch.size
            summary.stopped = f"rate limited until {until:%H:%M:%S}"
            summary.resume_at = until
        elif exc.status is None or exc.status >= 500:
            if now - batch.first_attempt_at >= self.rules.retry_for:
                self._finish(batch, claim, summary,
                             failed=f"gave up after {batch.earlier_attempts + 1} attempts: {what}")
                return
            until = now + self.rules.backoff(batch.earlier_attempts + 1)
            with self.db.session() as session:
                claims.release(session, batch.row_ids, claim, not_before=until, error=what)
            summary.retrying += batch.size
        else:
            self._finish(batch, claim, summary, failed=what)

    def _give_back(self, row_ids: list[int], claim: datetime, summary: DrainSummary) -> None:
        """Rows claimed but not tried: pending again (after a rate limit, not before it ends)."""
        with self.db.session() as session:
            claims.release(session, row_ids, claim, not_before=summary.resume_at)


def drain(rt) -> DrainSummary:
    """Drain the outbox with the runtime's database, LINE client and clock."""
    return OutboxSender.from_runtime(rt).drain()
