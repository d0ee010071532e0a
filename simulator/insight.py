"""LINE's statistics per aggregation unit (GET /v2/bot/insight/message/event/aggregation), played by
the simulator. Messages pushed or multicast with `customAggregationUnits` are counted under their
unit; a user who opens the chat opens them (`open_chat`), a tap on a link in one is a click
(`click`). As LINE does, a figure under 20 users is null: LINE gives no number that small.

The call is checked against LINE's Insight API (not in messaging-api.yml): a Bearer token, the unit
name (1-30 of letters, digits and _), and `from`/`to` as yyyyMMdd at most 30 days apart.
"""
from __future__ import annotations

import re
import threading
from datetime import date

from simulator.spec import Problem

PATH = "/v2/bot/insight/message/event/aggregation"
UNIT = re.compile(r"^[a-zA-Z0-9_]{1,30}$")
DAY = re.compile(r"^\d{8}$")
SMALLEST_FIGURE = 20


class UnitStatistics:
    def __init__(self):
        self._lock = threading.Lock()
        self.sent: dict[str, set[str]] = {}  # unit -> users it went to
        self.opened: dict[str, set[str]] = {}
        self.clicked: dict[str, set[str]] = {}

    def delivered(self, unit: str, user_ids) -> None:
        with self._lock:
            self.sent.setdefault(unit, set()).update(user_ids)

    def open_chat(self, user_id: str) -> None:
        """The user opens the chat: every unit's message they got is opened."""
        with self._lock:
            for unit, users in self.sent.items():
                if user_id in users:
                    self.opened.setdefault(unit, set()).add(user_id)

    def click(self, user_id: str, unit: str) -> None:
        with self._lock:
            if user_id in self.sent.get(unit, set()):
                self.opened.setdefault(unit, set()).add(user_id)
                self.clicked.setdefault(unit, set()).add(user_id)

    def answer(self, unit: str) -> dict:
        def figure(users):
            return len(users) if len(users) >= SMALLEST_FIGURE else None
        with self._lock:
            opened, clicked = self.opened.get(unit, set()), self.clicked.get(unit, set())
            return {"overview": {"uniqueImpression": figure(opened), "uniqueClick": figure(clicked),
                                 "uniqueMediaPlayed": None, "uniqueMediaPlayed100Percent": None},
                    "messages": [], "clicks": []}


def problems(headers: dict, query: dict) -> list[Problem]:
    found = []
    auth = headers.get("authorization", "")
    if not auth.startswith("Bearer ") or not auth[len("Bearer "):].strip():
        found.append(Problem("Authorization", "header must be 'Bearer <channel access token>'"))
    unit = query.get("customAggregationUnit") or ""
    if not UNIT.match(unit):
        found.append(Problem("customAggregationUnit", "1-30 letters, digits or _ are required"))
    days = []
    for name in ("from", "to"):
        value = query.get(name) or ""
        try:
            days.append(date(int(value[:4]), int(value[4:6]), int(value[6:])) if DAY.match(value) else None)
        except ValueError:
            days.append(None)
        if days[-1] is None:
            found.append(Problem(name, "a date as yyyyMMdd is required"))
    if all(days) and not 0 <= (days[1] - days[0]).days <= 30:
        found.append(Problem("to", "must be on or after `from` and at most 30 days later"))
    return found
