"""Where the nightly rollup stops: the instant C up to which sums are read from the rollup tables
(insights/rollups.py) and after which they are read live."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, tzinfo

from sqlalchemy.orm import Session

from insights.models import RollupState


@dataclass(frozen=True)
class Cutoff:
    at: datetime | None  # None: nothing is rolled up, read everything live
    timezone: str | None = None

    def created_after(self, column):
        """SQL: the row is in the live tail."""
        return column > self.at if self.at is not None else column.is_not(None)


def cutoff(session: Session, tz: tzinfo) -> Cutoff:
    """The rollups' cut-off, or "never" when none is built or it was built for another timezone."""
    state = session.get(RollupState, 1)
    if state is None or state.timezone != str(tz):
        return Cutoff(None)
    return Cutoff(state.cutoff, state.timezone)
