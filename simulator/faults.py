"""Fault injection: the next calls to matching paths answer an error, or answer late."""
import re
import threading
from dataclasses import dataclass, field
from http import HTTPStatus

RATE_LIMITED = "The API rate limit has been exceeded. Try again later."
MONTHLY_LIMIT = "You have reached your monthly limit."


@dataclass
class Fault:
    path_regex: str
    status: int | None  # None: only delay, then answer normally
    remaining: int = 1
    headers: dict = field(default_factory=dict)
    body: object = None
    delay: float = 0.0

    def answer_body(self):
        if self.body is not None:
            return self.body
        if self.status == 429:
            return {"message": RATE_LIMITED}
        try:
            return {"message": HTTPStatus(self.status).phrase}
        except ValueError:
            return {"message": "Error"}


class FaultBook:
    def __init__(self):
        self._faults: list[Fault] = []
        self._lock = threading.Lock()

    def inject(self, path_regex, status, count=1, headers=None, body=None, delay=0.0) -> Fault:
        re.compile(path_regex)  # fail now, not on the next request
        fault = Fault(path_regex, None if status is None else int(status), int(count),
                      {k: str(v) for k, v in (headers or {}).items()}, body, float(delay))
        with self._lock:
            self._faults.append(fault)
        return fault

    def take(self, path: str) -> Fault | None:
        """The first pending fault for this path, counted as used."""
        with self._lock:
            for fault in self._faults:
                if fault.remaining > 0 and re.search(fault.path_regex, path):
                    fault.remaining -= 1
                    if fault.remaining == 0:
                        self._faults.remove(fault)
                    return fault
        return None

    def pending(self) -> list[Fault]:
        with self._lock:
            return list(self._faults)

    def clear(self) -> None:
        with self._lock:
            self._faults.clear()

    # presets
    def rate_limit(self, path_regex, retry_after=1, count=1) -> Fault:
        return self.inject(path_regex, 429, count, headers={"Retry-After": retry_after})

    def monthly_limit(self, path_regex, count=1) -> Fault:
        return self.inject(path_regex, 429, count, body={"message": MONTHLY_LIMIT})

    def server_error(self, path_regex, count=1, status=500) -> Fault:
        return self.inject(path_regex, status, count)

    def bad_request(self, path_regex, message="The request body has 1 error(s)", count=1) -> Fault:
        return self.inject(path_regex, 400, count, body={"message": message})

    def slow(self, path_regex, delay, count=1) -> Fault:
        return self.inject(path_regex, None, count, delay=delay)
