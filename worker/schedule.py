"""What the worker runs and how often: one table.

Each row is a sweep (worker/sweeps/, one module each) and its interval; the worker's APScheduler
runs each at its own interval (worker/scheduler.py), and `flask --app app jobs run-due --at ...`
runs them all once as of an instant (worker/runner.py), in this order, the outbox drain last so
that what the others queue goes out in the same run.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Callable

from worker import heartbeat
from worker.sweeps import (birthday_coupons, broadcasts, content_drip, dashboard_rollups, handoff_expiry, inbox,
                           inbox_retention,
                           kept_messages, line_statistics,
                           outbox, points_expiry, repurchase_reminders, rfm_scores, rich_menus, shop_deliveries,
                           shop_order_claims, shopline_catch_up, survey_invitations, tier_keep_warnings, tier_review,
                           unclaimed_imports, welcome_journey, woocommerce_catch_up)

OUTBOX = "outbox"


@dataclass(frozen=True)
class Sweep:
    name: str
    run: Callable[[Any, datetime], Any]  # (runtime, now) -> a one-line summary
    every: timedelta
    # False: the worker's alone, not run by `jobs run-due` (it has no "as of")
    catch_up: bool = True


SWEEPS: tuple[Sweep, ...] = (
    Sweep("tier-review", tier_review.run, every=timedelta(hours=1)),
    Sweep("points-expiry", points_expiry.run, every=timedelta(hours=1)),
    Sweep("birthday-coupons", birthday_coupons.run, every=timedelta(hours=1)),
    Sweep("survey-invitations", survey_invitations.run, every=timedelta(minutes=10)),
    Sweep("content-drip", content_drip.run, every=timedelta(hours=1)),
    Sweep("repurchase-reminders", repurchase_reminders.run, every=timedelta(hours=6)),
    Sweep("tier-keep-warnings", tier_keep_warnings.run, every=timedelta(hours=6)),
    Sweep("rich-menus", rich_menus.run, every=timedelta(minutes=1)),
    Sweep("rfm-scores", rfm_scores.run, every=timedelta(hours=1)),
    Sweep("dashboard-rollups", dashboard_rollups.run, every=timedelta(hours=1)),
    Sweep("broadcasts", broadcasts.run, every=timedelta(minutes=1)),
    # LINE's opens and clicks per broadcast (its aggregation units), for 30 days after each is sent
    Sweep("line-statistics", line_statistics.run, every=timedelta(minutes=30)),
    Sweep("welcome-journey", welcome_journey.run, every=timedelta(minutes=10)),
    # a chat handed to staff that ran out: closed, and the member told the bot is back
    Sweep("handoff-expiry", handoff_expiry.run, every=timedelta(minutes=1)),
    Sweep("kept-messages-retention", kept_messages.run, every=timedelta(hours=6)),
    # often: an answer a crash left unsent should go while its reply token (about a minute) serves
    Sweep("inbox-sweeper", inbox.run, every=timedelta(seconds=10), catch_up=False),
    Sweep("inbox-retention", inbox_retention.run, every=timedelta(hours=6)),
    Sweep("unclaimed-imports", unclaimed_imports.run, every=timedelta(hours=6)),
    # online shops: deliveries left unprocessed, waiting orders whose customer was linked since
    Sweep("shop-deliveries", shop_deliveries.run, every=timedelta(seconds=10)),
    Sweep("shop-order-claims", shop_order_claims.run, every=timedelta(minutes=10)),
    # what the shops' webhooks missed, read from their order listings
    Sweep("woocommerce-catch-up", woocommerce_catch_up.run, every=timedelta(minutes=10)),
    Sweep("shopline-catch-up", shopline_catch_up.run, every=timedelta(minutes=10)),
    Sweep(OUTBOX, outbox.run, every=timedelta(seconds=5)),
    # the worker's sign of life for /healthz and its counters for /metrics (worker/heartbeat.py)
    Sweep("worker-heartbeat", heartbeat.run, every=timedelta(seconds=heartbeat.EVERY_SECONDS), catch_up=False),
)
