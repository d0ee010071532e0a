"""The lock-out holds under a race, and each address is throttled (Flask-Limiter, memory or Redis)."""
from __future__ import annotations

import threading
import uuid
from datetime import timedelta

import pytest
import redis

from console import staff as accounts
from tests.conftest import make_app

from .conftest import PASSWORD, create_staff


def _counting_checks(monkeypatch):
    """Count the password checks `authenticate` makes (the real check still runs)."""
    calls = []
    real = accounts.check_password_hash

    def counted(pwhash, password):
        calls.append(1)
        return real(pwhash, password)

    monkeypatch.setattr(accounts, "check_password_hash", counted)
    return calls


def test_sixteen_parallel_wrong_passwords_check_at_most_five(app, monkeypatch):
    rt = app.extensions["bot"]
    email = create_staff(app, "race@shop.example", "viewer")
    calls = _counting_checks(monkeypatch)
    start = threading.Barrier(16)
    results = []

    def attempt(i):
        start.wait()
        results.append(accounts.authenticate(rt.db, email, f"wrong-{i}", rt.clock.now()))

    threads = [threading.Thread(target=attempt, args=(i,)) for i in range(16)]
    [t.start() for t in threads]
    [t.join() for t in threads]
    assert len(results) == 16 and not any(r.ok for r in results)
    assert len(calls) <= accounts.MAX_FAILED_LOGINS
    assert sum(1 for r in results if r.just_locked is not None) == 1
    calls.clear()
    # the right password is refused while locked, and not even checked
    assert not accounts.authenticate(rt.db, email, PASSWORD, rt.clock.now()).ok
    assert calls == []
    rt.clock.advance(accounts.LOCK_FOR + timedelta(seconds=1))
    assert accounts.authenticate(rt.db, email, PASSWORD, rt.clock.now()).ok


def test_the_fifth_wrong_password_locks_and_four_do_not(app):
    rt = app.extensions["bot"]
    email = create_staff(app, "five@shop.example", "viewer")
    for _ in range(4):
        assert not accounts.authenticate(rt.db, email, "wrong", rt.clock.now()).ok
    assert accounts.authenticate(rt.db, email, PASSWORD, rt.clock.now()).ok  # the count starts again
    results = [accounts.authenticate(rt.db, email, "wrong", rt.clock.now()) for _ in range(5)]
    assert [r.just_locked is not None for r in results] == [False] * 4 + [True]
    assert not accounts.authenticate(rt.db, email, PASSWORD, rt.clock.now()).ok


def _login_statuses(client_app, email, count, address="203.0.113.7"):
    from tests.console.conftest import ConsoleClient

    c = ConsoleClient(client_app.test_client())
    return [c.client.post("/console/login", data={"email": email, "password": "wrong", "csrf_token": c.token()},
                          environ_base={"REMOTE_ADDR": address}).status_code for _ in range(count)]


def test_one_address_is_throttled_in_memory(app):
    statuses = _login_statuses(app, "nobody@shop.example", 11)
    assert statuses[:10] == [401] * 10 and statuses[10] == 429
    # another address is not held back by the first one
    assert _login_statuses(app, "nobody@shop.example", 1, address="198.51.100.2") == [401]


def test_redis_storage_shares_the_count_between_processes(database_url, simulator_server, line, clock):
    client = redis.Redis.from_url("redis://127.0.0.1:6379/0")
    try:
        client.ping()
    except redis.ConnectionError:
        pytest.skip("no Redis at 127.0.0.1:6379")
    prefix = f"i11-test-{uuid.uuid4().hex}"
    settings = dict(RATELIMIT_STORAGE_URI="redis://127.0.0.1:6379/0", RATELIMIT_KEY_PREFIX=prefix,
                    LOGIN_RATE_LIMIT="4 per minute")
    first = make_app(database_url, simulator_server.url, clock, **settings)
    second = make_app(database_url, simulator_server.url, clock, **settings)
    try:
        assert _login_statuses(first, "x@shop.example", 3) == [401] * 3
        assert _login_statuses(second, "x@shop.example", 2) == [401, 429]  # the 5th across both
        assert any(prefix in key.decode() for key in client.scan_iter(f"*{prefix}*"))  # kept in Redis
    finally:
        for key in client.scan_iter(f"*{prefix}*"):
            client.delete(key)
        for a in (first, second):
            a.extensions["inbox_worker"].shutdown()
            a.extensions["bot"].db.dispose()
