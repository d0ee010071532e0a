"""Erasing a member on request ("delete my data" in chat, or staff acting on a request).

One function for both, so the chat and the console have the same effect: the member record
forgets who they are (rewards.membership.erase), and what they wrote or read is removed too —
survey comments may hold personal details; ratings stay as anonymous numbers.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, update
from sqlalchemy.orm import Session

from rewards import membership
from rewards.models import Member

from content.models import ContentView
from insights.models import SurveyResponse
from messaging import handoff


def erase_member(session: Session, member: Member, now: datetime) -> None:
    handoff.erase(session, member.line_user_id, member.id)  # kept chat and unanswered messages
    membership.erase(session, member, now)
    session.execute(update(SurveyResponse).where(SurveyResponse.member_id == member.id)
                    .values(comment=None).execution_options(synchronize_session=False))
    session.execute(delete(ContentView).where(ContentView.member_id == member.id)
                    .execution_options(synchronize_session=False))
