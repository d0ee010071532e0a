"""Drawing the menus: LINE's sizes and limits, both languages on every button, Chinese that shows."""
from __future__ import annotations

import io
from pathlib import Path

import pytest
from PIL import Image

from bot.richmenu import menus as rich_menus
from bot.richmenu.image import MAX_BYTES, FontError, installed_cjk_font, load_font, missing_glyphs
from bot.texts import text

FONT = installed_cjk_font() or "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"
DEJAVU = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")


@pytest.mark.parametrize("lay", rich_menus.LAYOUTS, ids=lambda lay: lay.name)
def test_images_are_pngs_of_line_sizes_under_a_megabyte(lay):
    png = rich_menus.menu_image(lay, FONT)
    image = Image.open(io.BytesIO(png))
    assert image.format == "PNG"
    assert image.size == lay.size and image.size in ((2500, 1686), (2500, 843))
    assert len(png) <= MAX_BYTES


def test_the_default_font_draws_every_label_in_both_languages():
    font = load_font(FONT, 100)
    labels = "".join(text(b.label_key, language) for lay in rich_menus.LAYOUTS for b in lay.buttons
                     for language in ("zh-TW", "en"))
    assert missing_glyphs(font, labels) == ""
    assert missing_glyphs(font, "會員卡") == ""


def test_a_missing_font_is_a_clear_error():
    with pytest.raises(FontError) as err:
        rich_menus.menu_image(rich_menus.layout("member"), "/nowhere/font.ttc")
    assert "BOT_FONT_PATH" in str(err.value) and "fonts-wqy-microhei" in str(err.value)


@pytest.mark.skipif(not DEJAVU.exists(), reason="needs a font without Chinese glyphs")
def test_a_font_without_chinese_glyphs_is_refused_rather_than_drawing_boxes():
    assert missing_glyphs(load_font(str(DEJAVU), 100), "會員卡 Member card") == "卡員會"
    with pytest.raises(FontError, match="no glyphs"):
        rich_menus.menu_image(rich_menus.layout("member"), str(DEJAVU))


def test_each_button_shows_ink_where_its_labels_are():
    lay = rich_menus.layout("member")
    image = Image.open(io.BytesIO(rich_menus.menu_image(lay, FONT))).convert("L")
    for x, y, w, h in rich_menus.cells(lay):
        title_band = image.crop((x, y + int(h * 0.6), x + w, y + int(h * 0.76)))
        subtitle_band = image.crop((x, y + int(h * 0.78), x + w, y + int(h * 0.9)))
        assert title_band.getextrema()[0] < 80, "dark Chinese label drawn"
        assert subtitle_band.getextrema()[0] < 160, "English label drawn"


@pytest.mark.parametrize("lay", rich_menus.LAYOUTS, ids=lambda lay: lay.name)
def test_buttons_tile_the_menu_and_send_postbacks_labelled_in_both_languages(lay):
    request = rich_menus.menu_request(lay)
    width, height = lay.size
    assert request["size"] == {"width": width, "height": height}
    assert len(request["chatBarText"]) <= 14 and len(request["name"]) <= 300
    assert sum(a["bounds"]["width"] * a["bounds"]["height"] for a in request["areas"]) == width * height
    for area, button in zip(request["areas"], lay.buttons):
        b = area["bounds"]
        assert 0 <= b["x"] and b["x"] + b["width"] <= width and 0 <= b["y"] and b["y"] + b["height"] <= height
        action = area["action"]
        assert action["type"] == "postback" and action["data"] == f"action={button.action}"
        assert text(button.label_key, "zh-TW") in action["label"] and text(button.label_key, "en") in action["label"]
        assert len(action["label"]) <= 20


def test_the_menus_offer_what_the_issue_asks():
    actions = {lay.name: [b.action for b in lay.buttons] for lay in rich_menus.LAYOUTS}
    unverified = ["member_card", "points", "coupons", "rewards", "verify_phone", "help"]
    verified = ["member_card", "points", "coupons", "rewards", "news", "help"]
    assert actions == {"visitor": ["join", "about", "help"], "member": unverified, "gold": unverified,
                       "member_phone": verified, "gold_phone": verified}


def test_without_any_cjk_font_the_menus_get_icons_and_english_labels(monkeypatch):
    from bot.richmenu import image as rich_menu_image

    monkeypatch.setattr(rich_menu_image, "installed_cjk_font", lambda: None)
    png = rich_menus.menu_image(rich_menus.layout("member"), "")
    image = Image.open(io.BytesIO(png))
    assert image.size == (2500, 1686)
    assert "English labels" in rich_menu_image.describe_font("")


def test_an_unset_font_path_finds_an_installed_cjk_font_through_fontconfig():
    from bot.richmenu import image as rich_menu_image

    found = rich_menu_image.installed_cjk_font()
    if found is None:
        pytest.skip("no CJK font installed here")
    assert missing_glyphs(load_font(found, 60), "會員卡") == ""
    assert found in rich_menu_image.describe_font("")
