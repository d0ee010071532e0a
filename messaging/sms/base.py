"""What every SMS gateway adapter is: `send(phone, text, reference) -> Sent`, or SmsError."""
from __future__ import annotations

import urllib.error
import urllib.request
from dataclasses import dataclass
from typing import Protocol

from core.phones import Phone


class SmsError(RuntimeError):
    """The gateway did not take the message (refused, unreachable, an answer it should not give).
    The message is for the log: it never holds the number or the text."""


@dataclass(frozen=True)
class Sent:
    reference: str  # the gateway's id of the message


class Gateway(Protocol):
    name: str

    def send(self, phone: Phone, text: str, reference: str) -> Sent:
        """Send `text` to `phone`; `reference` is ours, unique per code (a gateway that can, dedupes on it)."""


def post_form(url: str, body: bytes, content_type: str, timeout: float) -> tuple[int, bytes]:
    """POST a form; the status and body, also of an HTTP error. SmsError when nothing answers."""
    request = urllib.request.Request(url, data=body, method="POST", headers={"Content-Type": content_type})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 - configured URL
            return response.status, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()
    except (urllib.error.URLError, OSError) as exc:
        raise SmsError(f"gateway unreachable: {type(exc).__name__}") from None
