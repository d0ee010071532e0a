"""Befriending, joining, leaving: the life of a member record."""
from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import date, datetime

from sqlalchemy import bindparam, or_, select, update
from sqlalchemy.orm import Session

from core.field_errors import FieldErrors

from . import account_links
from .models import Member
from .tx import LOCK_WHERE, ensure_transaction

# No look-alike characters (0/O, 1/I/L), so a code read aloud or off a screen is unambiguous.
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
SUPPORTED_LANGUAGES = ("zh-TW", "en")


def new_code(prefix: str, length: int) -> str:
    return prefix + "".join(secrets.choice(CODE_ALPHABET) for _ in range(length))


def normalise_language(language: str | None, default: str = "zh-TW") -> str:
    """LINE profiles say e.g. "zh-Hant", "zh-TW", "en", "en-US", "ja": map onto what we speak."""
    if not language:
        return default
    lang = language.lower()
    if lang.startswith("zh"):
        return "zh-TW"
    if lang.startswith("en"):
        return "en"
    return default


# the key of the identity hash; the app sets it from SECRET_KEY at start (core.config.identity_key)
_identity_key = b""


def use_identity_key(key: bytes) -> None:
    global _identity_key
    _identity_key = key


def keyed_identity(plain_hash: str, key: bytes | None = None) -> str:
    """HMAC-SHA256 over the plain SHA-256 of the LINE user id: a migration can re-key the rows of
    erased members (whose id is gone) from their plain hash."""
    return hmac.new(_identity_key if key is None else key, plain_hash.encode(), hashlib.sha256).hexdigest()


def identity_hash(line_user_id: str) -> str:
    """Who a LINE user is, kept through an erasure so a returning person is recognised (no second
    welcome gift or birthday coupon) but keyed: knowing the LINE user id alone links nothing."""
    return keyed_identity(hashlib.sha256(line_user_id.encode()).hexdigest())


def by_line_user(session: Session, line_user_id: str) -> Member | None:
    return session.scalar(select(Member).where(Member.line_user_id == line_user_id))


def by_code(session: Session, member_code: str) -> Member | None:
    return session.scalar(select(Member).where(Member.member_code == member_code.strip().upper()))


def locked_by_code(session: Session, member_code: str) -> Member | None:
    """`by_code`, with the member's lock taken in the same statement (an UPDATE ... RETURNING, built
    once: tx.LOCK_WHERE), so `record_order(..., locked=True)` takes no lock again."""
    ensure_transaction(session)
    return session.scalar(LOCK_BY_CODE, {"lock_code": member_code.strip().upper()})


# the lock by member code (parameter `lock_code`), to be given its RETURNING: here the Member, and
# rewards/shops/crediting's first order by code reads more beside it in the same statement
LOCKED_BY_CODE = LOCK_WHERE.where(Member.member_code == bindparam("lock_code"))
LOCK_BY_CODE = LOCKED_BY_CODE.returning(Member)


def by_verified_phone(session: Session, e164: str) -> Member | None:
    """The member who verified this number (E.164, core/phones.py); unverified numbers never match.
    At most one: the partial unique index `uq_members_verified_phone` says so."""
    return session.scalar(select(Member).where(Member.phone == e164, Member.phone_verified_at.is_not(None),
                                              Member.erased_at.is_(None)))


def by_verified_email(session: Session, email: str) -> Member | None:
    """The member who verified this address (lower-cased, core/emails.py); unverified addresses never
    match. At most one: the partial unique index `uq_members_verified_email` says so."""
    return session.scalar(select(Member).where(Member.email == email, Member.email_verified_at.is_not(None),
                                              Member.erased_at.is_(None)))


def get_or_create(session: Session, line_user_id: str, now: datetime, language: str = "zh-TW") -> Member:
    """The record of a LINE user who talks to the account, created on first contact as a friend."""
    member = by_line_user(session, line_user_id)
    if member is not None:
        return member
    with session.begin_nested():
        member = Member(line_user_id=line_user_id, identity_hash=identity_hash(line_user_id),
                        member_code=_unused_member_code(session), language=language,
                        status="friend", created_at=now, followed_at=now, tags=[], balance=0, tier="member",
                        is_blocked=False, marketing_opt_in=False)
        session.add(member)
    return member


def _unused_member_code(session: Session) -> str:
    while True:
        code = new_code("M", 8)
        if session.scalar(select(Member.id).where(Member.member_code == code)) is None:
            return code


def record_follow(session: Session, line_user_id: str, now: datetime, language: str = "zh-TW") -> Member:
    member = get_or_create(session, line_user_id, now, language)
    member.is_blocked = False
    member.followed_at = now
    member.blocked_at = None
    return member


def record_unfollow(session: Session, line_user_id: str, now: datetime) -> Member | None:
    """Blocked: no pushes from now on. Points and history stay."""
    member = by_line_user(session, line_user_id)
    if member is not None:
        member.is_blocked = True
        member.blocked_at = now
    return member


def join(session: Session, member: Member, now: datetime, display_name: str | None = None,
         language: str | None = None) -> bool:
    """Make a friend a member. True only for the call that did it: a second tap changes nothing.

    One conditional UPDATE, so two taps racing in two processes still make one member.
    """
    values = {"status": "member", "joined_at": now, "consent_at": now, "marketing_opt_in": True,
              "opt_in_changed_at": now, "tier_since": now}
    if display_name:
        values["display_name"] = display_name[:200]
    if language:
        values["language"] = language
    result = session.execute(
        update(Member).where(Member.id == member.id, Member.status == "friend").values(**values)
        .execution_options(synchronize_session=False))
    session.refresh(member)
    return result.rowcount == 1


def had_membership_before(session: Session, member: Member) -> bool:
    """Whether this person was a member under an earlier, erased record."""
    return session.scalar(select(Member.id).where(Member.identity_hash == member.identity_hash,
                                                  Member.id != member.id, Member.joined_at.is_not(None))
                          .limit(1)) is not None


def parse_birthday(value: str, today: date) -> tuple[int, int]:
    """(month, day) from a date picker's "YYYY-MM-DD"; the year is checked, then dropped. Raises
    FieldErrors on "birthday" with code not_a_date, future or too_old."""
    try:
        picked = date.fromisoformat(value)
    except (TypeError, ValueError):
        raise FieldErrors.one("birthday", f"not a date: {value!r}", code="not_a_date") from None
    if picked > today:
        raise FieldErrors.one("birthday", "a birthday cannot be in the future", code="future")
    if picked.year < today.year - 120:
        raise FieldErrors.one("birthday", "a birthday more than 120 years ago", code="too_old")
    return picked.month, picked.day


def set_birthday(member: Member, month: int, day: int, by_staff: bool = False) -> None:
    """A birthday, once set, is changed only by staff (else anyone could farm birthday gifts):
    raises FieldErrors on "birthday" with code `locked`."""
    if member.birthday_month is not None and not by_staff:
        raise FieldErrors.one("birthday", "is set already; only staff can change it", code="locked")
    date(2000, month, day)  # raises for 31 April and the like (2000 is a leap year: 29 Feb is fine)
    member.birthday_month, member.birthday_day = month, day


def set_marketing_opt_in(member: Member, opted_in: bool, now: datetime) -> bool:
    """Subscribe or unsubscribe marketing messages. True when it changed."""
    if member.marketing_opt_in == opted_in:
        return False
    member.marketing_opt_in = opted_in
    member.opt_in_changed_at = now
    return True


def erased_values(now: datetime) -> dict:
    """What a member row holds once erased (one place for `erase` and the set-based erasures)."""
    return dict(display_name=None, birthday_month=None, birthday_day=None, phone=None, phone_verified_at=None,
                email=None, email_verified_at=None,
                einvoice_carrier=None, rich_menu=None, tags=[], referral_code=None, line_user_id=None, marketing_opt_in=False, status="erased",
                erased_at=now)


def erase(session: Session, member: Member, now: datetime) -> None:
    """Forget who the member is; keep the anonymous ledger and order totals (they are the shop's books).

    Name, birthday, phone, verified email, e-invoice carrier, tags, referral code, LINE user id and linked shop accounts go, and the
    email and claim code of any record moved in from another programme that was theirs or that they
    claimed; no message of any kind is sent again, and pending ones are cancelled.
    """
    from .models import MemberImport, Outbox
    from .outbox_state import unclaimed

    for name, value in erased_values(now).items():
        setattr(member, name, value)
    session.execute(update(MemberImport).where(or_(MemberImport.member_id == member.id,
                                                   MemberImport.claimed_by_id == member.id))
                    .values(email=None, claim_code=None).execution_options(synchronize_session=False))
    session.execute(update(MemberImport).where(MemberImport.member_id == member.id,
                                               MemberImport.erased_at.is_(None), MemberImport.claimed_at.is_(None))
                    .values(erased_at=now).execution_options(synchronize_session=False))
    account_links.forget(session, member.id)  # shop customer ids, link tokens and nonces
    session.execute(update(Outbox).where(Outbox.member_id == member.id, Outbox.status == "pending", unclaimed())
                    .values(status="cancelled", skip_reason="erased").execution_options(synchronize_session=False))


def set_language(member: Member, language: str) -> None:
    if language not in SUPPORTED_LANGUAGES:
        raise ValueError(f"unsupported language {language!r}")
    member.language = language
    member.language_chosen = True
