"""LINK codes cannot be guessed (issue 19, item 3): the probe took 500 guesses of a 6-digit code in
1.3 s from one LINE user. Codes are now 12 symbols of an unambiguous alphabet, live 5 minutes, and
tries are limited per LINE user and per code, counted in the database (so every web process counts
the same); each link is in the audit trail."""
from __future__ import annotations

import re
import threading
from datetime import timedelta

import pytest
from sqlalchemy import select

from messaging import staff_link
from rewards import codes
from rewards.models import AuditLog

from ..conftest import make_app
from ..e2e.chat import Chat
from .conftest import create_staff

CODE = re.compile(r'id="line-link-code">LINK ([0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4})<')
STAFF_LINE = "U" + "7" * 32
GUESSER = "U" + "6" * 32


def _code(app, login_as, email="me@shop.example"):
    create_staff(app, email, "marketer")
    marketer = login_as("marketer", email)
    marketer.post("/console/me/line-link")
    return CODE.search(marketer.get("/console/me").get_data(as_text=True)).group(1)


def _audit(app, action):
    with app.extensions["bot"].db.session() as s:
        return [(r.actor, r.target, r.details) for r in s.scalars(select(AuditLog).where(AuditLog.action == action))]


def _wrong(code: str, n: int) -> str:
    """Another code naming the same link (its first four symbols), wrong in its last symbol."""
    plain = code.replace("-", "")
    last = codes.ALPHABET[(codes.ALPHABET.index(plain[-1]) + n) % len(codes.ALPHABET)]
    return plain[:-1] + last


def test_a_code_is_long_unambiguous_and_short_lived(app, login_as, clock):
    code = _code(app, login_as)
    plain = code.replace("-", "")
    assert len(plain) == 12 and set(plain) <= set(codes.ALPHABET)  # no 0/O, 1/I/L
    assert staff_link.VALID_FOR <= timedelta(minutes=5)
    with app.extensions["bot"].db.session() as s:
        outcome = staff_link.redeem(s, plain, STAFF_LINE, clock.now() + staff_link.VALID_FOR)
        assert not outcome.linked  # expired at VALID_FOR


def test_one_line_user_gets_five_tries_then_is_told_to_wait_in_their_language(app, client, sender, line, login_as,
                                                                             clock):
    code = _code(app, login_as)
    chat = Chat(client, sender, line)
    line.add_user(GUESSER, "Guess", "en")
    chat.follow(GUESSER)
    for n in range(staff_link.ATTEMPTS_PER_USER):
        assert "unknown or expired" in str(chat.say(GUESSER, f"LINK {n:06d}"))
    # the sixth try is refused, even with the right code
    refused = str(chat.say(GUESSER, f"LINK {code}"))
    assert "Too many link codes tried" in refused and "15 minutes" in refused
    zh = "U" + "5" * 32
    chat.follow(zh)
    for n in range(staff_link.ATTEMPTS_PER_USER):
        chat.say(zh, f"綁定 {n:06d}")
    assert "連結碼輸入次數過多，請 15 分鐘後再試" in str(chat.say(zh, f"LINK {code}"))
    with app.extensions["bot"].db.session() as s:
        assert staff_link.linked(s, s.scalar(select(staff_link.StaffLineLink.staff_id))) is None
    # a window later the same user may try again
    clock.advance(staff_link.ATTEMPT_WINDOW)
    assert "unknown or expired" in str(chat.say(GUESSER, "LINK 000000"))


def test_three_wrong_tries_at_one_code_void_it_whoever_makes_them(app, client, sender, line, login_as):
    code = _code(app, login_as)
    chat = Chat(client, sender, line)
    for n in range(1, staff_link.ATTEMPTS_PER_CODE + 1):  # three LINE users, one wrong try each
        assert "無效或已過期" in str(chat.say("U" + str(n) * 32, f"LINK {_wrong(code, n)}"))
    assert "無效或已過期" in str(chat.say(STAFF_LINE, f"LINK {code}"))  # the right code: void now
    assert [(actor, target) for actor, target, _ in _audit(app, "staff.line_link_code_voided")] == [
        ("line:U…3333", "staff:me@shop.example")]
    # a new code works, and the link is audited with the LINE account masked
    marketer = login_as("marketer", "me@shop.example")
    marketer.post("/console/me/line-link")
    fresh = CODE.search(marketer.get("/console/me").get_data(as_text=True)).group(1)
    assert "已連結" in str(chat.say(STAFF_LINE, f"LINK {fresh}"))
    assert _audit(app, "staff.line_linked") == [("line:U…7777", "staff:me@shop.example",
                                                  {"line_account": "U…7777", "tries": 1})]


def test_the_limit_holds_across_processes_and_parallel_tries(app, database_url, simulator_server, clock, login_as):
    """Two apps on one database (as two web processes): their tries add up. Twelve parallel tries
    of one LINE user: exactly five are looked at."""
    code = _code(app, login_as)
    other = make_app(database_url, simulator_server.url, clock)
    try:
        apps = [app, other]

        def attempt(i):
            rt = apps[i % 2].extensions["bot"]
            return rt.db.run(lambda s: staff_link.redeem(s, _wrong(code, 1 + i % 5), GUESSER, clock.now()),
                             write=True)

        outcomes = [None] * 12
        threads = [threading.Thread(target=lambda i=i: outcomes.__setitem__(i, attempt(i))) for i in range(12)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        looked_at = [o for o in outcomes if o.retry_in is None]
        assert len(looked_at) == staff_link.ATTEMPTS_PER_USER and not any(o.linked for o in outcomes)
        rt = other.extensions["bot"]
        assert rt.db.run(lambda s: staff_link.redeem(s, code, GUESSER, clock.now()), write=True).retry_in is not None
    finally:
        other.extensions["inbox_worker"].shutdown()
        other.extensions["bot"].db.dispose()


@pytest.mark.parametrize("text, code", [("LINK ABCD-EFGH-JKMN", "ABCDEFGHJKMN"), ("link abcd efgh jkmn", "ABCDEFGHJKMN"),
                                        ("綁定：ABCDEFGHJKMN", "ABCDEFGHJKMN"), ("LINK 482913", "482913")])
def test_what_counts_as_a_try(text, code):
    assert staff_link.code_in(text) == code


@pytest.mark.parametrize("text", ["link", "LINK up", "我要綁定會員", "hello LINK ABCDEFGHJKMN"])
def test_what_is_not_a_try(text):
    assert staff_link.code_in(text) is None
