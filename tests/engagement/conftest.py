"""Fixtures for the engagement features: the runtime, a chat, and ways to set the scene quickly."""
from __future__ import annotations

import dataclasses
from datetime import datetime

import pytest
from sqlalchemy import select

from worker import schedule
from worker.runner import run_due
from content.models import ContentItem
from rewards import membership, orders
from rewards.models import Coupon, Member, Outbox

from ..conftest import TAIPEI
from ..e2e.chat import Chat
from ..outbox.helpers import add_members

PUSHED = ("push", "multicast")


# the sweeps these tests drive (other features' sweeps, still being built, are left out)
SWEEPS = ("tier-review", "points-expiry", "birthday-coupons", "survey-invitations", "content-drip",
          "repurchase-reminders", "tier-keep-warnings", schedule.OUTBOX)


@pytest.fixture(autouse=True)
def only_our_sweeps(monkeypatch):
    monkeypatch.setattr(schedule, "SWEEPS", tuple(s for s in schedule.SWEEPS if s.name in SWEEPS))


def at(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=TAIPEI)


@pytest.fixture
def rt(app):
    return app.extensions["bot"]


@pytest.fixture
def chat(client, sender, line):
    return Chat(client, sender, line)


@pytest.fixture
def unlimited_quota(line):
    before = line.quota_limit
    line.quota_limit = None
    yield line
    line.quota_limit = before


class Scene:
    """Domain operations and look-ups a test needs, each in its own transaction."""

    def __init__(self, app, rt, line, clock):
        self.app, self.rt, self.line, self.clock = app, rt, line, clock
        self._next = 1

    # -- setting the scene
    def members(self, count: int = 1, **fields) -> list[int]:
        ids = add_members(self.rt.db, count, self.clock.now(), start=self._next, **fields)
        self._next += count
        return ids

    def member(self, **fields) -> int:
        return self.members(1, **fields)[0]

    def uid(self, member_id: int) -> str:
        with self.rt.db.session() as s:
            return s.get(Member, member_id).line_user_id

    def order(self, member_id: int, external_id: str, placed_at: datetime, amount: int = 500, channel: str = "store",
              store: str | None = "信義店", categories: tuple[str, ...] = (), now: datetime | None = None):
        items = [{"sku": f"SKU-{i}", "category": c, "qty": 1} for i, c in enumerate(categories)] or None
        with self.rt.db.session() as s:
            member = s.get(Member, member_id)
            return orders.record_order(s, member, channel, external_id, amount, placed_at, store, items,
                                       now or placed_at, self.rt.settings).order.id

    def content(self, title_en: str, topics=(), published: datetime | None = None, **fields) -> int:
        now = self.clock.now()
        with self.rt.db.session() as s:
            item = ContentItem(title_zh=fields.pop("title_zh", f"{title_en}（中文）"), title_en=title_en,
                               body_zh=fields.pop("body_zh", "內文第一段。\n\n第二段。"),
                               body_en=fields.pop("body_en", "First paragraph.\n\nSecond paragraph."),
                               topics=list(topics), status="active", kind=fields.pop("kind", "tip"),
                               source="console", created_by="test", created_at=now, updated_at=now,
                               published_at=published or now, **fields)
            s.add(item)
            s.flush()
            return item.id

    def update_member(self, member_id: int, **values) -> None:
        with self.rt.db.session() as s:
            member = s.get(Member, member_id)
            for name, value in values.items():
                setattr(member, name, value)

    def settings(self, **values) -> None:
        self.rt.settings = dataclasses.replace(self.rt.settings, **values)

    def run_due(self, when: datetime):
        results = run_due(self.app, when)
        failed = [r for r in results if not r.ok]
        assert not failed, failed
        return {r.name: r.summary for r in results}

    # -- looking
    def outbox(self, **where) -> list[Outbox]:
        with self.rt.db.session() as s:
            q = select(Outbox).order_by(Outbox.id)
            for name, value in where.items():
                q = q.where(getattr(Outbox, name) == value)
            return list(s.scalars(q))

    def coupons(self, member_id: int, kind: str = "birthday") -> list[Coupon]:
        with self.rt.db.session() as s:
            return list(s.scalars(select(Coupon).where(Coupon.member_id == member_id, Coupon.kind == kind)
                                  .order_by(Coupon.id)))

    def pushes(self, uid: str) -> list[dict]:
        """Messages pushed to the user (replies aside), in order."""
        return [d["message"] for d in self.line.delivered(uid) if d["how"] in PUSHED]

    def get(self, model, key):
        with self.rt.db.session() as s:
            return s.get(model, key)

    def by_line_user(self, uid: str) -> Member:
        with self.rt.db.session() as s:
            return membership.by_line_user(s, uid)


@pytest.fixture
def scene(app, rt, line, clock):
    return Scene(app, rt, line, clock)

