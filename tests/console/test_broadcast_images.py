"""Pictures in broadcasts: JPEG/PNG uploads resized and compressed to LINE's limits, kept in the media
store and served at BOT_PUBLIC_URL/media/, an image, an image card with a button and a carousel sent
through the LINE simulator (which checks every call against LINE's OpenAPI spec)."""
from __future__ import annotations

import io
import re

from PIL import Image
from sqlalchemy import select

from messaging import images
from messaging.models import Broadcast
from worker.runner import run_due

from .test_broadcasts import audience, make_broadcast  # noqa: F401  (the fixture)


def picture(fmt: str, size=(1800, 1200), mode="RGB") -> io.BytesIO:
    """A noisy picture (noise compresses badly, so the 1 MB limit is really tested)."""
    img = Image.effect_noise(size, 90).convert(mode)
    if mode == "RGBA":
        img.putalpha(128)
    out = io.BytesIO()
    img.save(out, fmt, **({"quality": 100} if fmt == "JPEG" else {}))
    out.seek(0)
    return out


def test_a_big_png_becomes_a_jpeg_within_lines_limits():
    raw = picture("PNG", (1500, 1000), mode="RGBA").getvalue()
    assert len(raw) > images.MAX_BYTES
    p = images.prepare(raw)
    assert max(p.width, p.height) <= 1024 and len(p.original) <= 1024 * 1024
    with Image.open(io.BytesIO(p.original)) as img:
        assert img.format == "JPEG" and img.size == (1024, 683)
    with Image.open(io.BytesIO(p.preview)) as img:
        assert img.format == "JPEG" and max(img.size) <= 240 and len(p.preview) <= 1024 * 1024
    assert p.name.endswith(".o.jpg") and images.preview_url("https://x/m/" + p.name).endswith(".p.jpg")


def test_an_upload_that_is_not_a_jpeg_or_png_is_refused_in_both_languages():
    gif = io.BytesIO()
    Image.new("RGB", (10, 10)).save(gif, "GIF")
    for data in (b"not a picture", gif.getvalue()):
        try:
            images.prepare(data)
        except images.FieldErrors as exc:
            problem = exc.problems["image_file"]
            assert "JPEG" in problem and "PNG" in problem and re.search(r"[\u4e00-\u9fff]", problem)
        else:
            raise AssertionError("accepted")


def test_uploaded_pictures_go_out_as_an_image_a_card_and_a_carousel(app, login_as, audience, line, clock):  # noqa: F811
    people, segment_id = audience
    marketer = login_as("marketer")
    image = make_broadcast(marketer, segment_id, name="圖", message_type="image", text_zh="", text_en="",
                           image_file=(picture("JPEG"), "sale.jpg"))
    card = make_broadcast(marketer, segment_id, name="卡", message_type="button", button_label_zh="立即選購",
                          button_label_en="Shop now", button_url="https://shop.example/sale",
                          image_file=(picture("PNG", (800, 600), "RGBA"), "sale.png"))
    cards = {}
    for i in range(10):
        cards |= {f"card_{i}_image_file": (picture("JPEG", (1200, 900)), f"c{i}.jpg"), f"card_{i}_title_zh": f"商品 {i + 1}",
                  f"card_{i}_title_en": f"Item {i + 1}", f"card_{i}_text_zh": "限時 8 折", f"card_{i}_label_zh": "看看",
                  f"card_{i}_label_en": "See it", f"card_{i}_url": f"https://shop.example/p/{i + 1}"}
    carousel = make_broadcast(marketer, segment_id, name="輪播", message_type="carousel", text_zh="", text_en="", **cards)
    rt = app.extensions["bot"]
    with rt.db.session() as s:
        b = s.get(Broadcast, image)
        url = b.image_url
        assert url.startswith("https://bot.example.com/media/") and url.endswith(".o.jpg")
        stored = s.get(Broadcast, carousel).cards
        assert len(stored) == 10 and all(c["image_url"].endswith(".o.jpg") for c in stored)
    served = marketer.get(url[len("https://bot.example.com"):])
    assert served.status_code == 200 and served.mimetype == "image/jpeg" and len(served.data) <= 1024 * 1024
    assert marketer.get(images.preview_url(url)[len("https://bot.example.com"):]).status_code == 200
    assert marketer.get("/media/../../etc/passwd").status_code == 404
    page = marketer.get(f"/console/broadcasts/{carousel}").get_data(as_text=True)
    assert page.count('class="carousel"') == 2 and "商品 10" in page and "Item 10" in page  # both languages
    assert images.preview_url(url) in marketer.get(f"/console/broadcasts/{image}").get_data(as_text=True)

    for bid in (image, card, carousel):
        assert marketer.post(f"/console/broadcasts/{bid}", {"what": "send_now"}).status_code == 302
    run_due(app, clock.now())
    got = [d["message"] for d in line.delivered(people["wang"][1])]
    assert [m["type"] for m in got] == ["image", "flex"]  # the third is over the weekly cap of 2
    assert got[0]["originalContentUrl"] == url and got[0]["previewImageUrl"] == images.preview_url(url)
    assert got[1]["contents"]["hero"]["url"].endswith(".o.jpg")
    assert [d["message"]["type"] for d in line.delivered(people["amy"][1])] == ["image", "flex"]


def test_a_carousel_passes_lines_spec(app, login_as, audience, line, clock):  # noqa: F811
    people, segment_id = audience
    marketer = login_as("marketer")
    cards = {}
    for i in range(3):
        cards |= {f"card_{i}_image_file": (picture("PNG", (500, 500)), f"c{i}.png"), f"card_{i}_title_zh": f"商品 {i + 1}",
                  f"card_{i}_title_en": f"Item {i + 1}", f"card_{i}_label_zh": "看看", f"card_{i}_label_en": "See it",
                  f"card_{i}_url": f"https://shop.example/p/{i + 1}"}
    bid = make_broadcast(marketer, segment_id, name="輪播", message_type="carousel", text_zh="新品到貨",
                         text_en="New in", **cards)
    marketer.post(f"/console/broadcasts/{bid}", {"what": "send_now"})
    run_due(app, clock.now())
    for who, title in (("wang", "商品 1"), ("amy", "Item 1")):
        got = [d["message"] for d in line.delivered(people[who][1])]
        assert [m["type"] for m in got] == ["text", "flex"]
        bubbles = got[1]["contents"]["contents"]
        assert got[1]["contents"]["type"] == "carousel" and len(bubbles) == 3
        assert bubbles[0]["body"]["contents"][0]["text"] == title
        # each card's button goes through a short link (its clicks are counted)
        assert "/l/" in bubbles[0]["footer"]["contents"][0]["action"]["uri"]
    # (the `line` fixture fails the test if any call broke LINE's OpenAPI spec)


def test_a_refused_form_keeps_everything_as_entered(app, login_as, audience):  # noqa: F811
    _, segment_id = audience
    marketer = login_as("marketer")
    form = {"name": "夏季", "segment_id": str(segment_id), "message_type": "button", "text_zh": "夏天到了",
            "text_en": "Summer", "holdout_pct": "50", "button_label_zh": "選購", "button_url": "http://not-https",
            "image_file": (picture("JPEG", (600, 400)), "a.jpg"), "csrf_token": marketer.token()}
    response = marketer.client.post("/console/broadcasts", data=form)
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert 'name="holdout_pct" min="0" max="90" value="50"' in page
    assert "夏天到了" in page and 'value="選購"' in page and 'value="http://not-https"' in page
    uploaded = re.search(r'name="image_url" value="([^"]+\.o\.jpg)"', page)
    assert uploaded, "the uploaded picture is kept"
    assert "button_url" not in page.split('id="problems"')[1].split("</div>")[0]  # no field codes
    with app.extensions["bot"].db.session() as s:
        assert s.scalar(select(Broadcast.id)) is None
