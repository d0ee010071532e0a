from datetime import datetime, timedelta, timezone

import pytest

from core.clock import Clock, FixedClock


def test_clock_is_aware_and_in_taipei_by_default():
    now = Clock().now()
    assert now.tzinfo is not None and now.utcoffset() == timedelta(hours=8)


def test_fixed_clock_moves_only_when_told():
    clock = FixedClock(datetime(2026, 3, 1, 1, 0, tzinfo=timezone.utc))
    assert clock.now().hour == 9
    clock.advance(timedelta(hours=1))
    assert clock.now().hour == 10
    with pytest.raises(ValueError):
        FixedClock(datetime(2026, 3, 1))
