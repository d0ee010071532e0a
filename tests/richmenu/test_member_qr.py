"""The member QR image behind an expiring signed link: valid, tampered, expired, unknown."""
from __future__ import annotations

import io
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
import qrcode
from PIL import Image

from bot import member_qr
from rewards import membership

SECRET = "test-secret-key"  # what make_app gives the app as SECRET_KEY


@pytest.fixture
def member_code(app, clock):
    with app.extensions["bot"].db.session() as s:
        member = membership.get_or_create(s, "U" + "c" * 32, clock.now())
        membership.join(s, member, clock.now(), display_name="小明")
        return member.member_code


def path_of(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.path}?{parts.query}"


def test_the_link_is_https_under_the_public_url_and_expires(clock):
    url = member_qr.signed_qr_url("https://bot.example.com/", SECRET, "M23456789", clock.now())
    parts = urlsplit(url)
    assert (parts.scheme, parts.netloc, parts.path) == ("https", "bot.example.com", "/qr/M23456789.png")
    query = parse_qs(parts.query)
    assert int(query["exp"][0]) == int((clock.now() + timedelta(hours=24)).timestamp())
    assert query["sig"][0] and query["sig"][0] != member_qr.signature("another key", "M23456789", int(query["exp"][0]))


def test_a_valid_link_gives_a_png_of_the_member_code(client, clock, member_code):
    url = member_qr.signed_qr_url("https://bot.example.com", SECRET, member_code, clock.now())
    response = client.get(path_of(url))
    assert response.status_code == 200
    assert response.mimetype == "image/png"
    assert response.headers["Cache-Control"] == f"private, max-age={24 * 3600}"
    image = Image.open(io.BytesIO(response.data))
    assert image.format == "PNG" and image.size[0] == image.size[1] >= 240
    assert len(response.data) < 10 * 1024 * 1024
    assert modules_of(image) == expected_modules(member_code)


def test_the_cache_lasts_no_longer_than_the_link(client, clock, member_code):
    url = member_qr.signed_qr_url("https://bot.example.com", SECRET, member_code, clock.now())
    clock.advance(timedelta(hours=23))
    response = client.get(path_of(url))
    assert response.status_code == 200 and response.headers["Cache-Control"] == "private, max-age=3600"


@pytest.mark.parametrize("tamper", ["signature", "expiry", "code", "missing", "garbage"])
def test_a_tampered_link_is_403(client, clock, member_code, tamper):
    url = member_qr.signed_qr_url("https://bot.example.com", SECRET, member_code, clock.now())
    parts = urlsplit(url)
    query = {k: v[0] for k, v in parse_qs(parts.query).items()}
    path = parts.path
    if tamper == "signature":
        query["sig"] = ("A" if query["sig"][0] != "A" else "B") + query["sig"][1:]
    elif tamper == "expiry":
        query["exp"] = str(int(query["exp"]) + 3600)
    elif tamper == "code":
        path = "/qr/M99999999.png"
    elif tamper == "missing":
        query = {}
    else:
        query = {"exp": "soon", "sig": "x"}
    assert client.get(path, query_string=query).status_code == 403


def test_a_link_signed_with_another_key_is_403(client, clock, member_code):
    url = member_qr.signed_qr_url("https://bot.example.com", "not-our-key", member_code, clock.now())
    assert client.get(path_of(url)).status_code == 403


def test_an_expired_link_is_403(client, clock, member_code):
    url = member_qr.signed_qr_url("https://bot.example.com", SECRET, member_code, clock.now(),
                                  ttl=timedelta(minutes=5))
    clock.advance(timedelta(minutes=5))
    assert client.get(path_of(url)).status_code == 403


def test_an_unknown_code_with_a_valid_signature_is_404(client, clock, app):
    url = member_qr.signed_qr_url("https://bot.example.com", SECRET, "MZZZZZZZZ", clock.now())
    assert client.get(path_of(url)).status_code == 404


def test_a_friend_who_has_not_joined_has_no_card(client, clock, app):
    with app.extensions["bot"].db.session() as s:
        code = membership.get_or_create(s, "U" + "d" * 32, clock.now()).member_code
    url = member_qr.signed_qr_url("https://bot.example.com", SECRET, code, clock.now())
    assert client.get(path_of(url)).status_code == 404


def test_the_app_gives_handlers_links_it_will_serve(app, client, clock, member_code):
    """Handlers reach the link maker as ctx.services.qr_url."""
    processor = app.extensions["inbox_worker"].processor
    url = processor.services.qr_url(member_code, clock.now())
    assert url.startswith("https://bot.example.com/qr/")
    assert client.get(path_of(url)).status_code == 200


# -- reading the image back: the module grid must be the QR code of the member code
def expected_modules(member_code: str) -> list[list[bool]]:
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=4)
    code.add_data(member_code)
    code.make(fit=True)
    return code.get_matrix()


def modules_of(image: Image.Image) -> list[list[bool]]:
    """Dark or light at the centre of each module; the module size is read off the quiet zone
    (4 modules wide) before the top-left finder pattern's first dark pixel on the diagonal."""
    grey = image.convert("L")
    module = next(x for x in range(grey.size[0]) if grey.getpixel((x, x)) < 128) / 4
    count = round(grey.size[0] / module)
    return [[grey.getpixel((int((i + 0.5) * module), int((j + 0.5) * module))) < 128 for i in range(count)]
            for j in range(count)]
