"""What a member sets about themselves on the profile page: name, birthday (once), interests,
marketing consent (kept with its time) and the e-invoice mobile carrier. Every bad field is named
at once (FieldErrors with a code per field, which the page words in the member's language); nothing
is changed unless every field passes."""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from core.field_errors import FieldErrors
from core.text_checks import clean_text

from . import membership
from .models import Member

# Taiwan's e-invoice mobile carrier (手機條碼): "/" and 7 of digits, capital letters, ".", "+", "-"
CARRIER = re.compile(r"^/[0-9A-Z.+\-]{7}$")
NAME_MAX = 40
INTEREST_PREFIX = "interest:"
INTERESTS = ("coffee", "tea", "pastry", "gifts", "events", "deals")


@dataclass(frozen=True)
class ProfileChange:
    name: str | None = None
    birthday: str | None = None  # "YYYY-MM-DD" from a date input; "" or None leaves it
    interests: tuple[str, ...] | None = None
    marketing_opt_in: bool | None = None
    carrier: str | None = None  # "" removes it


def carrier_problem(value: str) -> str | None:
    """Why `value` is not a mobile carrier, or None when it is one."""
    if not CARRIER.match(value):
        return "a mobile carrier is / followed by 7 of 0-9, A-Z, '.', '+' or '-'"
    return None


def normalise_carrier(value: str) -> str:
    """As members type it: spaces dropped, letters upper-cased (carriers are written in capitals)."""
    return re.sub(r"\s+", "", value).upper()


def interests_of(member: Member) -> list[str]:
    return [t[len(INTEREST_PREFIX):] for t in member.tags or [] if t.startswith(INTEREST_PREFIX)
            and t[len(INTEREST_PREFIX):] in INTERESTS]


def update(member: Member, change: ProfileChange, now: datetime) -> None:
    """Apply the change, or raise FieldErrors naming every bad field (codes: required, too_long,
    not_a_date, future, too_old, locked, unknown, format) and change nothing."""
    problems, codes = {}, {}

    def bad(field: str, problem: str, code: str) -> None:
        problems[field], codes[field] = problem, code

    name = None
    if change.name is not None:
        name = clean_text(change.name, single_line=True).strip()
        if not name:
            bad("name", "a name is required", "required")
        elif len(name) > NAME_MAX:
            bad("name", f"at most {NAME_MAX} characters", "too_long")
    birthday = None
    if change.birthday:
        try:
            birthday = membership.parse_birthday(change.birthday, now.date())
            if member.birthday_month is not None and birthday != (member.birthday_month, member.birthday_day):
                raise FieldErrors.one("birthday", "is set already; only staff can change it", code="locked")
        except FieldErrors as exc:
            bad("birthday", exc.problems["birthday"], exc.codes["birthday"])
    if change.interests is not None:
        unknown = [i for i in change.interests if i not in INTERESTS]
        if unknown:
            bad("interests", "unknown: " + ", ".join(unknown[:5]), "unknown")
    carrier = None
    if change.carrier:
        carrier = normalise_carrier(change.carrier)
        problem = carrier_problem(carrier)
        if problem:
            bad("carrier", problem, "format")
    if problems:
        raise FieldErrors(problems, codes)

    if name is not None:
        member.display_name = name
    if birthday is not None and member.birthday_month is None:
        membership.set_birthday(member, *birthday)
    if change.interests is not None:
        kept = [t for t in member.tags or [] if not t.startswith(INTEREST_PREFIX)]
        member.tags = kept + [INTEREST_PREFIX + i for i in INTERESTS if i in change.interests]
    if change.marketing_opt_in is not None:
        membership.set_marketing_opt_in(member, change.marketing_opt_in, now)
    if change.carrier is not None:
        member.einvoice_carrier = carrier or None
