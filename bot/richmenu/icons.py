"""Simple line icons for the rich menu buttons, drawn with Pillow shapes inside a round badge.

Each icon draws in `ink` on a badge of colour `badge`, centred on (cx, cy), `r` the badge radius.
"""
from __future__ import annotations

import math
from typing import Callable

from PIL import ImageDraw

Icon = Callable[[ImageDraw.ImageDraw, float, float, float, str, str], None]


def _width(r: float) -> int:
    return max(4, round(r * 0.09))


def card(d, cx, cy, r, ink, badge):
    w, h, line = r * 1.2, r * 0.8, _width(r)
    d.rounded_rectangle((cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2), radius=r * 0.12, outline=ink, width=line)
    d.rectangle((cx - w / 2, cy - h * 0.22, cx + w / 2, cy - h * 0.05), fill=ink)  # magnetic stripe
    d.rectangle((cx - w * 0.36, cy + h * 0.12, cx - w * 0.04, cy + h * 0.28), fill=ink)  # name line


def coin(d, cx, cy, r, ink, badge):
    outer, line = r * 0.6, _width(r)
    d.ellipse((cx - outer, cy - outer, cx + outer, cy + outer), outline=ink, width=line)
    points = []
    for i in range(10):  # a five-pointed star
        radius = outer * (0.62 if i % 2 == 0 else 0.26)
        angle = -math.pi / 2 + i * math.pi / 5
        points.append((cx + radius * math.cos(angle), cy + radius * math.sin(angle)))
    d.polygon(points, fill=ink)


def ticket(d, cx, cy, r, ink, badge):
    w, h = r * 1.3, r * 0.8
    d.rounded_rectangle((cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2), radius=r * 0.08, fill=ink)
    notch = h * 0.2
    for x in (cx - w / 2, cx + w / 2):  # bites out of both sides
        d.ellipse((x - notch, cy - notch, x + notch, cy + notch), fill=badge)
    dash, x = h * 0.1, cx + w * 0.18
    y = cy - h / 2 + dash
    while y < cy + h / 2 - dash:  # the tear-off line
        d.rectangle((x - dash * 0.3, y, x + dash * 0.3, y + dash), fill=badge)
        y += dash * 2


def gift(d, cx, cy, r, ink, badge):
    w, line = r * 1.1, _width(r)
    top = cy - r * 0.2
    d.rectangle((cx - w / 2, top, cx + w / 2, cy + r * 0.55), outline=ink, width=line)  # box
    d.rectangle((cx - w * 0.58, top - r * 0.22, cx + w * 0.58, top), fill=ink)  # lid
    d.rectangle((cx - line, top - r * 0.22, cx + line, cy + r * 0.55), fill=ink)  # ribbon
    loop = r * 0.22
    for side in (-1, 1):  # the bow
        d.ellipse((cx + side * loop * 1.1 - loop, top - r * 0.22 - loop * 1.6,
                   cx + side * loop * 1.1 + loop, top - r * 0.22), outline=ink, width=line)


def megaphone(d, cx, cy, r, ink, badge):
    line = _width(r)
    d.polygon([(cx - r * 0.55, cy - r * 0.18), (cx + r * 0.15, cy - r * 0.5), (cx + r * 0.15, cy + r * 0.5),
               (cx - r * 0.55, cy + r * 0.18)], fill=ink)
    d.rectangle((cx - r * 0.45, cy + r * 0.1, cx - r * 0.25, cy + r * 0.5), fill=ink)  # handle
    for k in (1, 2):  # sound waves
        wave = r * (0.2 + 0.2 * k)
        d.arc((cx + r * 0.2 - wave, cy - wave, cx + r * 0.2 + wave, cy + wave), -40, 40, fill=ink, width=line)


def question(d, cx, cy, r, ink, badge):
    line = round(_width(r) * 1.6)
    hook = r * 0.28
    ay = cy - r * 0.3  # centre of the hook, which runs from its left over the top down to its bottom
    d.arc((cx - hook, ay - hook, cx + hook, ay + hook), 180, 450, fill=ink, width=line)
    d.rectangle((cx - line / 2, ay + hook - line, cx + line / 2, cy + r * 0.2), fill=ink)  # the stem
    dot = line * 0.75
    d.ellipse((cx - dot, cy + r * 0.45 - dot, cx + dot, cy + r * 0.45 + dot), fill=ink)


def person_plus(d, cx, cy, r, ink, badge):
    px = cx - r * 0.15
    head = r * 0.22
    d.ellipse((px - head, cy - r * 0.5, px + head, cy - r * 0.5 + 2 * head), fill=ink)
    d.pieslice((px - r * 0.42, cy - r * 0.02, px + r * 0.42, cy + r * 0.82), 180, 360, fill=ink)
    plus, line = r * 0.2, round(_width(r) * 1.3)
    qx, qy = cx + r * 0.42, cy - r * 0.12
    d.line((qx - plus, qy, qx + plus, qy), fill=ink, width=line)
    d.line((qx, qy - plus, qx, qy + plus), fill=ink, width=line)


def info(d, cx, cy, r, ink, badge):
    line = round(_width(r) * 1.6)
    dot = line * 0.75
    d.ellipse((cx - dot, cy - r * 0.45 - dot, cx + dot, cy - r * 0.45 + dot), fill=ink)
    d.line((cx, cy - r * 0.15, cx, cy + r * 0.5), fill=ink, width=line)


ICONS: dict[str, Icon] = {
    "card": card, "coin": coin, "ticket": ticket, "gift": gift, "megaphone": megaphone, "question": question,
    "person_plus": person_plus, "info": info,
}
