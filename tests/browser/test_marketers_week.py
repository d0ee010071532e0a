"""The marketer's week in Chromium, against the real bot and the LINE simulator: the dashboard, a
segment, an A/B broadcast with an uploaded picture, a hold-out and a campaign coupon, then its results
with LINE's opens per variant, the coupons given and redeemed at the till; a journey step with a coupon
(refused once, kept as typed, then saved and edited), its preview and a test send to the marketer's own
LINE; and the inbox: a member's 1:1 chat, a canned reply, handing back to the bot. What LINE received is
read from the simulator. Screenshots go to test-output/week-*.png for a person to look at."""
from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from sqlalchemy import select

from api.keys import create_key
from messaging import journey
from rewards.models import Coupon, Member
from worker.runner import run_due

from ..console.conftest import create_staff
from ..console.test_browser import log_in
from ..console.people import add_member, add_order
from .test_ab_test_page import half_and_half
from .test_broadcast_images_page import poster, upload
from .test_chat_page import OUT, running_bot

pytestmark = pytest.mark.browser




def test_the_marketers_week(database_url, clock, console_page):
    page = console_page
    with running_bot(database_url, clock) as (app, sim):
        rt = app.extensions["bot"]
        now = clock.now()
        with rt.db.session() as s:
            fans = [add_member(s, now - timedelta(days=10 + k), name=f"咖啡迷{k}", tags=["coffee"]) for k in range(60)]
            for k, m in enumerate(fans[:20]):
                add_order(s, m, 300 + 20 * k, now - timedelta(days=k + 1))
            for k in range(10):
                add_member(s, now - timedelta(days=5 + k), name=f"路人{k}")
        own_line = "U" + uuid.uuid4().hex  # the marketer's own LINE account, linked for test sends
        create_staff(app, "week@shop.example", "marketer", line_user_id=own_line)
        run_due(app, now)
        base = rt.config.BOT_PUBLIC_URL

        # Monday: the dashboard
        log_in(page, base, "week@shop.example")
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
        half_and_half(page, "{name}，第二杯半價，只到週日！", "{name}, half price on your second cup, until Sunday!")
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
        log_in(page, base, "week@shop.example")
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

        # the next Monday: a welcome journey step with a coupon
        page.goto(base + "/console/journey")
        form = page.locator("#new-step")
        form.locator("input[name=delay_days]").fill("3")
        form.locator("textarea[name=text_zh]").fill("{name}，加入三天了，送您一張新朋友券！")
        form.locator("textarea[name=text_en]").fill("{name}, three days in: a coupon for you!")
        form.locator("#coupon-new summary").click()
        form.locator("input[name=coupon_value]").fill("60")
        form.locator("input[name=coupon_days]").fill("7")
        form.locator("input[name=coupon_limit]").fill("100")
        form.locator("input[name=coupon_title_en]").fill("Newcomer coupon")  # a slip: no Chinese title
        form.locator("button[type=submit]").click()
        page.wait_for_selector("#problems")
        problems = page.inner_text("#problems")
        assert "請填寫優惠券名稱（中文）" in problems and "The coupon needs a Chinese title" in problems
        assert page.input_value("#new-step input[name=coupon_value]") == "60"  # everything kept as typed
        assert page.input_value("#new-step input[name=coupon_title_en]") == "Newcomer coupon"
        assert page.input_value("#new-step textarea[name=text_zh]") == "{name}，加入三天了，送您一張新朋友券！"
        page.screenshot(path=str(OUT / "week-5-journey-refused.png"), full_page=True)
        page.fill("#new-step input[name=coupon_title_zh]", "新朋友券")
        page.click("#new-step button[type=submit]")
        page.wait_for_selector("text=步驟已儲存")
        with rt.db.session() as s:
            (step,) = journey.steps(s)
            step_id = step.id
        # edited: the coupon is worth more
        page.click(f"#edit-{step_id} summary")
        page.fill(f"#edit-{step_id} input[name=coupon_value]", "80")
        page.click(f"#edit-{step_id} button[type=submit]")
        page.wait_for_selector("text=步驟已儲存")
        with rt.db.session() as s:
            coupon = s.get(journey.JourneyStep, step_id).coupon
        assert (coupon["value"], coupon["days"], coupon["limit"]) == (80, 7, 100)
        # the preview: the message and the coupon with the sample code, in both languages
        page.click(f"#preview-{step_id} summary")
        preview = page.inner_text(f"#preview-{step_id}")
        assert "陳小華，加入三天了" in preview and "新朋友券" in preview and "Newcomer coupon" in preview
        assert "SAMPLE000000" in preview and "NT$80" in preview
        page.locator(f"#preview-{step_id}").screenshot(path=str(OUT / "week-6-journey-preview.png"))
        # a test send to the marketer's own LINE
        page.click(f"#preview-{step_id} .step-test button")
        page.wait_for_selector("text=測試訊息已排入")
        run_due(app, clock.now())
        got = [d["message"].get("text", "") for d in sim.platform.delivered(own_line)]
        assert any("陳小華，加入三天了" in t for t in got), got
        assert any("SAMPLE000000" in t and "新朋友券" in t and "NT$80" in t for t in got), got
        with rt.db.session() as s:  # a test send gives no real coupon
            assert not s.scalars(select(Coupon).where(Coupon.uniqueness_key.like(f"campaign:js{step_id}:%"))).all()
        page.screenshot(path=str(OUT / "week-7-journey.png"), full_page=True)

        # the inbox: a 1:1 chat with a coffee lover, a canned reply, then back to the bot
        with rt.db.session() as s:
            fan = s.scalars(select(Member).where(Member.display_name == "咖啡迷0")).one()
            fan_code, fan_name, fan_line = fan.member_code, fan.display_name, fan.line_user_id
        page.goto(base + f"/console/members/{fan_code}")
        page.click("#open-chat")
        page.wait_for_selector("#reply-form")
        page.fill("#canned-form input[name=title]", "營業時間 Hours")
        page.fill("#canned-form textarea[name=canned_text]", "我們每天 8:00 到 20:00 營業，歡迎來坐坐。")
        page.click("#canned-form button")
        page.wait_for_selector(".flash-ok")
        page.select_option("#canned-pick", label="營業時間 Hours")
        assert page.input_value("#reply-text") == "我們每天 8:00 到 20:00 營業，歡迎來坐坐。"
        page.click("#reply-form button[type=submit]")
        page.wait_for_selector(".flash-ok")
        assert "真人客服中" in page.inner_text("#chat-state")
        chat_url = page.url
        page.goto(base + "/console/inbox")
        assert fan_name in page.inner_text("main")  # the open chat is in the inbox
        page.screenshot(path=str(OUT / "week-8-inbox.png"), full_page=True)
        page.goto(chat_url)
        page.click("#hand-back")
        page.wait_for_selector(".flash-ok")
        assert "小幫手回覆中" in page.inner_text("#chat-state")
        run_due(app, clock.now())
        told = [d["message"] for d in sim.platform.delivered(fan_line)]
        assert {"type": "text", "text": "我們每天 8:00 到 20:00 營業，歡迎來坐坐。"} in told
        assert any("接下來由小幫手為您服務" in str(m.get("text")) for m in told)
        page.screenshot(path=str(OUT / "week-9-handed-back.png"), full_page=True)
        assert sim.platform.errors() == []
