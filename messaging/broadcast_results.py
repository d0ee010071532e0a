"""The results that matter of a queued broadcast: delivered, skipped by reason, clicks on its links,
unsubscribes and blocks within 3 days and the orders and revenue of recipients within 7 days, with
the same for its hold-out (members of the segment kept out on purpose), so staff see what it added.

Recipients are measured from the moment their message was sent; the hold-out from the moment their
(never sent) row was written, which is when the others' messages started going.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from rewards.models import Outbox

from insights.attribution import After, after
from messaging import broadcasts as bc
from messaging import short_links


@dataclass(frozen=True)
class Earned:
    delivered: int
    skipped: dict[str, int]  # reason -> members (the hold-out not among them)
    clicks: int
    recipients: After
    holdout: After

    @property
    def added_revenue(self) -> float | None:
        """Revenue the broadcast added: recipients' revenue minus what they would have spent at the
        hold-out's rate (None without a hold-out)."""
        if not self.holdout.members:
            return None
        return self.recipients.revenue - self.holdout.revenue_per_member * self.recipients.members


def earned(session: Session, broadcast_id: int, now: datetime) -> Earned:
    base = bc.results(session, broadcast_id)
    skipped = {reason: n for reason, n in base.skipped.items() if reason != bc.HOLDOUT}
    rows = session.execute(select(Outbox.member_id, Outbox.status, Outbox.skip_reason, Outbox.sent_at,
                                  Outbox.created_at)
                           .where(Outbox.campaign_id == broadcast_id, Outbox.kind == bc.KIND)).all()
    sent = [(mid, at) for mid, status, _, at, _ in rows if status == "sent"]
    held = [(mid, created) for mid, status, reason, _, created in rows
            if status == "skipped" and reason == bc.HOLDOUT]
    return Earned(base.sent, skipped, short_links.clicks(session, broadcast_id), after(session, sent, now),
                  after(session, held, now))
