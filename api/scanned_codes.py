"""A member code as the till got it: the printed code, or the card page's rotating code
(`{member code}-{6 digits}`, rewards/card_codes.py), accepted only while current, so a screenshot of
an old card is refused (410 `card_code_expired`). Every endpoint that names a member by code reads
it through here: the look-up, spending points, and an order."""
from __future__ import annotations

from core.runtime import runtime
from rewards import card_codes

from .errors import ApiError


def member_code_of(code: str) -> str:
    if not card_codes.is_rotating(code):
        return code
    rt = runtime()
    found = card_codes.member_code_of(card_codes.key_from(rt.config.SECRET_KEY), code, rt.clock.now())
    if found is None:
        raise ApiError(410, "card_code_expired", "this card code is not current: ask the member to open "
                                                 "their card again (the code changes every few minutes)")
    return found
