"""The shops' deliveries processed off the request (as bot/processing.py does LINE's events): in a
small thread pool, inline (INBOX_MODE=sync, tests), or only by the worker's `shop-deliveries`
sweep (INBOX_MODE=off).

INBOX_MODE=sync: a delivery is recorded and processed in one unit of work. INBOX_MODE=thread: the
request records it claimed (the answer waits for that alone); the pool takes what has queued up,
up to `batch` deliveries, and processes them in one unit of work (one transaction, one commit,
instead of one each), in the order of the members they name, so two such units never wait for
each other's members in turn. Should that unit raise, each of its deliveries is processed alone.
On SQLite a batch is one delivery: its writers queue for one lock, and a recording must not wait
behind a long transaction."""
from __future__ import annotations

import logging
import threading
from collections import deque
from concurrent.futures import ThreadPoolExecutor

from rewards.shops import deliveries
from rewards.shops.crediting import ShopSettings

log = logging.getLogger(__name__)


class ShopDeliveryWorker:
    def __init__(self, db, clock, settings, shop_settings: ShopSettings, mode: str = "thread", threads: int = 4,
                 batch: int | None = None):
        self.db, self.clock, self.settings, self.shop_settings = db, clock, settings, shop_settings
        self.mode = mode
        self.pool = ThreadPoolExecutor(max_workers=threads, thread_name_prefix="shops") if mode == "thread" else None
        self.batch = batch or (8 if db.is_postgres else 1)
        self.queued: deque[tuple[int, deliveries.Claimed]] = deque()
        self.queue_lock = threading.Lock()

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
            with self.queue_lock:
                self.queued.append((delivery_id, row))
            self.pool.submit(self.drain)

    def drain(self) -> int:
        """What has queued up (up to `batch`), processed in one unit of work; how many. Never raises."""
        with self.queue_lock:
            taken = [self.queued.popleft() for _ in range(min(self.batch, len(self.queued)))]
        if len(taken) <= 1:
            for delivery_id, row in taken:
                self.process(delivery_id, claimed=row)
            return len(taken)
        now = self.clock.now()
        read = sorted(((deliveries.read(row, self.shop_settings), delivery_id, row) for delivery_id, row in taken),
                      key=lambda one: (deliveries.lock_order(one[0]), one[1]))

        def work(session):
            for found, delivery_id, row in read:
                deliveries.process_claimed(session, delivery_id, row, now, self.settings, self.shop_settings, found)
        try:
            self.db.run(work, write=True)
        except Exception as exc:  # noqa: BLE001 - each alone, below
            log.warning("shop deliveries: a batch of %d failed (%s); processed one by one", len(read),
                        exc.__class__.__name__)
            for _found, delivery_id, row in read:
                self.process(delivery_id, claimed=row)
        return len(read)

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
