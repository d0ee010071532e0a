"""Finding members for staff: by name, member code, phone or LINE user id; and those who owe points."""
from __future__ import annotations

import re

from core.text_checks import text_problem

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from rewards.models import Member

LIMIT = 50


def _digits(text: str) -> str:
    return re.sub(r"\D", "", text)


def search(session: Session, query: str, limit: int = LIMIT) -> list[Member]:
    """Members matching `query`: an exact member code or LINE user id, part of a phone number
    (digits only, at least 4), or part of the display name. Erased members are found by code only."""
    query = (query or "").strip()
    if not query:
        return []
    clauses = [Member.member_code == query.upper(), Member.line_user_id == query]
    digits = _digits(query)
    if len(digits) >= 4:  # numbers are stored as given ("0912-345-678", "0912 345678" or "0912345678")
        plain_phone = func.replace(func.replace(func.replace(Member.phone, "-", ""), " ", ""), "+886", "0")
        clauses += [plain_phone.contains(digits, autoescape=True), Member.phone.contains(query, autoescape=True)]
    escaped = query.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    clauses.append(Member.display_name.ilike(f"%{escaped}%", escape="\\"))
    return list(session.scalars(select(Member).where(or_(*clauses))
                                .order_by(Member.joined_at.desc().nulls_last(), Member.id.desc()).limit(limit)))


def normalise_tags(raw: str | list[str]) -> list[str]:
    """Tags from a comma (or 、/，) separated string: trimmed, without duplicates, at most 30 of 40 chars;
    a tag holding a control character (NUL, a line break) is dropped."""
    items = raw if isinstance(raw, list) else re.split(r"[,，、\n]", raw or "")
    tags: list[str] = []
    for item in items:
        tag = item.strip()[:40]
        if tag and tag not in tags and text_problem(tag, single_line=True) is None:
            tags.append(tag)
    return tags[:30]


def owing(session: Session, limit: int = 500) -> tuple[int, int, list[Member]]:
    """Members who owe points (refunds of points already spent, not yet repaid by later earnings),
    the most owed first: (how many owe, points owed in all, up to `limit` of them)."""
    count, total = session.execute(select(func.count(), func.coalesce(func.sum(Member.points_debt), 0))
                                   .where(Member.points_debt > 0)).one()
    rows = session.scalars(select(Member).where(Member.points_debt > 0)
                           .order_by(Member.points_debt.desc(), Member.id).limit(limit))
    return int(count), int(total), list(rows)
