"""Where uploaded pictures are kept, and the address LINE fetches them from: one `put` behind two stores.

`MEDIA_STORE=local` (default): files in `MEDIA_DIR` (default `instance/media`), served by the bot
itself at `{BOT_PUBLIC_URL}/media/<name>` (bot/media_route.py). `MEDIA_STORE=s3`: an S3-compatible
bucket (AWS S3, Cloudflare R2, MinIO, ...) through boto3, each object public-read, its address
`{S3_PUBLIC_URL}/<name>` (default `{S3_ENDPOINT_URL}/{S3_BUCKET}`). Names are chosen by the caller
(messaging/images.py: the content's hash), so putting the same picture twice changes nothing.
"""
from __future__ import annotations

import re
from pathlib import Path

NAME = re.compile(r"^[0-9a-f]{16,64}\.[a-z0-9]{1,4}\.(jpg|png)$")
MEDIA_PATH = "/media/"


def valid_name(name: str) -> bool:
    return bool(NAME.match(name or ""))


class LocalStore:
    """A folder on this machine, served at {public_url}/media/."""

    kind = "local"

    def __init__(self, folder: Path, public_url: str):
        self.folder = Path(folder)
        self.base = public_url.rstrip("/") + MEDIA_PATH

    def put(self, name: str, data: bytes, content_type: str) -> str:
        if not valid_name(name):
            raise ValueError(f"bad media name {name!r}")
        self.folder.mkdir(parents=True, exist_ok=True)
        path = self.folder / name
        if not path.exists():
            tmp = path.with_suffix(".part")
            tmp.write_bytes(data)
            tmp.replace(path)
        return self.base + name

    def path_of(self, name: str) -> Path | None:
        """The file behind /media/<name>, if there is one."""
        if not valid_name(name):
            return None
        path = self.folder / name
        return path if path.is_file() else None


class S3Store:
    """An S3-compatible bucket (boto3); objects are written public-read so LINE can fetch them."""

    kind = "s3"

    def __init__(self, bucket: str, endpoint_url: str = "", region: str = "us-east-1", access_key_id: str = "",
                 secret_access_key: str = "", public_url: str = "", public_read_acl: bool = True):
        import boto3  # only when this store is chosen

        self.bucket = bucket
        self.client = boto3.client("s3", endpoint_url=endpoint_url or None, region_name=region or None,
                                   aws_access_key_id=access_key_id or None,
                                   aws_secret_access_key=secret_access_key or None)
        default = f"{endpoint_url.rstrip('/')}/{bucket}" if endpoint_url else f"https://{bucket}.s3.amazonaws.com"
        self.base = (public_url or default).rstrip("/") + "/"
        self.public_read_acl = public_read_acl

    def put(self, name: str, data: bytes, content_type: str) -> str:
        if not valid_name(name):
            raise ValueError(f"bad media name {name!r}")
        extra = {"ACL": "public-read"} if self.public_read_acl else {}
        self.client.put_object(Bucket=self.bucket, Key=name, Body=data, ContentType=content_type,
                               CacheControl="public, max-age=31536000, immutable", **extra)
        return self.base + name

    def path_of(self, name: str) -> Path | None:
        return None  # served by the bucket, not by the bot


def store_from(config) -> LocalStore | S3Store:
    """The store the configuration names (core/config.py checks the settings)."""
    if config.MEDIA_STORE == "s3":
        return S3Store(config.S3_BUCKET, config.S3_ENDPOINT_URL, config.S3_REGION, config.S3_ACCESS_KEY_ID,
                       config.S3_SECRET_ACCESS_KEY, config.S3_PUBLIC_URL, config.S3_PUBLIC_READ_ACL == "yes")
    folder = Path(config.MEDIA_DIR) if config.MEDIA_DIR else config.instance_path() / "media"
    return LocalStore(folder, config.BOT_PUBLIC_URL)
