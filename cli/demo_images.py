"""The demo content library's pictures, drawn by the project (Pillow): `flask --app app demo draw-images`.

Each is a flat illustration in the 20:13 shape of a LINE news card's hero: a gradient, a motif for the
item (a cup, beans, a leaf, a book, cloth, a jar), kept as PNG in content/library/images/.
"""
from __future__ import annotations

import math
from pathlib import Path

from PIL import Image, ImageDraw

SIZE = (1040, 676)
INK = (255, 255, 255)

# slug: (motif, top colour, bottom colour, accent)
PICTURES = {
    "ethiopia-natural-arrival": ("beans", (122, 62, 36), (196, 120, 62), (255, 214, 160)),
    "linen-care": ("cloth", (150, 170, 160), (214, 222, 210), (96, 120, 110)),
    "oolong-cold-brew": ("leaf", (46, 110, 84), (150, 200, 150), (236, 246, 220)),
    "our-roastery-story": ("roaster", (64, 48, 40), (150, 110, 80), (240, 200, 140)),
    "pour-over-basics": ("dripper", (70, 100, 140), (170, 200, 220), (250, 240, 225)),
    "storing-coffee-beans": ("jar", (90, 70, 60), (200, 170, 140), (110, 70, 40)),
    "weekend-reading-corner": ("book", (180, 90, 70), (240, 190, 150), (255, 250, 240)),
    "yingge-ceramic-cups": ("cups", (40, 90, 120), (130, 180, 200), (236, 228, 210)),
}


def _gradient(top, bottom) -> Image.Image:
    w, h = SIZE
    image = Image.new("RGB", SIZE, top)
    draw = ImageDraw.Draw(image)
    for y in range(h):
        t = y / (h - 1)
        draw.line([(0, y), (w, y)], fill=tuple(round(a + (b - a) * t) for a, b in zip(top, bottom)))
    return image


def _bean(draw, cx, cy, r, angle, fill, line):
    points = [(cx + r * 0.7 * math.cos(a) * math.cos(angle) - r * math.sin(a) * math.sin(angle),
               cy + r * 0.7 * math.cos(a) * math.sin(angle) + r * math.sin(a) * math.cos(angle))
              for a in (i * math.pi / 24 for i in range(48))]
    draw.polygon(points, fill=fill)
    draw.line([(cx - r * 0.6 * math.sin(angle) * -1, cy - r * 0.6 * math.cos(angle)),
               (cx + r * 0.6 * math.sin(angle) * -1, cy + r * 0.6 * math.cos(angle))], fill=line, width=max(3, r // 8))


def _cup(draw, cx, cy, s, body, rim):
    draw.rounded_rectangle((cx - s, cy - s * 0.7, cx + s, cy + s * 0.8), radius=s // 3, fill=body)
    draw.ellipse((cx + s * 0.75, cy - s * 0.35, cx + s * 1.45, cy + s * 0.4), outline=body, width=max(6, s // 6))
    draw.ellipse((cx - s, cy - s * 0.85, cx + s, cy - s * 0.5), fill=rim)


def draw_picture(slug: str) -> Image.Image:
    motif, top, bottom, accent = PICTURES[slug]
    image = _gradient(top, bottom)
    draw = ImageDraw.Draw(image)
    w, h = SIZE
    cx, cy = w // 2, h // 2
    if motif == "beans":
        for i, (dx, dy, a) in enumerate([(-220, -60, 0.4), (-60, 40, -0.3), (110, -70, 0.9), (250, 60, 0.1),
                                         (-300, 140, -0.8), (20, 180, 0.6), (300, -170, -0.4)]):
            _bean(draw, cx + dx, cy + dy, 70 + (i % 3) * 12, a, accent, top)
    elif motif == "cloth":
        for i in range(4):
            y = cy - 150 + i * 90
            draw.rounded_rectangle((cx - 300 + i * 20, y, cx + 300 - i * 20, y + 120), radius=24,
                                   fill=tuple(min(255, c + 20 * i) for c in accent))
            draw.line([(cx - 280 + i * 20, y + 60), (cx + 280 - i * 20, y + 60)], fill=bottom, width=4)
    elif motif == "leaf":
        draw.rounded_rectangle((cx - 120, cy - 220, cx + 120, cy + 230), radius=40, fill=(230, 240, 235))
        draw.rectangle((cx - 110, cy - 40, cx + 110, cy + 220), fill=(196, 150, 60))
        draw.ellipse((cx - 60, cy - 190, cx + 200, cy - 60), fill=accent)
        draw.line([(cx - 40, cy - 110), (cx + 170, cy - 140)], fill=top, width=6)
    elif motif == "roaster":
        draw.rounded_rectangle((cx - 260, cy - 120, cx + 160, cy + 180), radius=60, fill=accent)
        draw.ellipse((cx - 200, cy - 80, cx + 80, cy + 140), fill=top)
        draw.rectangle((cx + 150, cy - 40, cx + 300, cy + 10), fill=accent)
        draw.rectangle((cx - 80, cy - 260, cx - 20, cy - 120), fill=accent)
    elif motif == "dripper":
        draw.polygon([(cx - 170, cy - 200), (cx + 170, cy - 200), (cx + 50, cy - 20), (cx - 50, cy - 20)], fill=accent)
        draw.rectangle((cx - 200, cy - 30, cx + 200, cy), fill=accent)
        _cup(draw, cx, cy + 130, 130, (250, 250, 250), top)
        for i in range(3):
            draw.ellipse((cx - 8, cy + 20 + i * 30, cx + 8, cy + 44 + i * 30), fill=(120, 80, 50))
    elif motif == "jar":
        draw.rounded_rectangle((cx - 170, cy - 170, cx + 170, cy + 240), radius=50, fill=(235, 235, 230))
        draw.rectangle((cx - 190, cy - 240, cx + 190, cy - 170), fill=accent)
        for i in range(12):
            _bean(draw, cx - 120 + (i % 4) * 80, cy + 40 + (i // 4) * 60, 34, 0.5 * (i % 3), accent, (235, 235, 230))
    elif motif == "book":
        draw.polygon([(cx - 340, cy - 160), (cx, cy - 120), (cx, cy + 200), (cx - 340, cy + 160)], fill=accent)
        draw.polygon([(cx + 340, cy - 160), (cx, cy - 120), (cx, cy + 200), (cx + 340, cy + 160)], fill=accent)
        for i in range(5):
            y = cy - 90 + i * 50
            draw.line([(cx - 300, y - 30), (cx - 40, y)], fill=bottom, width=6)
            draw.line([(cx + 40, y), (cx + 300, y - 30)], fill=bottom, width=6)
    elif motif == "cups":
        for i, dx in enumerate((-260, 0, 260)):
            glaze = (accent, (90, 150, 140), (200, 120, 90))[i]
            draw.polygon([(cx + dx - 100, cy - 100), (cx + dx + 100, cy - 100), (cx + dx + 70, cy + 130),
                          (cx + dx - 70, cy + 130)], fill=glaze)
            draw.ellipse((cx + dx - 100, cy - 125, cx + dx + 100, cy - 75), fill=top)
    return image


def draw_all(folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for slug in PICTURES:
        path = folder / f"{slug}.png"
        draw_picture(slug).quantize(64).save(path, "PNG", optimize=True)
        written.append(path)
    return written
