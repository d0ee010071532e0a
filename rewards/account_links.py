"""LINE's account link: a member's LINE account linked to their customer account on a shop platform.

1. The member asks in the chat; the bot has LINE issue a link token for them and records it here
   (`record_link_token`), bound to that member, then sends the shop's login URL carrying it.
2. After its own login, the shop's site asks this project for a nonce (`issue_nonce`: the link
   token and the shop's customer id) and sends the person to LINE's dialog with both.
3. LINE sends the `accountLink` event; `complete` links the member to the customer id when the
   result is `ok`, the nonce is known, unused and unexpired, and the event is the same LINE user's.

Nonces are single-use (the first event that names one uses it up, whatever its result), expire,
and are bound to the member the link token was issued for. Nothing else changes anything.
"""
from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, or_, select, update
from sqlalchemy.orm import Session

from core.field_errors import FieldErrors

from .errors import LinkTokenExpired, LinkTokenNotFound, LinkTokenTaken
from .models import AccountLinkRequest, Member, MemberLink
from .order_input import check_text
from core.timeutil import require_aware

LINK_TOKEN_VALID = timedelta(minutes=10)  # LINE's link tokens last 10 minutes
NONCE_VALID = timedelta(minutes=10)
PLATFORM = re.compile(r"[a-z0-9][a-z0-9._:-]{0,31}")
LIMITS = {"link_token": 128, "customer_id": 128}


@dataclass(frozen=True)
class NonceResult:
    request: AccountLinkRequest
    created: bool


@dataclass(frozen=True)
class Outcome:
    """What an `accountLink` event did: `linked`, or why not (`failed`, `unknown`, `other_user`,
    `used`, `expired`); `member_id` when the nonce named one (for the log; never the customer id)."""

    code: str
    member_id: int | None = None

    @property
    def linked(self) -> bool:
        return self.code == "linked"


def record_link_token(session: Session, member: Member, link_token: str, now: datetime) -> AccountLinkRequest:
    """The link token LINE issued for `member`, bound to them."""
    require_aware(now)
    request = AccountLinkRequest(member_id=member.id, link_token=link_token, token_expires_at=now + LINK_TOKEN_VALID,
                                 created_at=now)
    session.add(request)
    session.flush()
    return request


def check_nonce_request(link_token: Any, platform: Any, customer_id: Any) -> tuple[str, str, str]:
    errors: dict[str, str] = {}
    values = {name: check_text(value, name, errors, limit=LIMITS[name]) for name, value in
              (("link_token", link_token), ("customer_id", customer_id))}
    if not isinstance(platform, str) or not PLATFORM.fullmatch(platform):
        errors["platform"] = "a platform name: 1-32 of a-z, 0-9, '.', '_', ':', '-', starting with a letter or digit"
    if errors:
        raise FieldErrors(errors)
    return values["link_token"], platform, values["customer_id"]  # type: ignore[return-value]


def issue_nonce(session: Session, link_token: Any, platform: Any, customer_id: Any, now: datetime) -> NonceResult:
    """A nonce for the member the link token was issued for and the shop's customer who logged in.
    The same request again gets the same nonce; the token with another customer is LinkTokenTaken."""
    require_aware(now)
    link_token, platform, customer_id = check_nonce_request(link_token, platform, customer_id)
    request = session.scalar(select(AccountLinkRequest).where(AccountLinkRequest.link_token == link_token))
    if request is None:
        raise LinkTokenNotFound()
    if request.nonce is None:
        if request.token_expires_at <= now:
            raise LinkTokenExpired(request.token_expires_at)
        made = session.execute(
            update(AccountLinkRequest).where(AccountLinkRequest.id == request.id, AccountLinkRequest.nonce.is_(None))
            .values(nonce=secrets.token_urlsafe(24), platform=platform, customer_id=customer_id,
                    nonce_expires_at=now + NONCE_VALID)
            .execution_options(synchronize_session=False)).rowcount
        session.refresh(request)
        if made == 1:
            return NonceResult(request, True)
    if (request.platform, request.customer_id) != (platform, customer_id) or request.used_at is not None:
        raise LinkTokenTaken()
    return NonceResult(request, False)


def complete(session: Session, line_user_id: str | None, result: str | None, nonce: str | None,
             now: datetime) -> Outcome:
    """Carry out an `accountLink` event (see the module's doc)."""
    require_aware(now)
    request = session.scalar(select(AccountLinkRequest).where(AccountLinkRequest.nonce == nonce)) if nonce else None
    if request is None:
        return Outcome("unknown")
    member = session.get(Member, request.member_id)
    if member is None or member.line_user_id is None or member.line_user_id != line_user_id:
        return Outcome("other_user", request.member_id)  # someone else's event uses nothing up
    expired = request.nonce_expires_at is None or request.nonce_expires_at <= now
    code = "expired" if expired else "failed" if result != "ok" else "linked"
    claimed = session.execute(
        update(AccountLinkRequest).where(AccountLinkRequest.id == request.id, AccountLinkRequest.used_at.is_(None))
        .values(used_at=now, outcome=code).execution_options(synchronize_session=False)).rowcount
    if claimed != 1:
        return Outcome("used", request.member_id)
    if code == "linked":
        _link(session, member, request.platform, request.customer_id, now)
    return Outcome(code, member.id)


def _link(session: Session, member: Member, platform: str, customer_id: str, now: datetime) -> None:
    """The customer id now names this member (it moves from any member it named before: the shop's
    login and LINE both vouched for this person), and the member's earlier id on the platform goes."""
    session.execute(delete(MemberLink).where(or_(
        (MemberLink.platform == platform) & (MemberLink.customer_id == customer_id),
        (MemberLink.platform == platform) & (MemberLink.member_id == member.id))))
    session.add(MemberLink(member_id=member.id, platform=platform, customer_id=customer_id, linked_at=now))
    session.flush()


def member_for(session: Session, platform: str, customer_id: str) -> Member | None:
    """The member a shop platform's customer id is linked to (for the shop connectors)."""
    return session.scalar(select(Member).join(MemberLink, MemberLink.member_id == Member.id)
                          .where(MemberLink.platform == platform, MemberLink.customer_id == customer_id,
                                 Member.status == "member"))


def links_of(session: Session, member: Member) -> list[MemberLink]:
    return list(session.scalars(select(MemberLink).where(MemberLink.member_id == member.id)
                                .order_by(MemberLink.platform)))


def forget(session: Session, member_id: int) -> None:
    """Erasure: the member's links and link requests (customer ids, tokens, nonces) go."""
    session.execute(delete(MemberLink).where(MemberLink.member_id == member_id))
    session.execute(delete(AccountLinkRequest).where(AccountLinkRequest.member_id == member_id))
