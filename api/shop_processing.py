"""The shops' deliveries processed off the request (as bot/processing.py does LINE's events): in a
small thread pool, inline (INBOX_MODE=sync, tests), or only by the worker's `shop-deliveries`
sweep (INBOX_MODE=off).

INBOX_MODE=sync: a delivery is recorded and processed in one unit of work. INBOX_MODE=thread: the
request records it claimed (the answer waits for that alone) and the pool processes it in a unit
of work of its own. (Several deliveries in one unit of work were measured: on PostgreSQL they hold
their members' locks together for longer, and 16 senders' orders of 50 members then waited for
each other, processed 0.62-0.73x the API's rate against 0.73-0.86x one by one; on SQLite a
recording waited behind the longer transaction, p99 281-535 ms against 134-159.)"""
from __future__ import annotations

import logging
from concurrent.futures import ThreadPoolExecutor

from rewards.shops import deliveries
from rewards.shops.crediting import ShopSettings

log = logging.getLogger(__name__)


class ShopDeliveryWorker:
    def __init__(self, db, clock, settings, shop_settings: ShopSettings, mode: str = "thread", threads: int = 4):
        self.db, self.clock, self.settings, self.shop_settings = db, clock, settings, shop_settings
        self.mode = mode
        self.pool = ThreadPoolExecutor(max_workers=threads, thread_name_prefix="shops") if mode == "thread" else None

    @property
    def processes_here(self) -> bool:
        """Whether this process processes what it records (else only the worker's sweep does)."""
        return self.mode in ("sync", "thread")

    def receive(self, delivery_id: str, row: deliveries.Claimed, now) -> int | None:
        """INBOX_MODE=sync: the delivery recorded and processed in one unit of work
        (deliveries.receive; its payload read before the transaction); its row id, None when it was
        recorded before. Should the processing raise, it is recorded apart, pending with the reason,
        for the sweep to try again."""
        found = deliveries.read(row, self.shop_settings)
        try:
            return self.db.run(lambda s: deliveries.receive(s, delivery_id, row, now, self.settings,
                                                            self.shop_settings, found)[0], write=True)
        except Exception as exc:  # noqa: BLE001 - recorded below, retried by the sweep
            log.error("shop delivery %s: processing failed: %s", delivery_id[:40], exc.__class__.__name__)
            why = f"{exc.__class__.__name__}: {str(exc)[:300]}"

        def record_failed(s):
            new = deliveries.record(s, row.platform, delivery_id, row.topic, row.shop, row.payload, now, claim=True)
            if new is not None:
                deliveries.give_back(s, new, why)
            return new
        return self.db.run(record_failed, write=True, core=True)

    def submit_claimed(self, delivery_id: int, row: deliveries.Claimed) -> None:
        """A delivery recorded claimed by this process (deliveries.record(claim=True)), its payload in hand."""
        if self.mode == "sync":
            self.process(delivery_id, claimed=row)
        elif self.mode == "thread":
            self.pool.submit(self.process, delivery_id, None, row)

    def process(self, delivery_id: int, now=None, claimed: deliveries.Claimed | None = None):
        """One delivery in one unit of work (as of `now`, default the clock's): claimed first, unless
        `claimed` is its payload held under this process's claim. An error rolls it back and hands it
        back (failed after deliveries.MAX_ATTEMPTS tries). Never raises."""
        now = now or self.clock.now()
        try:
            if claimed is not None:
                return self.db.run(lambda s: deliveries.process_claimed(s, delivery_id, claimed, now, self.settings,
                                                                        self.shop_settings), write=True)
            return self.db.run(lambda s: deliveries.process(s, delivery_id, now, self.settings, self.shop_settings),
                               write=True)
        except Exception as exc:  # noqa: BLE001 - recorded on the delivery, retried by the sweep
            log.error("shop delivery %s: processing failed: %s", delivery_id, exc.__class__.__name__)
            why = f"{exc.__class__.__name__}: {str(exc)[:300]}"
            try:
                self.db.run(lambda s: deliveries.give_back(s, delivery_id, why), write=True)
            except Exception:  # noqa: BLE001 - the lease will free it
                log.exception("shop delivery %s: could not record the failure", delivery_id)
            return None

    def sweep(self, now=None) -> int:
        """Deliveries left pending or claimed past their lease as of `now`, processed; how many were tried."""
        now = now or self.clock.now()
        with self.db.session() as session:
            ids = deliveries.due(session, now)
        for delivery_id in ids:
            self.process(delivery_id, now)
        return len(ids)

    def shutdown(self, wait: bool = True) -> None:
        if self.pool:
            self.pool.shutdown(wait=wait)
