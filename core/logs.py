"""Logging helpers: how an error is named in a log line without leaking what it carried."""
from __future__ import annotations

import traceback


def describe_error(exc: BaseException) -> str:
    """Error type and where it happened, without the message (which may quote personal data)."""
    frames = traceback.extract_tb(exc.__traceback__)
    where = f" at {frames[-1].filename.rsplit('/', 1)[-1]}:{frames[-1].lineno}" if frames else ""
    return f"{exc.__class__.__name__}{where}"
