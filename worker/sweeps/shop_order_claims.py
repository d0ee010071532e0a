"""Online orders waiting for their member: credited once their customer id is linked, expired after
ORDER_CLAIM_DAYS (rewards/shops/crediting.py)."""
from __future__ import annotations

from flask import current_app

from rewards.shops import crediting


def run(rt, now) -> str:
    shop = current_app.extensions["shop_settings"]
    credited, expired = rt.db.run(lambda s: crediting.claim_waiting(s, now, rt.settings, shop), write=True)
    return f"credited {credited} waiting online orders, {expired} expired"
