"""Phone numbers: one way to read what a person or a file wrote, and one way to store it (E.164).

Taiwan first: a mobile number is written 0912-345-678, 0912 345 678, +886 912 345 678 or
886912345678 and stored as +886912345678. A Taiwan landline (02-2345-6789) is recognised and refused
for verification (no SMS reaches it). A foreign number must be written with its country code
(+81 90 1234 5678); whether it is accepted is the caller's setting (`allow_foreign`).
"""
from __future__ import annotations

import re
from dataclasses import dataclass

TAIWAN = "+886"
# the marks people put between digits: spaces (also the ideographic one), dashes, dots, brackets
_SEPARATORS = re.compile(r"[\s\-\u2010-\u2015\u2212\u30fc\uff0d.()\uff08\uff09]")
# E.164: a country code and at most 15 digits in all
_E164 = re.compile(r"\+[1-9]\d{6,14}")
# full-width digits and plus (typed on a Chinese keyboard) read as their ASCII forms
_FULL_WIDTH = str.maketrans("０１２３４５６７８９＋", "0123456789+")


class PhoneError(ValueError):
    """Why a text is not a usable phone number; `code` is stable, for the caller's own words."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code


@dataclass(frozen=True)
class Phone:
    e164: str

    @property
    def is_taiwan(self) -> bool:
        return self.e164.startswith(TAIWAN)

    @property
    def national(self) -> str:
        """0912345678 for a Taiwan number; the E.164 form otherwise."""
        return "0" + self.e164[len(TAIWAN):] if self.is_taiwan else self.e164

    @property
    def masked(self) -> str:
        """0912-***-678: enough for the till to recognise, not enough to call."""
        if self.is_taiwan and len(self.national) == 10:
            n = self.national
            return f"{n[:4]}-***-{n[-3:]}"
        return self.e164[:4] + "*" * max(len(self.e164) - 7, 3) + self.e164[-3:]


def parse(text: str, *, allow_foreign: bool = False) -> Phone:
    """The mobile number `text` writes, or PhoneError(code) saying why not.

    Codes: `empty`, `not_a_number`, `landline` (a Taiwan fixed line), `foreign` (another country,
    refused unless `allow_foreign`), `invalid` (wrong length or prefix).
    """
    raw = (text or "").translate(_FULL_WIDTH).strip()
    if not raw:
        raise PhoneError("empty", "no phone number given")
    compact = _SEPARATORS.sub("", raw)
    if compact.startswith("00"):  # the international prefix dialled from Taiwan
        compact = "+" + compact[2:]
    if not re.fullmatch(r"\+?\d+", compact):
        raise PhoneError("not_a_number", "a phone number has only digits, spaces and dashes")
    if compact.startswith("+"):
        e164 = compact
    elif compact.startswith("886"):
        e164 = "+" + compact
    elif compact.startswith("0"):
        e164 = TAIWAN + compact[1:]
    elif len(compact) == 9 and compact.startswith("9"):  # 912345678: the leading 0 left off
        e164 = TAIWAN + compact
    else:
        raise PhoneError("invalid", "write the number as 0912-345-678, or with its country code")
    if e164.startswith(TAIWAN):
        national = e164[len(TAIWAN):].lstrip("0")
        if not national.startswith("9"):
            if 7 <= len(national) <= 9:
                raise PhoneError("landline", "a landline cannot receive a text message")
            raise PhoneError("invalid", "a Taiwan mobile number has 10 digits and starts with 09")
        if len(national) != 9:
            raise PhoneError("invalid", "a Taiwan mobile number has 10 digits and starts with 09")
        return Phone(TAIWAN + national)
    if not _E164.fullmatch(e164):
        raise PhoneError("invalid", "not a valid international number")
    if not allow_foreign:
        raise PhoneError("foreign", "only Taiwan mobile numbers are accepted")
    return Phone(e164)


def normalise_or_none(text: str | None, *, allow_foreign: bool = True) -> str | None:
    """The E.164 form of `text`, or None when it is not a mobile number (for look-ups)."""
    try:
        return parse(text or "", allow_foreign=allow_foreign).e164
    except PhoneError:
        return None


def mask(e164: str | None) -> str | None:
    return Phone(e164).masked if e164 else None



# the separators `parse` removes, as a character class (spaces other than these two are left out:
# the document's pattern may be stricter than the reading, never looser)
_SEP = "[ \u3000\\-\u2010-\u2015\u2212\u30fc\uff0d.()\uff08\uff09]*"


def _d(ascii_class: str) -> str:
    """One digit of `ascii_class` (e.g. "8", "0-9", "1-79"), also full width, after any separators."""
    return _SEP + "[" + ascii_class + ascii_class.translate(str.maketrans("0123456789", "０１２３４５６７８９")) + "]"


def _pattern() -> str:
    plus = "(?:" + _SEP + "[+\uff0b]|" + _d("0") + _d("0") + ")"
    digits = lambda low, high: f"(?:{_d('0-9')}){{{low},{high}}}"  # noqa: E731
    mobile = _d("9") + digits(8, 8)
    taiwan = f"(?:{plus}?{_d('8')}{_d('8')}{_d('6')}(?:{_d('0')})*{mobile}|(?:{_d('0')})?{mobile})"
    foreign = (f"(?:{plus}(?:{_d('1-79')}{digits(6, 14)}|{_d('8')}{_d('0-79')}{digits(5, 13)}"
               f"|{_d('8')}{_d('8')}{_d('0-57-9')}{digits(4, 12)}))")
    return f"^(?:{taiwan}|{foreign}){_SEP}$(?!\n)"


# Every writing `parse(..., allow_foreign=True)` reads as a mobile number, as one regular expression
# (the API's document states it as the `phone` query's pattern): Taiwan with or without +886, 886,
# 00886 or the leading 0; another country's number after + or 00 (7 to 15 digits, not 886).
PATTERN = _pattern()
