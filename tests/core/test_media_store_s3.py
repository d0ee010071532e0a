"""The S3 media store against a local S3-compatible server in its own process (moto's server mode,
speaking S3's HTTP protocol): the production adapter (boto3) is what talks to it. Then the console's
upload with MEDIA_STORE=s3 puts the pictures in the bucket, and the broadcast points at them."""
from __future__ import annotations

import io
import subprocess

import boto3
import pytest
import requests
from PIL import Image

from core.media_store import S3Store
from messaging import images
from tests.processes import BIN, answers, free_port, wait_until

BUCKET = "shop-media"
KEYS = {"S3_ACCESS_KEY_ID": "testing-key", "S3_SECRET_ACCESS_KEY": "testing-secret", "S3_REGION": "us-east-1"}


@pytest.fixture(scope="module")
def s3_server(tmp_path_factory):
    moto = BIN / "moto_server"
    if not moto.exists():
        pytest.skip("moto[server] is not installed (requirements-dev.txt)")
    port = free_port()
    log = tmp_path_factory.mktemp("moto") / "moto.log"
    with open(log, "wb") as out:
        proc = subprocess.Popen([str(moto), "-H", "127.0.0.1", "-p", str(port)], stdout=out, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until("moto's S3 server", lambda: answers(url + "/moto-api/"), 30)
        boto3.client("s3", endpoint_url=url, region_name="us-east-1", aws_access_key_id="testing-key",
                     aws_secret_access_key="testing-secret").create_bucket(Bucket=BUCKET)
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def jpeg(size=(1600, 1000)) -> bytes:
    out = io.BytesIO()
    Image.effect_noise(size, 60).convert("RGB").save(out, "JPEG", quality=95)
    return out.getvalue()


def test_a_picture_is_put_in_the_bucket_public_and_read_back_over_http(s3_server):
    store = S3Store(BUCKET, s3_server, "us-east-1", "testing-key", "testing-secret")
    url = images.save(store, jpeg())
    assert url.startswith(f"{s3_server}/{BUCKET}/") and url.endswith(".o.jpg")
    got = requests.get(url, timeout=5)  # anonymous, as LINE fetches it
    assert got.status_code == 200 and got.headers["Content-Type"] == "image/jpeg"
    assert len(got.content) <= images.MAX_BYTES
    with Image.open(io.BytesIO(got.content)) as img:
        assert max(img.size) == images.MAX_SIDE
    preview = requests.get(images.preview_url(url), timeout=5)
    with Image.open(io.BytesIO(preview.content)) as img:
        assert max(img.size) <= images.PREVIEW_SIDE
    assert "immutable" in got.headers.get("Cache-Control", "")
    assert images.save(store, jpeg((10, 10))) != url  # another picture, another name


def test_the_console_uploads_into_the_bucket(database_url, simulator_server, clock, s3_server):
    from tests.conftest import make_app
    from tests.console.conftest import ConsoleClient, create_staff

    app = make_app(database_url, simulator_server.url, clock, MEDIA_STORE="s3", S3_BUCKET=BUCKET,
                   S3_ENDPOINT_URL=s3_server, **KEYS)
    try:
        create_staff(app, "m@shop.example", "marketer")
        c = ConsoleClient(app.test_client())
        c.login("m@shop.example")
        r = c.post("/console/broadcasts", {"name": "圖", "message_type": "image",
                                           "image_file": (io.BytesIO(jpeg()), "a.jpg")})
        assert r.status_code == 302, r.get_data(as_text=True)[:400]
        page = c.get(r.headers["Location"]).get_data(as_text=True)
        assert f'{s3_server}/{BUCKET}/' in page  # the preview shows the bucket's picture
        from messaging.models import Broadcast
        with app.extensions["bot"].db.session() as s:
            url = s.query(Broadcast.image_url).scalar()
        assert requests.get(url, timeout=5).status_code == 200
        assert app.test_client().get("/media/" + url.rsplit("/", 1)[1]).status_code == 404  # not served locally
    finally:
        app.extensions["inbox_worker"].shutdown()
        app.extensions["bot"].db.dispose()
