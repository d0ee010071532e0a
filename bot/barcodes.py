"""The codes on the member pages as SVG, drawn here (no script or font on the page): a QR code
(`qrcode`), Code 128 (the member's rotating code, a coupon's code) and Code 39 (the e-invoice
mobile carrier, as Taiwan's tills read it; its bars from `python-barcode`). Each encodes exactly the
text it is given: the caller passes only a member code, a coupon code or the carrier the member
chose to show. Every SVG has a viewBox and no size, so the page's CSS sizes it."""
from __future__ import annotations

import io
import re

import barcode
import qrcode
import qrcode.image.svg
from qrcode.constants import ERROR_CORRECT_M

QUIET = 10  # modules of white each side of a linear code (scanners want 10)
HEIGHT = 40  # modules
_SIZE_ATTRS = re.compile(r'\s(width|height)="[^"]*mm"')


def qr_svg(text: str) -> str:
    code = qrcode.QRCode(error_correction=ERROR_CORRECT_M, border=2, image_factory=qrcode.image.svg.SvgPathImage)
    code.add_data(text)
    code.make(fit=True)
    out = io.BytesIO()
    code.make_image().save(out)
    svg = out.getvalue().decode()
    svg = svg[svg.index("<svg"):]
    return _SIZE_ATTRS.sub("", svg, count=2).replace("<svg", '<svg class="code qr" role="img"', 1)


def code128_svg(text: str) -> str:
    return _bars(barcode.get_barcode_class("code128")(text).build()[0], "c128")


def code39_svg(text: str) -> str:
    """Code 39 without a check character (the carrier's own last character is its check)."""
    return _bars(barcode.get_barcode_class("code39")(text, add_checksum=False).build()[0], "c39")


def _bars(modules: str, kind: str) -> str:
    """'1' modules as one path of black runs on white, QUIET modules of white each side."""
    runs = []
    for match in re.finditer(r"1+", modules):
        runs.append(f"M{QUIET + match.start()},0h{len(match.group())}v{HEIGHT}h-{len(match.group())}z")
    width = len(modules) + 2 * QUIET
    return (f'<svg class="code {kind}" role="img" viewBox="0 0 {width} {HEIGHT}" preserveAspectRatio="none" '
            f'xmlns="http://www.w3.org/2000/svg"><rect width="{width}" height="{HEIGHT}" fill="#fff"/>'
            f'<path d="{"".join(runs)}" fill="#000"/></svg>')
