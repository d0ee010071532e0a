"""Access to the console: login, roles, CSRF, lock-out, logout, sessions, staff CLI."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from console import roles
from console.models import StaffUser
from rewards.models import AuditLog

from .conftest import PASSWORD, ConsoleClient, create_staff

PAGES = ["/console/", "/console/members", "/console/segments", "/console/broadcasts", "/console/content",
         "/console/rewards", "/console/surveys"]
ADMIN_PAGES = ["/console/audit", "/console/staff", "/console/api-keys", "/console/shops"]


@pytest.mark.parametrize("path", PAGES + ADMIN_PAGES)
def test_a_stranger_is_sent_to_the_login_page(console, path):
    response = console.get(path)
    assert response.status_code == 302
    assert "/console/login" in response.headers["Location"]
    page = console.get(response.headers["Location"]).get_data(as_text=True)
    assert 'type="password"' in page and '<meta charset="utf-8">' in page


def test_a_stranger_cannot_post_anything(console):
    for path in ("/console/members/M12345678/points", "/console/broadcasts", "/console/segments",
                 "/console/staff"):
        assert console.post(path, {"name": "x"}).status_code in (401, 404, 405)


def test_login_then_every_page_then_logout(app, console):
    create_staff(app, "boss@shop.example", "admin")
    response = console.login("Boss@Shop.example ")
    assert response.status_code == 302 and response.headers["Location"].endswith("/console/")
    for path in PAGES + ADMIN_PAGES:
        assert console.get(path).status_code == 200, path
    assert console.post("/console/logout").status_code == 302
    assert console.get("/console/").status_code == 302


def test_login_goes_back_where_the_stranger_wanted_but_never_off_site(app, console):
    create_staff(app, "boss@shop.example", "admin")
    response = console.post("/console/login?next=/console/members%3Fq%3Dabc",
                            {"email": "boss@shop.example", "password": PASSWORD})
    assert response.headers["Location"].endswith("/console/members?q=abc")
    console.post("/console/logout")
    response = console.post("/console/login?next=https://evil.example/",
                            {"email": "boss@shop.example", "password": PASSWORD})
    assert response.headers["Location"].endswith("/console/")


def test_a_wrong_password_or_unknown_email_is_refused_alike(app, console):
    create_staff(app, "boss@shop.example", "admin")
    wrong = console.login("boss@shop.example", "not-the-password")
    unknown = console.login("nobody@shop.example", "not-the-password")
    assert wrong.status_code == unknown.status_code == 401
    assert "Wrong e-mail or password" in wrong.get_data(as_text=True)
    assert "Wrong e-mail or password" in unknown.get_data(as_text=True)


def test_five_wrong_passwords_lock_the_account_for_a_while(app, console, clock):
    create_staff(app, "boss@shop.example", "admin")
    for _ in range(4):
        assert console.login("boss@shop.example", "guess-guess-guess").status_code == 401
    locked = console.login("boss@shop.example", "guess-guess-guess")
    assert "locked" in locked.get_data(as_text=True)
    # even the right password is refused while locked
    assert console.login("boss@shop.example").status_code == 401
    with app.extensions["bot"].db.session() as s:
        assert s.scalar(select(AuditLog.action).where(AuditLog.target == "staff:boss@shop.example")) == "staff.locked"
    clock.advance(timedelta(minutes=16))
    assert console.login("boss@shop.example").status_code == 302


def test_a_right_password_resets_the_count_of_failures(app, console):
    create_staff(app, "boss@shop.example", "admin")
    for _ in range(4):
        console.login("boss@shop.example", "guess-guess-guess")
    assert console.login("boss@shop.example").status_code == 302
    console.post("/console/logout")
    for _ in range(4):
        console.login("boss@shop.example", "guess-guess-guess")
    assert console.login("boss@shop.example").status_code == 302


def test_a_form_without_the_csrf_token_is_refused(app, login_as):
    admin = login_as("admin")
    response = admin.post("/console/staff", {"email": "x@shop.example", "password": "long-enough-pw", "role": "viewer"},
                          csrf=False)
    assert response.status_code == 400
    response = admin.post("/console/staff", {"email": "x@shop.example", "password": "long-enough-pw", "role": "viewer",
                                             "csrf_token": "forged"}, csrf=False)
    assert response.status_code == 400
    with app.extensions["bot"].db.session() as s:
        assert s.scalar(select(StaffUser).where(StaffUser.email == "x@shop.example")) is None
    assert admin.post("/console/staff", {"email": "x@shop.example", "password": "long-enough-pw",
                                         "role": "viewer"}).status_code == 302
    with app.extensions["bot"].db.session() as s:
        assert s.scalar(select(StaffUser).where(StaffUser.email == "x@shop.example")) is not None


def test_the_login_form_itself_needs_the_token(app, console):
    create_staff(app, "boss@shop.example", "admin")
    assert console.post("/console/login", {"email": "boss@shop.example", "password": PASSWORD},
                        csrf=False).status_code == 400


def test_a_new_login_gets_a_new_session_and_token(app, console):
    create_staff(app, "boss@shop.example", "admin")
    before = console.token()
    console.login("boss@shop.example")
    assert console.token() != before


def test_a_changed_role_ends_older_sessions(app, login_as):
    viewer = login_as("viewer", "v@shop.example")
    admin = login_as("admin")
    assert viewer.get("/console/members").status_code == 200
    with app.extensions["bot"].db.session() as s:
        person = s.scalar(select(StaffUser).where(StaffUser.email == "v@shop.example"))
    admin.post(f"/console/staff/{person.id}", {"what": "deactivate"})
    assert viewer.get("/console/members").status_code == 302


def test_session_cookie_is_httponly_and_lax_and_secure_in_production(app):
    assert app.config["SESSION_COOKIE_HTTPONLY"] is True
    assert app.config["SESSION_COOKIE_SAMESITE"] == "Lax"
    from app import create_app
    prod = create_app({"BOT_ENV": "production", "LINE_CHANNEL_SECRET": "s", "LINE_CHANNEL_ACCESS_TOKEN": "t",
                       "SECRET_KEY": "k" * 40, "BOT_PUBLIC_URL": "https://bot.shop.example",
                       "DATABASE_URL": app.extensions["bot"].config.DATABASE_URL})
    assert prod.config["SESSION_COOKIE_SECURE"] is True
    prod.extensions["inbox_worker"].shutdown()


def test_console_pages_forbid_framing_and_foreign_scripts(login_as):
    response = login_as("viewer").get("/console/members")
    assert response.headers["X-Frame-Options"] == "DENY"
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]
    assert response.headers["Cache-Control"] == "no-store"


# -- roles -----------------------------------------------------------------------------------------

ROLE_RULES = {
    # permission: (viewer, marketer, admin)
    "read": (True, True, True),
    "read_member_text": (False, True, True),
    "edit_tags": (False, True, True),
    "edit_segments": (False, True, True),
    "send_broadcasts": (False, True, True),
    "edit_content": (False, True, True),
    "handle_surveys": (False, True, True),
    "answer_chats": (False, True, True),
    "adjust_points": (False, False, True),
    "export_member": (False, False, True),
    "erase_member": (False, False, True),
    "manage_staff": (False, False, True),
    "manage_api_keys": (False, False, True),
    "manage_shops": (False, False, True),
    "read_audit": (False, False, True),
}


@pytest.mark.parametrize("permission", sorted(ROLE_RULES))
def test_role_table(permission):
    assert tuple(roles.can(r, permission) for r in ("viewer", "marketer", "admin")) == ROLE_RULES[permission]
    assert roles.can(None, permission) is False


def test_every_permission_has_a_rule_in_this_test():
    assert set(ROLE_RULES) == set(roles.PERMISSIONS)


@pytest.mark.parametrize("role", ["viewer", "marketer", "admin", None])
def test_reading_chats_needs_the_one_rule_for_members_words(role):
    """Whoever may answer handed-off chats reads members' own words: they need read_member_text."""
    for permission, needed in roles.NEEDS.items():
        assert not roles.can(role, permission) or roles.can(role, needed)
    assert roles.NEEDS["answer_chats"] == "read_member_text"


@pytest.mark.parametrize("role", ["viewer", "marketer"])
@pytest.mark.parametrize("path", ADMIN_PAGES)
def test_admin_pages_are_closed_to_other_roles(login_as, role, path):
    assert login_as(role).get(path).status_code == 403


def test_only_admins_manage_staff(app, login_as):
    for role in ("viewer", "marketer"):
        c = login_as(role)
        assert c.post("/console/staff", {"email": f"new-{role}@shop.example", "password": "long-enough-pw",
                                         "role": "admin"}).status_code == 403
    with app.extensions["bot"].db.session() as s:
        assert s.scalar(select(StaffUser).where(StaffUser.email.like("new-%"))) is None


def test_the_last_admin_cannot_be_demoted(app, login_as):
    admin = login_as("admin")
    with app.extensions["bot"].db.session() as s:
        me = s.scalar(select(StaffUser).where(StaffUser.email == "admin@shop.example"))
    admin.post(f"/console/staff/{me.id}", {"what": "role", "role": "viewer"})
    with app.extensions["bot"].db.session() as s:
        assert s.get(StaffUser, me.id).role == "admin"


def test_staff_changes_are_audited(app, login_as):
    admin = login_as("admin")
    admin.post("/console/staff", {"email": "new@shop.example", "password": "long-enough-pw", "role": "viewer"})
    with app.extensions["bot"].db.session() as s:
        row = s.scalar(select(AuditLog).where(AuditLog.action == "staff.create", AuditLog.target == "staff:new@shop.example"))
        assert row.actor == "admin@shop.example" and row.details == {"role": "viewer"}
    page = admin.get("/console/audit?action=staff").get_data(as_text=True)
    assert "new@shop.example" in page
    csv = admin.get("/console/audit?action=staff&format=csv")
    assert csv.mimetype == "text/csv" and "staff.create" in csv.get_data(as_text=True)


# -- the operator's CLI ----------------------------------------------------------------------------

def test_staff_cli_creates_with_a_strong_hash_and_lists(app):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["staff", "create", "Ops@Shop.example", "--role", "marketer", "--password-stdin"],
                           input="a-long-password-1\n")
    assert result.exit_code == 0, result.output
    with app.extensions["bot"].db.session() as s:
        person = s.scalar(select(StaffUser).where(StaffUser.email == "ops@shop.example"))
        assert person.role == "marketer"
        assert person.password_hash.startswith(("scrypt:", "pbkdf2:")) and "a-long-password-1" not in person.password_hash
    listing = runner.invoke(args=["staff", "list"])
    assert "ops@shop.example\tmarketer\tactive" in listing.output
    again = runner.invoke(args=["staff", "create", "ops@shop.example", "--role", "viewer", "--password-stdin"],
                          input="a-long-password-1\n")
    assert again.exit_code != 0 and "already" in again.output
    short = runner.invoke(args=["staff", "create", "short@shop.example", "--role", "viewer", "--password-stdin"],
                          input="short\n")
    assert short.exit_code != 0


def test_staff_cli_prompts_for_the_password(app):
    result = app.test_cli_runner().invoke(args=["staff", "create", "p@shop.example", "--role", "viewer"],
                                          input="a-long-password-1\na-long-password-1\n")
    assert result.exit_code == 0, result.output
    c = ConsoleClient(app.test_client())
    assert c.login("p@shop.example", "a-long-password-1").status_code == 302
