"""Console sessions: 8 hours at most, an idle timeout, and logout ends them on the server."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone
from email.utils import parsedate_to_datetime

from tests.console.conftest import ConsoleClient


def _inside(client) -> bool:
    page = client.get("/console/members")
    return page.status_code == 200 and 'type="password"' not in page.get_data(as_text=True)


def _copy(app, client) -> ConsoleClient:
    """Another browser holding the same cookie (stolen, or copied before logout)."""
    other = ConsoleClient(app.test_client())
    cookie = client.client.get_cookie("session")
    other.client.set_cookie("session", cookie.value)
    return other


def test_the_cookie_lives_eight_hours_not_a_month(app, login_as):
    assert app.permanent_session_lifetime == timedelta(hours=8)
    c = ConsoleClient(app.test_client())
    from .conftest import create_staff

    create_staff(app, "cookie@shop.example", "viewer")
    page = c.client.get("/console/login")
    response = c.client.post("/console/login", data={"email": "cookie@shop.example",
                                                     "password": "correct-horse-battery-staple",
                                                     "csrf_token": c.token()})
    assert response.status_code == 302
    header = next(h for h in response.headers.getlist("Set-Cookie") if h.startswith("session="))
    expires = parsedate_to_datetime(header.split("Expires=")[1].split(";")[0])
    assert expires - datetime.now(timezone.utc) <= timedelta(hours=8, minutes=1)
    assert page.status_code == 200


def test_a_copied_cookie_dies_at_logout(app, login_as):
    admin = login_as("admin")
    thief = _copy(app, admin)
    assert _inside(thief)
    admin.post("/console/logout")
    assert not _inside(admin)
    assert not _inside(thief)


def test_eight_hours_is_the_limit_however_busy(app, login_as):
    rt = app.extensions["bot"]
    c = login_as("viewer")
    for _ in range(15):  # a request every 30 minutes keeps it from going idle...
        rt.clock.advance(timedelta(minutes=30))
        assert _inside(c)
    rt.clock.advance(timedelta(minutes=31))  # ...but not alive past 8 hours from the login
    assert not _inside(c)


def test_idle_sessions_end(app, login_as):
    rt = app.extensions["bot"]
    c = login_as("viewer")
    rt.clock.advance(timedelta(minutes=59))
    assert _inside(c)
    rt.clock.advance(timedelta(minutes=61))
    assert not _inside(c)


def test_changing_the_password_keeps_this_session_and_ends_the_others(app, login_as):
    first = login_as("viewer")
    second = login_as("viewer")
    response = first.post("/console/me", {"what": "password", "current": "correct-horse-battery-staple",
                                          "new": "another-long-password"})
    assert response.status_code == 302
    assert _inside(first)
    assert not _inside(second)
