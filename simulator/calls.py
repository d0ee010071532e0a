"""One recorded request to the fake Messaging API."""
import time
from dataclasses import asdict, dataclass, field


@dataclass
class Call:
    method: str
    path: str
    query: dict
    headers: dict  # lower-cased names
    body: object  # parsed JSON; for a binary upload, its length in bytes; None when empty
    status: int | None = None
    errors: list = field(default_factory=list)  # spec violations, human-readable
    response: object = None
    at: float = field(default_factory=time.time)

    def to_json(self) -> dict:
        return asdict(self)
