from core import migrate


def test_healthz_reports_the_database(client):
    response = client.get("/healthz")
    assert response.status_code == 200 and response.json["database"] == "ok"


def test_healthz_when_the_database_is_gone(app):
    from core.db import Database

    app.extensions["bot"].db = Database("postgresql+psycopg://postgres@127.0.0.1:9/nothing?connect_timeout=2")
    response = app.test_client().get("/healthz")
    assert response.status_code == 503 and response.json["database"] == "unreachable"


def test_db_upgrade_command_is_safe_twice(tmp_path, simulator_server, clock):
    from ..conftest import make_app

    url = f"sqlite:///{tmp_path}/fresh.db"
    app = make_app(url, simulator_server.url, clock)
    runner = app.test_cli_runner()
    for _ in range(2):
        result = runner.invoke(args=["db", "upgrade"])
        assert result.exit_code == 0, result.output
        assert "current schema" in result.output
    app.extensions["bot"].db.dispose()
    assert migrate  # the command drives core.migrate


def test_demo_seed_is_safe_twice(app):
    from sqlalchemy import func, select

    from rewards import ledger
    from rewards.models import Member, Order

    runner = app.test_cli_runner()
    for _ in range(2):
        result = runner.invoke(args=["demo", "seed"])
        assert result.exit_code == 0, result.output
    with app.extensions["bot"].db.session() as s:
        assert s.scalar(select(func.count()).select_from(Member)) == 3
        assert s.scalar(select(func.count()).select_from(Order)) == 4
        assert not ledger.find_inconsistencies(s)


def test_demo_seed_makes_a_console_login_outside_production(app, tmp_path):
    from console import staff as accounts

    login = tmp_path / "login.txt"
    runner = app.test_cli_runner()
    first = runner.invoke(args=["demo", "seed", "--login-file", str(login)])
    assert first.exit_code == 0, first.output
    password = login.read_text().strip()
    assert f"admin@demo.local / {password}" in first.output
    again = runner.invoke(args=["demo", "seed", "--login-file", str(login)])
    assert password in again.output
    rt = app.extensions["bot"]
    assert accounts.authenticate(rt.db, "admin@demo.local", password, rt.clock.now()).ok
