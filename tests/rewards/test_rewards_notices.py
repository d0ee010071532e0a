from datetime import timedelta

import pytest
from sqlalchemy import func, select

from rewards.models import Outbox
from rewards.notices import queue_notice


def test_queue_once_per_dedup_key(session, make_member, now):
    m = make_member()
    row = queue_notice(session, m, "receipt", "service", {"amount": 100}, "receipt:1", now)
    assert row is not None and row.status == "pending" and row.not_before == now and row.params == {"amount": 100}
    assert queue_notice(session, m, "receipt", "service", {"amount": 999}, "receipt:1", now) is None
    assert session.scalar(select(func.count()).select_from(Outbox)) == 1


def test_not_before_and_validation(session, make_member, now):
    m = make_member()
    later = now + timedelta(hours=2)
    row = queue_notice(session, m, "survey", "marketing", {}, "survey:1", now, not_before=later)
    assert row.not_before == later and row.category == "marketing"
    with pytest.raises(ValueError):
        queue_notice(session, m, "x", "spam", {}, "k", now)
    with pytest.raises(ValueError):
        queue_notice(session, m, "x", "service", {}, "", now)
    with pytest.raises(ValueError):
        queue_notice(session, m, "x", "service", {}, "k", now.replace(tzinfo=None))
