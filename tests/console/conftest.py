"""Fixtures for the console's tests: staff accounts of each role and clients logged in as them."""
from __future__ import annotations

import re

import pytest

from console import staff as accounts

PASSWORD = "correct-horse-battery-staple"
TOKEN_FIELD = re.compile(r'name="csrf_token" value="([^"]+)"')


class ConsoleClient:
    """A Flask test client that sends the session's CSRF token with every form, like a browser would."""

    def __init__(self, client):
        self.client = client

    def token(self) -> str:
        with self.client.session_transaction() as session:
            token = session.get("csrf_token")
        if token is None:
            page = self.client.get("/console/login").get_data(as_text=True)
            token = TOKEN_FIELD.search(page).group(1)
        return token

    def get(self, path, **kw):
        return self.client.get(path, **kw)

    def post(self, path, data=None, csrf=True, **kw):
        data = dict(data or {})
        if csrf:
            data.setdefault("csrf_token", self.token())
        return self.client.post(path, data=data, **kw)

    def login(self, email, password=PASSWORD):
        return self.post("/console/login", {"email": email, "password": password})


def create_staff(app, email, role, password=PASSWORD, line_user_id=None):
    """A staff account; with `line_user_id`, its LINE account linked as the LINK code leaves it."""
    from messaging.models import StaffLineLink

    rt = app.extensions["bot"]
    with rt.db.session() as s:
        person = accounts.create_staff(s, email, password, role, rt.clock.now())
        if line_user_id:
            s.add(StaffLineLink(staff_id=person.id, line_user_id=line_user_id, linked_at=rt.clock.now()))
    return email


@pytest.fixture
def console(app):
    return ConsoleClient(app.test_client())


@pytest.fixture
def login_as(app):
    """login_as("admin") -> a ConsoleClient logged in as a fresh staff member with that role."""
    made = {}

    def log_in(role, email=None):
        email = email or f"{role}@shop.example"
        if email not in made:
            rt = app.extensions["bot"]
            with rt.db.session() as s:
                exists = accounts.by_email(s, email) is not None
            made[email] = email if exists else create_staff(app, email, role)
        c = ConsoleClient(app.test_client())
        response = c.login(email)
        assert response.status_code == 302, response.get_data(as_text=True)[:300]
        return c

    return log_in
