"""Constants and helpers shared by the rewards tests (a uniquely named module: `conftest` is ambiguous when the
whole tree's tests run together)."""
import os
import threading
from datetime import datetime
from zoneinfo import ZoneInfo

TZ = ZoneInfo("Asia/Taipei")
NOW = datetime(2026, 11, 20, 15, 0, tzinfo=TZ)
PG_URL = os.environ.get("TEST_DATABASE_URL", "")
IS_PG = PG_URL.startswith(("postgresql", "postgres"))


def run_together(session_factory, n, work):
    """Run work(session, i) in n threads released at the same moment; each commits its own session.
    Returns what each returned, or the exception it raised."""
    barrier = threading.Barrier(n)
    results: list = [None] * n

    def worker(i):
        s = session_factory()
        try:
            barrier.wait(timeout=30)
            results[i] = work(s, i)
            s.commit()
        except BaseException as exc:  # noqa: BLE001 - reported to the test
            s.rollback()
            results[i] = exc
        finally:
            s.close()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not any(t.is_alive() for t in threads), "a thread hung"
    return results
