"""One line of a member file from another programme, checked: what `members import` records.

Columns: external_id, name, phone, email, birthday, balance, tier, tier_until, joined_at,
marketing_consent. Only external_id must have a value. Every bad field of a line is named at once
(FieldErrors). The birthday's year, if written, is checked and dropped: only month and day are kept.
The phone is read by core/phones.py and kept in E.164, not verified.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Mapping

from core import phones
from core.field_errors import FieldErrors

from .settings import ProgramSettings

COLUMNS = ("external_id", "name", "phone", "email", "birthday", "balance", "tier", "tier_until", "joined_at",
           "marketing_consent")
MAX_BALANCE = 100_000_000
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s.]+")
_DATE = re.compile(r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})")
_MONTH_DAY = re.compile(r"(?:--)?(\d{1,2})[-/.](\d{1,2})")
_YES = {"1", "y", "yes", "true", "t", "是", "同意", "v"}
_NO = {"", "0", "n", "no", "false", "f", "否", "不同意"}


@dataclass(frozen=True)
class MemberRow:
    external_id: str
    name: str | None
    phone: str | None          # E.164
    email: str | None          # lower case
    birthday: tuple[int, int] | None  # (month, day)
    balance: int
    tier: str
    tier_until: date | None
    joined_at: datetime | None
    marketing_consent: bool


def parse(row: Mapping[str, str | None], now: datetime, settings: ProgramSettings) -> MemberRow:
    """The checked line, or FieldErrors naming every bad field."""
    problems: dict[str, str] = {}

    def cell(name: str) -> str:
        return (row.get(name) or "").strip()

    def check(name: str, read):
        try:
            return read(cell(name))
        except ValueError as exc:
            problems[name] = str(exc)
            return None

    external_id = cell("external_id")
    if not external_id:
        problems["external_id"] = "is empty"
    elif len(external_id) > 64:
        problems["external_id"] = "longer than 64 characters"
    name = cell("name")
    if len(name) > 200:
        problems["name"] = "longer than 200 characters"
    today = now.date()
    parsed = MemberRow(
        external_id=external_id, name=name or None,
        phone=check("phone", _phone), email=check("email", _email),
        birthday=check("birthday", lambda v: _birthday(v, today)),
        balance=check("balance", _balance) or 0,
        tier=check("tier", lambda v: _tier(v, settings)) or "",
        tier_until=check("tier_until", _optional_date),
        joined_at=check("joined_at", lambda v: _joined(v, now)),
        marketing_consent=bool(check("marketing_consent", _consent)))
    if problems:
        raise FieldErrors(problems)
    return parsed


def _phone(value: str) -> str | None:
    if not value:
        return None
    try:
        return phones.parse(value, allow_foreign=True).e164
    except phones.PhoneError as exc:
        raise ValueError(f"{value!r}: {exc}") from None


def _email(value: str) -> str | None:
    if not value:
        return None
    if len(value) > 254 or not _EMAIL.fullmatch(value):
        raise ValueError(f"{value!r} is not an email address")
    return value.lower()


def _date(value: str) -> date:
    found = _DATE.fullmatch(value.split("T")[0].split(" ")[0])
    if not found:
        raise ValueError(f"{value!r} is not a date (write 2024-03-31)")
    try:
        return date(*map(int, found.groups()))
    except ValueError:
        raise ValueError(f"{value!r} is not a date of the calendar") from None


def _optional_date(value: str) -> date | None:
    return _date(value) if value else None


def _birthday(value: str, today: date) -> tuple[int, int] | None:
    if not value:
        return None
    if _DATE.fullmatch(value):
        born = _date(value)
        if born > today:
            raise ValueError(f"{value!r} is in the future")
        if born.year < today.year - 120:
            raise ValueError(f"{value!r} is more than 120 years ago")
        return born.month, born.day
    found = _MONTH_DAY.fullmatch(value)
    if not found:
        raise ValueError(f"{value!r} is not a birthday (write 1990-03-31 or 03-31)")
    month, day = map(int, found.groups())
    try:
        date(2000, month, day)  # a leap year: 29 February is a birthday
    except ValueError:
        raise ValueError(f"{value!r} is not a day of the calendar") from None
    return month, day


def _balance(value: str) -> int:
    text = value.replace(",", "").replace("_", "")
    if not text:
        return 0
    if not re.fullmatch(r"[+-]?\d+", text):
        raise ValueError(f"{value!r} is not a whole number of points")
    points = int(text)
    if points < 0:
        raise ValueError(f"{value!r}: a balance cannot be negative")
    if points > MAX_BALANCE:
        raise ValueError(f"{value!r}: more than {MAX_BALANCE:,} points")
    return points


def _tier(value: str, settings: ProgramSettings) -> str:
    ordered = sorted(settings.tiers, key=lambda t: t.threshold)
    if not value:
        return ordered[0].code
    wanted = value.casefold()
    for tier in ordered:
        if wanted in (tier.code.casefold(), tier.name("en").casefold(), tier.name("zh-TW").casefold()):
            return tier.code
    raise ValueError(f"{value!r} is not a tier of this programme ({', '.join(t.code for t in ordered)})")


def _joined(value: str, now: datetime) -> datetime | None:
    if not value:
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        moment = datetime.combine(_date(value), time(0))
    moment = moment.replace(tzinfo=now.tzinfo) if moment.tzinfo is None else moment.astimezone(now.tzinfo)
    if moment > now:
        raise ValueError(f"{value!r} is in the future")
    return moment


def _consent(value: str) -> bool:
    word = value.casefold()
    if word in _YES:
        return True
    if word in _NO:
        return False
    raise ValueError(f"{value!r} is neither yes nor no (write 1 or 0)")
