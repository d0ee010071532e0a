"""The marketer's week in Chromium, against the real bot and the LINE simulator: the dashboard, a
segment, an A/B broadcast with an uploaded picture, a hold-out and a campaign coupon, then its results
with LINE's opens per variant, the coupons given and redeemed at the till. Screenshots go to
test-output/week-*.png for a person to look at."""
from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from sqlalchemy import select

from api.keys import create_key
from rewards.models import Coupon
from worker.runner import run_due

from ..console.conftest import PASSWORD, create_staff
from ..console.people import add_member, add_order
from .test_broadcast_images_page import poster, upload
from .test_chat_page import OUT, running_bot

pytestmark = pytest.mark.browser


def log_in(page, base):
    page.goto(base + "/console/login")
    page.fill("input[name=email]", "week@shop.example")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(base + "/console/")


def test_the_marketers_week(database_url, clock, browser_page):
    page = browser_page
    page.on("dialog", lambda dialog: dialog.accept())
    OUT.mkdir(exist_ok=True)
    with running_bot(database_url, clock) as (app, sim):
        rt = app.extensions["bot"]
        now = clock.now()
        with rt.db.session() as s:
            fans = [add_member(s, now - timedelta(days=10 + k), name=f"咖啡迷{k}", tags=["coffee"]) for k in range(60)]
            for k, m in enumerate(fans[:20]):
                add_order(s, m, 300 + 20 * k, now - timedelta(days=k + 1))
            for k in range(10):
                add_member(s, now - timedelta(days=5 + k), name=f"路人{k}")
        create_staff(app, "week@shop.example", "marketer")
        run_due(app, now)
        base = rt.config.BOT_PUBLIC_URL

        # Monday: the dashboard
        log_in(page, base)
        page.wait_for_selector(".chart svg")
        page.screenshot(path=str(OUT / "week-1-dashboard.png"), full_page=True)

        # a segment of the coffee lovers
        page.goto(base + "/console/segments/new")
        page.fill("input[name=tags]", "coffee")
        expect = pytest.importorskip("playwright.sync_api").expect
        expect(page.locator("#audience-count")).to_have_text("60")
        page.fill("input[name=name]", "咖啡迷 Coffee lovers")
        page.click("button[name=what][value=save]")
        page.wait_for_selector("text=分眾已儲存")
        page.screenshot(path=str(OUT / "week-2-segment.png"), full_page=True)

        # an A/B broadcast to it: a picture card, a 20% hold-out, a coupon
        page.click("text=對此分眾推播")
        page.fill("input[name=name]", "冬季咖啡 A/B")
        page.fill("input[name=holdout_pct]", "20")
        page.select_option("select[name=message_type]", "button")
        page.fill("textarea[name=text_zh]", "{name}，冬季限定熱拿鐵上市！")
        page.fill("textarea[name=text_en]", "{name}, our winter latte is here!")
        upload(page, "input[name=image_file]", "latte.png", poster("#6f4e37", "WINTER LATTE"))
        page.fill("input[name=button_label_zh]", "看菜單")
        page.fill("input[name=button_label_en]", "See the menu")
        page.fill("input[name=button_url]", "https://shop.example/menu")
        page.click("#coupon summary")
        page.fill("input[name=coupon_value]", "50")
        page.fill("input[name=coupon_days]", "14")
        page.fill("input[name=coupon_title_zh]", "熱拿鐵折價券")
        page.fill("input[name=coupon_title_en]", "Latte coupon")
        page.click("#ab-test summary")
        page.fill("input[name=variant_A_share]", "50")
        page.fill("input[name=variant_B_share]", "50")
        page.fill("textarea[name=variant_B_text_zh]", "{name}，第二杯半價，只到週日！")
        page.fill("textarea[name=variant_B_text_en]", "{name}, half price on your second cup, until Sunday!")
        page.click("text=儲存並預覽")
        page.wait_for_selector("#preview .phone")
        split = page.inner_text("#split")
        assert "12 held out" in split and "版本 A: 24" in split and "版本 B: 24" in split
        assert all(page.eval_on_selector_all("#preview img", "els => els.map(e => e.naturalWidth > 0)"))
        assert "熱拿鐵折價券" in page.inner_text("#preview")
        page.screenshot(path=str(OUT / "week-3-broadcast.png"), full_page=True)
        page.click("button[name=what][value=send_now]")
        page.wait_for_selector("text=即將送出")
        run_due(app, clock.now())

        # during the week: members open it on their phones, some tap, one uses the coupon at the till
        sent_to = [u for u in sim.platform.units.sent.get(next(iter(sim.platform.units.sent)), set())]
        units = sorted(sim.platform.units.sent)
        assert [u.rsplit("_", 1)[1] for u in units] == ["A", "B"]
        for unit in units:
            for user in sorted(sim.platform.units.sent[unit])[:21]:
                sim.platform.units.open_chat(user)
        assert sent_to
        with rt.db.session() as s:
            code = s.scalars(select(Coupon.code).where(Coupon.kind == "campaign")).first()
            _row, key = create_key(s, f"pos-{uuid.uuid4().hex[:8]}", clock.now())
        redeemed = app.test_client().post(f"/api/v1/coupons/{code}/redeem", json={"channel": "store"},
                                          headers={"Authorization": "Bearer " + key})
        assert redeemed.status_code == 200
        clock.advance(timedelta(days=2))
        run_due(app, clock.now())

        # Friday: the results, with LINE's opens
        log_in(page, base)
        page.goto(base + "/console/broadcasts")
        page.click("text=冬季咖啡 A/B")
        page.wait_for_selector("#ab-results")
        assert page.inner_text("#coupons-issued").strip() == "48"
        assert page.inner_text("#coupons-redeemed").strip().startswith("1")
        for key_ in ("A", "B"):
            row = page.inner_text(f"#variant-{key_}-result")
            assert "21" in row and "Too few recipients to tell" in row
        assert "Too few recipients to tell" in page.inner_text("#earned-verdict")
        page.screenshot(path=str(OUT / "week-4-results.png"), full_page=True)
        page.locator("#earned").screenshot(path=str(OUT / "week-4-results-card.png"))
        assert sim.platform.errors() == []
