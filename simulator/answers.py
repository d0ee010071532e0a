"""What the fake Messaging API answers: a status, a JSON (or binary) body and headers."""
from dataclasses import dataclass, field


@dataclass
class Answer:
    status: int
    body: object = field(default_factory=dict)  # JSON-able, or bytes for downloads
    headers: dict = field(default_factory=dict)
    content_type: str = "application/json"


class LineApiError(Exception):
    """An error answered the way LINE does: ``{"message": ..., "details": [...]}``."""

    def __init__(self, status: int, message: str, details=None, **extra):
        super().__init__(message)
        self.status = status
        self.message = message
        self.details = details or []
        self.extra = extra

    def answer(self) -> Answer:
        body = {"message": self.message}
        if self.details:
            body["details"] = self.details
        body.update(self.extra)
        return Answer(self.status, body)


def not_found() -> LineApiError:
    return LineApiError(404, "Not found")
