"""Who gets which message of a broadcast: its hold-out and its A/B variants, split exactly.

When the sweep claims a broadcast, the audience is counted and split once: the hold-out is
round(n x pct / 100) members (halves up: a 50% hold-out of 6 is 3, of 5 is 3), the rest shared among
the variants by their shares with the largest remainders getting the odd members (so 40/60 of 5 is
2 and 3). Members are put in order by h = (member_id x 7919 + broadcast_id x 6007) mod P (P the prime
2^31 - 1, so no two members below it share an h, and each broadcast orders them differently), and
each group is a range of h: the bounds are stored with the broadcast (`Broadcast.split`), and
`group_of` is the same test as a SQL CASE, so rows are written and results read set-based. A member
who joins the segment while it is being queued lands in whichever range their h falls.
"""
from __future__ import annotations

import math
from typing import Iterable

from sqlalchemy import case, literal

P = 2_147_483_647
_M, _B = 7919, 6007
HOLDOUT = "holdout"


def h_of(member_id: int, broadcast_id: int) -> int:
    return (member_id * _M + broadcast_id * _B) % P


def h_expr(member_id_column, broadcast_id: int):
    return (member_id_column * _M + broadcast_id * _B) % P


def counts(n: int, holdout_pct: int, shares: list[tuple[str, int]]) -> dict[str, int]:
    """Exact group sizes for an audience of n: {"holdout": k, "A": ..., ...} (shares sum to 100)."""
    held = min(n, math.floor(n * holdout_pct / 100 + 0.5)) if holdout_pct else 0
    rest = n - held
    exact = [(key, rest * share / 100) for key, share in shares]
    sizes = {key: math.floor(x) for key, x in exact}
    left = rest - sum(sizes.values())
    for key, x in sorted(exact, key=lambda kx: math.floor(kx[1]) - kx[1]):  # stable: ties in shares' order
        if left <= 0:
            break
        sizes[key] += 1
        left -= 1
    return {HOLDOUT: held} | sizes


def plan(member_ids: Iterable[int], broadcast_id: int, holdout_pct: int, shares: list[tuple[str, int]]) -> dict:
    """The stored split: the groups in order with their sizes, and the h bound where each ends."""
    hs = sorted(h_of(m, broadcast_id) for m in member_ids)
    sizes = counts(len(hs), holdout_pct, shares)
    groups, at = [], 0
    for key in [HOLDOUT] + [k for k, _ in shares]:
        at += sizes[key]
        groups.append({"key": key, "members": sizes[key], "below": hs[at] if at < len(hs) else P})
    return {"audience": len(hs), "groups": groups}


def ranges(split: dict) -> list[tuple[str, int, int]]:
    """(group, lowest h, h it stops below) for each group."""
    out, low = [], 0
    for g in split["groups"]:
        out.append((g["key"], low, g["below"]))
        low = g["below"]
    return out


def group_of(member_id_column, broadcast_id: int, split: dict):
    """The group of each member as a SQL expression (None outside every range: cannot happen)."""
    h = h_expr(member_id_column, broadcast_id)
    return case(*[((h >= low) & (h < high), literal(key)) for key, low, high in ranges(split)], else_=literal(""))
