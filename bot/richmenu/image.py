"""Drawing a rich menu image: a grid of buttons, each an icon with its label in two languages.

The font must have Chinese glyphs (Pillow's own has none and would draw boxes). BOT_FONT_PATH names
one (a missing file or a font without the labels' characters is then an error that says what to
install); unset, any installed CJK font is found through fontconfig (`fc-list :lang=zh`), and with
none at all the menus are drawn with their icons and English labels only, so there is always a menu.
"""
from __future__ import annotations

import io
import shutil
import subprocess
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

from .icons import ICONS

MAX_BYTES = 1024 * 1024  # LINE refuses larger rich menu images
BACKGROUND = "#FBF7F0"
TILE = "#FFFFFF"
TITLE_INK = "#2B2622"
SUBTITLE_INK = "#6E655C"
ICON_INK = "#FFFFFF"
# a character surely absent from any font: what the font draws for it is its "missing glyph" box
_NO_SUCH_CHARACTER = "\U0010fffd"


class FontError(RuntimeError):
    """The configured font cannot draw the menu's labels."""


@dataclass(frozen=True)
class ButtonFace:
    box: tuple[int, int, int, int]  # x, y, width, height in the image
    title: str  # Chinese label, large
    subtitle: str  # English label, below
    icon: str  # a name in rich_menu_icons.ICONS
    accent: str  # the badge colour behind the icon


FONT_SUFFIXES = (".ttc", ".ttf", ".otf")
INSTALL_HINT = "apt-get install fonts-wqy-microhei (or fonts-noto-cjk)"


@lru_cache(maxsize=1)
def installed_cjk_font() -> str | None:
    """The file of an installed font with Chinese glyphs, found through fontconfig; None without one."""
    if shutil.which("fc-list") is None:
        return None
    try:
        listing = subprocess.run(["fc-list", ":lang=zh", "file"], capture_output=True, text=True, timeout=10,
                                 check=False).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    files = sorted({line.split(":", 1)[0].strip() for line in listing.splitlines()})
    return next((f for f in files if f.lower().endswith(FONT_SUFFIXES) and Path(f).is_file()), None)


def font_for_menus(configured: str) -> str | None:
    """The font file the menus are drawn with: BOT_FONT_PATH when set, else an installed CJK font, else None
    (icons and English labels only)."""
    return configured or installed_cjk_font()


def describe_font(configured: str) -> str:
    """One line for the operator: which labels the menus get and from which font."""
    path = font_for_menus(configured)
    if path:
        return f"Chinese and English labels (font {path})"
    return f"icons and English labels only: no CJK font found ({INSTALL_HINT} for Chinese labels)"


def load_font(path: str, size: int) -> ImageFont.FreeTypeFont:
    if not path or not Path(path).is_file():
        raise FontError(
            f"no font file at {path!r}: rich menu labels need a font with Chinese glyphs. Install one "
            "(Debian/Ubuntu: apt-get install fonts-wqy-microhei, or fonts-noto-cjk) or set BOT_FONT_PATH "
            "to a .ttf/.ttc/.otf file that has them.")
    try:
        return _font(path, size)
    except OSError as exc:
        raise FontError(f"{path!r} is not a font Pillow can read ({exc}); "
                        "set BOT_FONT_PATH to a .ttf/.ttc/.otf") from None


@lru_cache(maxsize=16)
def _font(path: str, size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(path, size)


def missing_glyphs(font: ImageFont.FreeTypeFont, text: str) -> str:
    """The characters of `text` the font would draw as its missing-glyph box."""
    box = bytes(font.getmask(_NO_SUCH_CHARACTER))
    return "".join(sorted({ch for ch in text if not ch.isspace() and bytes(font.getmask(ch)) == box}))


def draw_menu(size: tuple[int, int], buttons: list[ButtonFace], font_path: str) -> bytes:
    """The menu as PNG bytes (at most 1 MB). `font_path` "" finds a CJK font or draws English labels only."""
    title_size = round(min(b.box[3] for b in buttons) * 0.14)
    font_path = font_for_menus(font_path)
    if font_path is None:
        title_font = ImageFont.load_default(title_size)
        buttons = [ButtonFace(b.box, b.subtitle, "", b.icon, b.accent) for b in buttons]
        subtitle_font = title_font
    else:
        title_font = load_font(font_path, title_size)
        subtitle_font = load_font(font_path, round(title_font.size * 0.62))
        labels = "".join(b.title + b.subtitle for b in buttons)
        missing = missing_glyphs(title_font, labels)
        if missing:
            raise FontError(f"the font at {font_path!r} has no glyphs for {missing!r}; set BOT_FONT_PATH to a font "
                            "with Chinese glyphs (e.g. fonts-wqy-microhei or fonts-noto-cjk)")
    image = Image.new("RGB", size, BACKGROUND)
    draw = ImageDraw.Draw(image)
    for button in buttons:
        _draw_button(draw, button, title_font, subtitle_font)
    out = io.BytesIO()
    image.save(out, "PNG", optimize=True)
    png = out.getvalue()
    if len(png) > MAX_BYTES:
        raise ValueError(f"rich menu image is {len(png)} bytes; LINE takes at most {MAX_BYTES}")
    return png


def _draw_button(draw: ImageDraw.ImageDraw, button: ButtonFace, title_font, subtitle_font) -> None:
    x, y, w, h = button.box
    margin = round(min(w, h) * 0.04)
    draw.rounded_rectangle((x + margin, y + margin, x + w - margin, y + h - margin), radius=margin * 2, fill=TILE)
    cx = x + w / 2
    r = h * 0.2
    cy = y + h * 0.34
    draw.ellipse((cx - r, cy - r, cx + r, cy + r), fill=button.accent)
    ICONS[button.icon](draw, cx, cy, r, ICON_INK, button.accent)
    draw.text((cx, y + h * 0.68), button.title, font=title_font, fill=TITLE_INK, anchor="mm")
    if button.subtitle:
        draw.text((cx, y + h * 0.84), button.subtitle, font=subtitle_font, fill=SUBTITLE_INK, anchor="mm")
