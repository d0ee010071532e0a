"""Erasing a member on request ("delete my data" in chat, or staff acting on a request).

The one erasure service: the chat and the console call `erase_member` and do nothing of their own
but what only they can (the console's audit row, the LINE call that resets the rich menu, with the
LINE user id this returns). What goes:

* the member record forgets who they are (rewards.membership.erase: name, birthday, phone, verified email, tags,
  referral code, LINE user id, the email and claim code of a record moved in from another
  programme that they claimed, linked shop customer ids and account-link requests; pending messages
  are cancelled), and the count of claim codes they tried;
* what the bot was waiting for from them (conversation state), and the numbers and addresses their SMS
  and email codes went to;
* survey comments (may hold personal details; ratings stay as anonymous numbers) and what content
  they opened;
* the parameters of every message row kept for them (a name in a sent broadcast's text, a coupon
  code) — the rows stay, as counts of what was sent;
* their webhook events: the LINE user id they were filed under and any payload still kept;
* a staff member's link to their LINE account for test sends, if they were staff, and the test
  sends addressed to it (pending ones are cancelled).

What stays: the record's keyed identity hash (so a returning person gets no second welcome gift or
birthday coupon this year), the points ledger and the orders with their amounts, times, stores and
line items (the shop's books), and anonymous survey ratings.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, update
from sqlalchemy.orm import Session

from core import conversation
from core.models import InboxEvent
from rewards import email_verification, membership, phone_verification
from rewards.models import ClaimAttempt, Member, Outbox
from rewards.outbox_state import unclaimed

from content.models import ContentView
from insights.models import SurveyResponse
from messaging import handoff, staff_link

ERASED_USER_KEY = "erased"


def erase_member(session: Session, member: Member, now: datetime) -> str | None:
    """Erase the member (see the module's doc); returns the LINE user id they had, or None."""
    line_user_id = member.line_user_id
    handoff.erase(session, line_user_id, member.id)  # kept chat and unanswered messages
    membership.erase(session, member, now)
    phone_verification.forget(session, member)
    email_verification.forget(session, member)
    session.execute(update(Outbox).where(Outbox.member_id == member.id).values(params={})
                    .execution_options(synchronize_session=False))
    session.execute(update(SurveyResponse).where(SurveyResponse.member_id == member.id)
                    .values(comment=None).execution_options(synchronize_session=False))
    session.execute(delete(ContentView).where(ContentView.member_id == member.id)
                    .execution_options(synchronize_session=False))
    if line_user_id:
        conversation.clear(session, line_user_id)
        session.execute(delete(ClaimAttempt).where(ClaimAttempt.line_user_id == line_user_id)
                        .execution_options(synchronize_session=False))
        staff_link.forget_account(session, line_user_id)  # no test send goes to an erased person
        session.execute(update(Outbox).where(Outbox.to_user_id == line_user_id, Outbox.status == "pending", unclaimed())
                        .values(status="cancelled", skip_reason="erased").execution_options(synchronize_session=False))
        session.execute(update(Outbox).where(Outbox.to_user_id == line_user_id).values(to_user_id=None, params={})
                        .execution_options(synchronize_session=False))
        session.execute(update(InboxEvent).where(InboxEvent.user_key == line_user_id)
                        .values(user_key=ERASED_USER_KEY, payload=None, answer=None)
                        .execution_options(synchronize_session=False))
    return line_user_id
