"""POST /account-links/nonces: the shop's site, after its own login, gets the nonce and LINE's
account-link dialog URL for the link token the bot sent the member with (rewards/account_links.py)."""
from __future__ import annotations

from urllib.parse import urlencode

from flask import Blueprint
from sqlalchemy.orm import Session

from core import formats
from core.runtime import runtime
from rewards import account_links

from .body import json_object
from .scope import api_endpoint

DIALOG_PATH = "/dialog/bot/accountLink"


def register(bp: Blueprint) -> None:
    bp.add_url_rule("/account-links/nonces", "account_link_nonce", create_nonce, methods=["POST"])


def dialog_url(access_url: str, link_token: str, nonce: str) -> str:
    return access_url.rstrip("/") + DIALOG_PATH + "?" + urlencode({"linkToken": link_token, "nonce": nonce})


@api_endpoint
def create_nonce(session: Session):
    body = json_object()
    rt = runtime()
    now = rt.clock.now()
    result = account_links.issue_nonce(session, body.get("link_token"), body.get("platform"), body.get("customer_id"),
                                       now)
    request = result.request
    return {"nonce": request.nonce, "platform": request.platform, "customer_id": request.customer_id,
            "dialog_url": dialog_url(rt.config.LINE_ACCESS_URL, request.link_token, request.nonce),
            "expires_at": formats.instant(request.nonce_expires_at, now.tzinfo)}, 201 if result.created else 200
