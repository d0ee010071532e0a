"""The understanding each process holds: built from the shipped examples, the shop's catalog and the
wordings staff labelled, and built again when either of the last two changes.

Whether they changed is asked of the database at most every REFRESH_SECONDS (two small aggregate
reads), so every web process and worker follows a label or a new faq within seconds, and an event
costs no extra statement in between. Building takes a fraction of a second; it happens under a lock,
so one thread builds while the others keep answering with the model they have.
"""
from __future__ import annotations

import threading
import time
from typing import Callable

from sqlalchemy.orm import Session

from content import answers
from messaging import labelled_examples

from .classifier import Example
from .examples import shipped
from .step import Understander

REFRESH_SECONDS = 2.0

_lock = threading.Lock()
_model: Understander | None = None
_version: tuple | None = None  # (the database, the catalog's version, the labels' version)
_checked_at = 0.0
_shipped: list[Example] | None = None


def _versions(session: Session) -> tuple:
    return str(session.get_bind().url), answers.version(session), labelled_examples.version(session)


def build(session: Session) -> Understander:
    """A new model from what the database holds now."""
    global _shipped
    if _shipped is None:
        _shipped = shipped()
    taught = [Example(text, label) for text, label in labelled_examples.all_examples(session)]
    return Understander(answers.load(session), _shipped + taught)


def model_for(session: Session, clock: Callable[[], float] = time.monotonic) -> Understander:
    """This process's model, rebuilt if the catalog or the labels changed (checked every few seconds)."""
    global _model, _version, _checked_at
    now = clock()
    model = _model
    if model is not None and now - _checked_at < REFRESH_SECONDS and _version[0] == str(session.get_bind().url):
        return model
    version = _versions(session)
    if model is not None and version == _version:
        _checked_at = now
        return model
    with _lock:
        if _model is None or _version != version:
            _model, _version = build(session), version
        _checked_at = now
        return _model


def forget() -> None:
    """Drop the model (tests; a process that wants the next message to see every change at once)."""
    global _model, _version, _checked_at
    with _lock:
        _model, _version, _checked_at = None, None, 0.0
