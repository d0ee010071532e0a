"""LINE's account link: the member asks (in words or by a tap), gets the shop's login link carrying a
link token; LINE's `accountLink` event then links them to the shop account they logged in with."""
from __future__ import annotations

import logging
from urllib.parse import urlencode

from bot import messages as m
from bot.dispatch import Context, Router, shows_loading
from bot.filters import event_type
from rewards import account_links

from .common import members_only, standard_quick_replies

log = logging.getLogger(__name__)

router = Router("account_link")


def login_link(login_url: str, link_token: str) -> str:
    return login_url + ("&" if "?" in login_url else "?") + urlencode({"linkToken": link_token})


@router.on_request("account_link")
@shows_loading
@members_only
def ask(ctx: Context):
    services = ctx.services
    token = services.link_token(ctx.event.user_id) if services.account_link_login_url and services.link_token else None
    if token is None:
        return [m.text_message(ctx.t("account_link.unavailable"), standard_quick_replies(ctx))]
    account_links.record_link_token(ctx.session, ctx.member, token, ctx.now)
    url = login_link(services.account_link_login_url, token)
    bubble = m.flex_bubble([m.flex_text(ctx.t("account_link.ask"), wrap=True)],
                           footer=[m.flex_button(m.uri_action(ctx.t("account_link.button"), url))])
    return [m.flex_message(ctx.t("account_link.ask"), bubble)]


@router.on(event_type("accountLink"))
def linked(ctx: Context):
    outcome = account_links.complete(ctx.session, ctx.event.user_id, ctx.event.link_result, ctx.event.link_nonce,
                                     ctx.now)
    # no personal data: the outcome and the member id the nonce named, never the customer id or nonce
    log.info("account link event: %s (member %s)", outcome.code, outcome.member_id)
    # LINE sends no reply token with a failed link: such an answer is not sent
    return [m.text_message(ctx.t("account_link.done" if outcome.linked else "account_link.not_linked"))]
