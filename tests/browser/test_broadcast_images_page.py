"""A marketer uploads pictures in the broadcast composer in a real browser (Chromium): an image card
with a button, then a carousel of three cards; the preview shows the pictures (served by the bot at
BOT_PUBLIC_URL/media/), both languages; a refused form keeps everything as entered. Screenshots go to
test-output/."""
from __future__ import annotations

import io
from datetime import timedelta

import pytest
from PIL import Image, ImageDraw
from sqlalchemy import select

from insights.models import Segment
from messaging.models import Broadcast

from ..console.conftest import PASSWORD, create_staff
from ..console.people import add_member
from .test_chat_page import OUT, running_bot

pytestmark = pytest.mark.browser


def poster(colour: str, words: str, size=(1600, 1000)) -> bytes:
    img = Image.new("RGB", size, colour)
    draw = ImageDraw.Draw(img)
    draw.rectangle((80, 80, size[0] - 80, size[1] - 80), outline="white", width=24)
    draw.text((160, 160), words, fill="white", font_size=160)
    out = io.BytesIO()
    img.save(out, "PNG")
    return out.getvalue()


def upload(page, selector: str, name: str, data: bytes) -> None:
    page.set_input_files(selector, files=[{"name": name, "mimeType": "image/png", "buffer": data}])


def images_loaded(page, scope: str) -> list[int]:
    return page.eval_on_selector_all(scope + " img", "els => els.map(e => e.complete ? e.naturalWidth : 0)")


def shop(app, clock):
    rt = app.extensions["bot"]
    now = clock.now()
    with rt.db.session() as s:
        add_member(s, now - timedelta(days=30), name="王小明", tags=["vip"])
        add_member(s, now - timedelta(days=20), name="Amy Chen", language="en", tags=["vip"])
        s.add(Segment(name="VIP", definition={"tags": ["vip"]}, created_by="t", created_at=now, updated_at=now))
    create_staff(app, "pics@shop.example", "marketer")


def test_a_marketer_uploads_pictures_and_sees_them_in_the_preview(database_url, clock, console_page):
    page = console_page
    with running_bot(database_url, clock) as (app, sim):
        shop(app, clock)
        base = app.extensions["bot"].config.BOT_PUBLIC_URL
        page.goto(base + "/console/login")
        page.fill("input[name=email]", "pics@shop.example")
        page.fill("input[name=password]", PASSWORD)
        page.click("button[type=submit]")

        # an image card with a button; first with a mistake: everything stays as typed
        page.goto(base + "/console/broadcasts/new")
        page.fill("input[name=name]", "夏季特賣")
        page.select_option("select[name=segment_id]", label="VIP")
        page.fill("input[name=holdout_pct]", "50")
        page.select_option("select[name=message_type]", "button")
        page.fill("textarea[name=text_zh]", "{name}，夏季特賣開跑！")
        page.fill("textarea[name=text_en]", "{name}, the summer sale is on!")
        upload(page, "input[name=image_file]", "summer.png", poster("#e4572e", "SUMMER SALE"))
        page.fill("input[name=button_label_zh]", "立即選購")
        page.fill("input[name=button_label_en]", "Shop now")
        page.fill("input[name=button_url]", "http://shop.example/sale")  # not https
        page.click("text=儲存並預覽")
        page.wait_for_selector("#problems")
        assert page.input_value("input[name=holdout_pct]") == "50"
        assert page.input_value("input[name=button_label_zh]") == "立即選購"
        assert page.input_value("input[name=image_url]").endswith(".o.jpg")  # the upload is kept
        problems = page.inner_text("#problems")
        assert "https" in problems and "button_url" not in problems
        page.screenshot(path=str(OUT / "broadcast-image-refused.png"), full_page=True)
        page.fill("input[name=button_url]", "https://shop.example/sale")
        page.click("text=儲存並預覽")
        page.wait_for_selector("#preview .phone")
        loaded = images_loaded(page, "#preview")
        assert len(loaded) == 2 and all(w == 1024 for w in loaded), loaded  # resized to LINE's 1024 px
        assert "王小明，夏季特賣開跑！" in page.inner_text("#preview")
        page.locator("#preview").screenshot(path=str(OUT / "broadcast-image-card.png"))

        # a carousel of three cards
        page.goto(base + "/console/broadcasts/new")
        page.fill("input[name=name]", "新品輪播")
        page.select_option("select[name=segment_id]", label="VIP")
        page.select_option("select[name=message_type]", "carousel")
        for i, (colour, zh, en) in enumerate((("#2e86ab", "冷萃咖啡", "Cold brew"), ("#3bb273", "抹茶拿鐵", "Matcha latte"),
                                              ("#7768ae", "藍莓貝果", "Blueberry bagel"))):
            if i:
                page.locator("details.card-fields summary").nth(i).click()
            upload(page, f"input[name=card_{i}_image_file]", f"c{i}.png", poster(colour, en.upper()))
            page.fill(f"input[name=card_{i}_title_zh]", zh)
            page.fill(f"input[name=card_{i}_title_en]", en)
            page.fill(f"input[name=card_{i}_text_zh]", "本週 8 折")
            page.fill(f"input[name=card_{i}_text_en]", "20% off this week")
            page.fill(f"input[name=card_{i}_label_zh]", "看看")
            page.fill(f"input[name=card_{i}_label_en]", "See it")
            page.fill(f"input[name=card_{i}_url]", f"https://shop.example/p/{i + 1}")
        page.click("text=儲存並預覽")
        page.wait_for_selector("#preview .carousel")
        assert page.locator("#preview .carousel").count() == 2
        assert page.locator("#preview .carousel .flexcard").count() == 6
        assert all(w == 1024 for w in images_loaded(page, "#preview .carousel"))
        assert "Matcha latte" in page.inner_text("#preview") and "抹茶拿鐵" in page.inner_text("#preview")
        page.screenshot(path=str(OUT / "broadcast-carousel.png"), full_page=True)
        page.locator("#preview").screenshot(path=str(OUT / "broadcast-carousel-preview.png"))

        page.click("button[name=what][value=send_now]")
        page.wait_for_selector("text=即將送出")
        with app.extensions["bot"].db.session() as s:
            b = s.scalar(select(Broadcast).where(Broadcast.name == "新品輪播"))
            assert b.status == "scheduled" and len(b.cards) == 3
        assert sim.platform.errors() == []
