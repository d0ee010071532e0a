"""X-Line-Retry-Key bookkeeping: a key accepted once is answered 409 for 24 hours."""
import threading

DAY = 24 * 60 * 60
_IN_FLIGHT = object()


class RetryKeys:
    def __init__(self, clock, ttl=DAY):
        self._clock = clock
        self._ttl = ttl
        self._accepted = {}  # key -> (accepted at, response body)
        self._lock = threading.Lock()

    def claim(self, key: str):
        """None when the key is new (it is then held until settle or release), else the
        earlier response body (``{}`` while the first request is still being answered)."""
        with self._lock:
            now = self._clock()
            entry = self._accepted.get(key)
            if entry is not None and (entry[1] is _IN_FLIGHT or now - entry[0] < self._ttl):
                return {} if entry[1] is _IN_FLIGHT else entry[1]
            self._accepted[key] = (now, _IN_FLIGHT)
            return None

    def settle(self, key: str, response_body) -> None:
        with self._lock:
            self._accepted[key] = (self._clock(), response_body)

    def release(self, key: str) -> None:
        """The request was not accepted: the same key may be used again."""
        with self._lock:
            self._accepted.pop(key, None)

    def clear(self) -> None:
        with self._lock:
            self._accepted.clear()
