"""A person claims the member record moved in for them (rewards/member_imports.py), exactly once:
by verifying its phone in LINE (`claim_by_phone`, called in the unit of work that verified it) or
by typing the claim code printed for them (`claim_by_code`).

One conditional UPDATE of the record's `member_imports` row decides who claims it (two claims
racing: one wins, the other is refused). The winner's LINE member then takes over, under both rows'
locks:
* the record's history: its ledger rows (the opening row carrying its balance as one lot, with its
  expiry) and its orders move to the LINE member, so the merge is one ledger row in their history
  and balance == SUM(ledger) holds on both rows afterwards (the record's is empty and 0);
* its balance and points debt, added to theirs;
* the higher tier with its `tier_until` (the later `tier_until` when the tiers are equal);
* its birthday, name and joining time where the LINE member has none (a friend becomes a member
  with the record's marketing consent).
The record keeps no personal data after (status `claimed`).

Guessing codes is bounded per LINE user: ATTEMPTS_PER_USER tries in ATTEMPT_WINDOW (core/attempts.py).
"""
from __future__ import annotations

import hmac
import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from core import attempts

from . import audit, codes
from .errors import BusinessRuleError, Conflict
from .models import ClaimAttempt, Member, MemberImport, Order, PointsLedger
from .settings import ProgramSettings
from .tiers import tier_rank
from core.timeutil import require_aware
from .tx import lock_member

ATTEMPTS_PER_USER = 5
ATTEMPT_WINDOW = timedelta(hours=1)
# "領取 ABCDE-FGHJK", "claim abcde fghjk", or the bare code with its dash
_WITH_WORD = re.compile(r"^\s*(?:領取|認領|claim)\s*[-:：]?\s*([0-9A-Za-z][0-9A-Za-z \-]{5,20})\s*$", re.IGNORECASE)
_BARE = re.compile(r"^\s*([2-9A-HJ-NP-Za-hj-np-z]{5}\s*-\s*[2-9A-HJ-NP-Za-hj-np-z]{5})\s*$")


class AlreadyClaimed(Conflict):
    code = "already_claimed"
    default_message = "this member record was claimed already"


class NotClaimable(BusinessRuleError):
    code = "not_claimable"
    default_message = "this member record can no longer be claimed"


@dataclass(frozen=True)
class Claimed:
    source: str
    external_id: str
    points: int       # moved to the LINE member
    tier: str         # the LINE member's tier after the claim
    tier_until: object  # date | None


@dataclass(frozen=True)
class CodeOutcome:
    claimed: Claimed | None = None
    retry_in: timedelta | None = None  # too many tries from this LINE user lately
    already: bool = False               # the code's record was claimed before

    @property
    def unknown(self) -> bool:
        return self.claimed is None and self.retry_in is None and not self.already


def code_in(text: str | None) -> str | None:
    """The claim code a chat message is (or tries to be), normalised; None for any other message."""
    found = _WITH_WORD.match(text or "") or _BARE.match(text or "")
    return codes.normalise(found.group(1)) if found else None


def is_bare_code(text: str | None) -> bool:
    """The message is the code alone (no word in any language to answer in)."""
    return _BARE.match(text or "") is not None


def claim_by_code(session: Session, member: Member, code: str, now: datetime,
                  settings: ProgramSettings) -> CodeOutcome:
    """Claim the record whose printed code is `code` for `member` (a LINE user)."""
    require_aware(now)
    if not member.line_user_id:
        raise NotClaimable(message="only a LINE member can claim a record")
    retry_in = attempts.take_turn(session, ClaimAttempt, member.line_user_id, now, ATTEMPTS_PER_USER, ATTEMPT_WINDOW)
    if retry_in is not None:
        return CodeOutcome(retry_in=retry_in)
    code = codes.normalise(code)
    found = session.execute(select(MemberImport.id, MemberImport.claim_code)
                            .where(MemberImport.claim_code == code)).first()
    if found is None or not hmac.compare_digest(code.encode(), (found[1] or "").encode()):
        return CodeOutcome()
    try:
        return CodeOutcome(claimed=claim(session, found[0], member, "code", now, settings))
    except AlreadyClaimed:
        return CodeOutcome(already=True)
    except NotClaimable:
        return CodeOutcome()


def claim_by_phone(session: Session, member: Member, e164: str, now: datetime,
                   settings: ProgramSettings) -> list[Claimed]:
    """Claim every unclaimed record with this phone for `member`, who has just verified it (call in
    the same unit of work). What was claimed; empty when nothing was waiting for this number."""
    require_aware(now)
    waiting = session.scalars(
        select(MemberImport.id).join(Member, Member.id == MemberImport.member_id)
        .where(Member.phone == e164, Member.status == "imported", MemberImport.claimed_at.is_(None),
               MemberImport.erased_at.is_(None)).order_by(MemberImport.id)).all()
    claimed = []
    for import_id in waiting:
        try:
            claimed.append(claim(session, import_id, member, "phone", now, settings))
        except (AlreadyClaimed, NotClaimable):  # another claim won it meanwhile
            continue
    return claimed


def claim(session: Session, import_id: int, member: Member, how: str, now: datetime,
          settings: ProgramSettings) -> Claimed:
    """`member` claims the record (see the module's doc). AlreadyClaimed when someone did before,
    NotClaimable when it was erased or `member` is not a LINE member."""
    require_aware(now)
    if not member.line_user_id or member.status not in ("friend", "member"):
        raise NotClaimable(message="only a LINE member can claim a record")
    won = session.execute(
        update(MemberImport)
        .where(MemberImport.id == import_id, MemberImport.claimed_at.is_(None), MemberImport.erased_at.is_(None))
        .values(claimed_at=now, claimed_by_id=member.id, claimed_by=how)
        .execution_options(synchronize_session=False)).rowcount
    if won != 1:
        state = session.execute(select(MemberImport.claimed_at, MemberImport.claimed_by_id)
                                .where(MemberImport.id == import_id)).first()
        if state is not None and state[0] is not None:
            raise AlreadyClaimed(fields={"yours": state[1] == member.id})
        raise NotClaimable()
    source, external_id, record_id = session.execute(
        select(MemberImport.source, MemberImport.external_id, MemberImport.member_id)
        .where(MemberImport.id == import_id)).one()
    record = lock_member(session, record_id, returning=(
        Member.balance, Member.points_debt, Member.tier, Member.tier_until, Member.joined_at, Member.birthday_month,
        Member.birthday_day, Member.display_name, Member.marketing_opt_in))
    mine = lock_member(session, member.id, returning=(Member.tier, Member.tier_until, Member.status))
    for table in (PointsLedger, Order):
        session.execute(update(table).where(table.member_id == record_id).values(member_id=member.id)
                        .execution_options(synchronize_session=False))
    tier, tier_until = _higher_tier(settings, (mine.tier, mine.tier_until), (record.tier, record.tier_until))
    values = dict(balance=Member.balance + record.balance, points_debt=Member.points_debt + record.points_debt,
                  tier=tier, tier_until=tier_until)
    if tier != mine.tier:
        values["tier_since"] = now
    if member.birthday_month is None and record.birthday_month is not None:
        values.update(birthday_month=record.birthday_month, birthday_day=record.birthday_day)
    if not member.display_name and record.display_name:
        values["display_name"] = record.display_name
    if mine.status == "friend":
        values.update(status="member", joined_at=record.joined_at or now, consent_at=now,
                      marketing_opt_in=record.marketing_opt_in, opt_in_changed_at=now)
    elif record.joined_at is not None and (member.joined_at is None or record.joined_at < member.joined_at):
        values["joined_at"] = record.joined_at
    session.execute(update(Member).where(Member.id == member.id).values(**values)
                    .execution_options(synchronize_session=False))
    session.execute(update(Member).where(Member.id == record_id).values(
        balance=0, points_debt=0, status="claimed", display_name=None, phone=None, birthday_month=None,
        birthday_day=None, marketing_opt_in=False).execution_options(synchronize_session=False))
    session.expire(member)
    audit.record(session, f"member:{member.member_code}", "member.import_claimed", f"import:{source}:{external_id}",
                 {"how": how, "points": record.balance, "tier": tier}, now)
    return Claimed(source, external_id, record.balance, tier, tier_until)


def _higher_tier(settings: ProgramSettings, mine: tuple, theirs: tuple) -> tuple:
    """(tier, tier_until) of the higher of two; of equal tiers, the later tier_until."""
    rank_mine, rank_theirs = tier_rank(settings, mine[0]), tier_rank(settings, theirs[0])
    if rank_theirs > rank_mine:
        return theirs
    if rank_theirs == rank_mine and theirs[1] is not None and (mine[1] is None or theirs[1] > mine[1]):
        return mine[0], theirs[1]
    return mine
