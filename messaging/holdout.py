"""A broadcast's hold-out: a share of its segment kept out on purpose, so its results can be compared
with members who did not get it.

Who is held out is decided by the member id and the broadcast id alone, the same in Python and in SQL
(so a set-based INSERT ... SELECT can use `held_out` as a WHERE clause): (member_id * 7919 +
broadcast_id * 6007) mod 100 < pct. Consecutive member ids step through every remainder, so the share
is close to pct in any segment, and each broadcast holds out different members.
"""
from __future__ import annotations

from sqlalchemy import false

MAX_PCT = 90
_M, _B = 7919, 6007


def check_pct(value) -> int:
    """A hold-out share from staff input; raises ValueError."""
    pct = int(value or 0)
    if not 0 <= pct <= MAX_PCT:
        raise ValueError(f"between 0 and {MAX_PCT} %")
    return pct


def is_held_out(member_id: int, broadcast_id: int, pct: int) -> bool:
    return pct > 0 and (member_id * _M + broadcast_id * _B) % 100 < pct


def held_out(member_id_column, broadcast_id: int, pct: int):
    """The same test as a SQL expression over a member id column."""
    if pct <= 0:
        return false()
    return (member_id_column * _M + broadcast_id * _B) % 100 < pct
