"""The simulated shops (`python -m simulator.shops send`, in a process of their own, as bin/dev's
`bin/flask shops simulate` uses them) send each platform's signed webhooks that the bot credits."""
from __future__ import annotations

import subprocess
import sys

import pytest

from ..api.live_server import serving
from .conftest import SHOP_DOMAIN, SHOPIFY_SECRET, SHOPLINE_SECRET, WOO_SECRET, balance

SECRETS = {"shopify": SHOPIFY_SECRET, "woocommerce": WOO_SECRET, "shopline": SHOPLINE_SECRET}


def simulate(url: str, platform: str, kind: str, **options) -> str:
    argv = [sys.executable, "-m", "simulator.shops", "send", "--platform", platform, "--kind", kind, "--bot-url", url,
            "--secret", SECRETS[platform], "--shop", SHOP_DOMAIN if platform == "shopify" else "main"]
    for name, value in options.items():
        argv += [f"--{name.replace('_', '-')}", str(value)]
    done = subprocess.run(argv, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr[-500:]
    return done.stdout


@pytest.mark.parametrize("platform", ["shopify", "woocommerce", "shopline"])
def test_a_simulated_shop_orders_refunds_and_cancels(app, rt, make_member, clock, platform):
    member = make_member()
    # the simulated shop stamps orders with the real time; the bot's test clock must accept them
    from datetime import datetime
    clock.set(datetime.now(clock.now().tzinfo))
    with serving(app) as url:
        assert "answered 200" in simulate(url, platform, "order", order_id=1001, amount="2000.00",
                                          member_code=member.code)
        assert balance(rt, member) == 20
        simulate(url, platform, "refund", order_id=1001, amount="500.00")
        assert balance(rt, member) == 15
        simulate(url, platform, "cancel", order_id=1001, amount="2000.00", member_code=member.code)
        assert balance(rt, member) == 0
