"""First run (demo seed on another day, missing tables, start page) and day two (health, metrics, logs)."""
from __future__ import annotations

import io
import json
import logging
from datetime import timedelta

from sqlalchemy import func, select

from rewards.models import Coupon, Member, Order


def test_demo_seed_runs_again_on_another_day_and_keeps_the_data(app, clock):
    runner = app.test_cli_runner()
    first = runner.invoke(args=["demo", "seed"])
    assert first.exit_code == 0, first.output
    clock.advance(timedelta(days=3, hours=5))  # each demo order's placed_at is relative to now
    again = runner.invoke(args=["demo", "seed"])
    assert again.exit_code == 0, again.output
    with app.extensions["bot"].db.session() as s:
        assert s.scalar(select(func.count()).select_from(Order)) == 4
        codes = set(s.scalars(select(Member.member_code)))
        assert codes == {"MWANG2345", "MAMYC2345", "MLINM2345"}
        coupon = s.scalar(select(Coupon).where(Coupon.code == "DEMOCOFFEE23"))
        assert coupon is not None and coupon.redeemed_at is None
    assert "MWANG2345" in again.output and "DEMOCOFFEE23" in again.output


def test_demo_seed_writes_the_demo_line_users_for_the_simulator(app, tmp_path):
    users = tmp_path / "instance" / "demo-line-users.json"
    result = app.test_cli_runner().invoke(args=["demo", "seed", "--simulator-users", str(users)])
    assert result.exit_code == 0, result.output
    listed = json.loads(users.read_text(encoding="utf-8"))
    assert [u["displayName"] for u in listed] == ["王小明", "Amy Chen", "林美玲"]
    assert {u["friendship"] for u in listed} == {"friend"} and listed[1]["language"] == "en"


def test_every_cli_command_answers_a_database_without_tables_with_one_line(tmp_path, simulator_server, clock):
    from ..conftest import make_app

    app = make_app(f"sqlite:///{tmp_path}/empty.db", simulator_server.url, clock)
    runner = app.test_cli_runner()
    for args in (["apikey", "create", "pos-xinyi"], ["demo", "seed"], ["staff", "list"],
                 ["points", "adjust", "MWANG2345", "10", "--reason", "test"]):
        result = runner.invoke(args=args)
        assert result.exit_code == 1, (args, result.output)
        lines = result.output.strip().splitlines()
        assert len(lines) == 1 and "no tables yet" in lines[0] and "db upgrade" in lines[0], (args, result.output)
        assert "Traceback" not in result.output and result.exception is None or isinstance(result.exception, SystemExit)
    app.extensions["inbox_worker"].shutdown()
    app.extensions["bot"].db.dispose()


def test_a_database_that_cannot_be_opened_is_one_line_too(tmp_path, simulator_server, clock):
    from ..conftest import make_app

    app = make_app("postgresql+psycopg://postgres:secret@127.0.0.1:9/nothing?connect_timeout=2", simulator_server.url, clock)
    result = app.test_cli_runner().invoke(args=["apikey", "create", "pos-xinyi"])
    assert result.exit_code == 1 and len(result.output.strip().splitlines()) == 1
    assert "cannot open the database" in result.output and "secret" not in result.output
    app.extensions["inbox_worker"].shutdown()
    app.extensions["bot"].db.dispose()


def _postgresql_server() -> str:
    """A PostgreSQL server to ask for a database it does not have: the tests' own, else a local one."""
    import pytest
    from sqlalchemy import create_engine

    from ..conftest import ON_POSTGRES, PG_URL

    url = PG_URL if ON_POSTGRES else "postgresql+psycopg://postgres@127.0.0.1:5432/postgres?connect_timeout=2"
    engine = create_engine(url)
    try:
        with engine.connect():
            pass
    except Exception:  # noqa: BLE001 - no server here to ask
        pytest.skip("no PostgreSQL server at " + url)
    finally:
        engine.dispose()
    return url


def test_a_postgresql_database_that_does_not_exist_is_named_for_what_it_is(simulator_server, clock, caplog):
    """It was reported as "no tables yet, run db upgrade", which cannot help: there is no database to upgrade."""
    import uuid

    from sqlalchemy.engine import make_url

    from cli.start import start_up
    from ..conftest import make_app

    name = f"bot_never_created_{uuid.uuid4().hex[:8]}"
    url = make_url(_postgresql_server()).set(database=name, password="s3cret").render_as_string(hide_password=False)
    app = make_app(url, simulator_server.url, clock)
    try:
        runner = app.test_cli_runner()
        for args in (["apikey", "list"], ["staff", "list"], ["worker"]):
            result = runner.invoke(args=args)
            assert result.exit_code == 1, (args, result.output)
            (line,) = result.output.strip().splitlines()
            assert f"the database at postgresql+psycopg://postgres:***@" in line and f"/{name}" in line
            assert "does not exist: create it first" in line
            assert "createdb" in line and "no tables" not in line and "s3cret" not in line
        caplog.clear()
        with caplog.at_level(logging.ERROR, logger="cli.start"):
            problem = start_up(app.extensions["bot"])  # the web's start-up (gunicorn.conf.py)
        assert problem is not None and f"/{name}" in problem and "does not exist" in problem
        assert [r.getMessage() for r in caplog.records if r.name == "cli.start"] == [problem]
    finally:
        app.extensions["inbox_worker"].shutdown()
        app.extensions["bot"].db.dispose()


def test_the_start_page_links_the_console_health_api_and_simulator(simulator_server, database_url, clock):
    from ..conftest import make_app

    app = make_app(database_url, simulator_server.url, clock, BOT_ENV="development")
    page = app.test_client().get("/")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and '<meta charset="utf-8">' in html
    for href in ("/console", "/healthz", "/api/v1/openapi.json", simulator_server.url.rstrip("/") + "/"):
        assert f'href="{href}"' in html
    app.extensions["inbox_worker"].shutdown()
    app.extensions["bot"].db.dispose()


def test_healthz_says_whether_the_worker_is_alive_and_how_old_the_oldest_pending_row_is(app, clock):
    from bot.outbox import sender as outbox_sender  # noqa: F401 - the outbox's own module is what queues rows in the app
    from rewards.models import Outbox
    from worker.heartbeat import Heartbeat

    client = app.test_client()
    before = client.get("/healthz").json
    assert before["worker"] == {"alive": False, "last_heartbeat": None, "seconds_ago": None}
    assert before["outbox"]["oldest_pending_seconds"] == 0
    assert client.get("/healthz?worker=1").status_code == 503

    rt = app.extensions["bot"]
    Heartbeat(clock.now(), worker_id="host:1").beat(rt)
    with rt.db.session() as s:
        s.add(Outbox(dedup_key="t:1", kind="text", category="service", params={}, status="pending",
                     not_before=clock.now() - timedelta(minutes=3), created_at=clock.now()))
    clock.advance(timedelta(seconds=20))
    body = client.get("/healthz").json
    assert body["worker"]["alive"] is True and body["worker"]["seconds_ago"] == 20.0
    assert body["outbox"] == {"oldest_pending_seconds": 200.0, "stuck": False}
    assert client.get("/healthz?worker=1").status_code == 200
    clock.advance(timedelta(minutes=15))
    stale = client.get("/healthz?worker=1")
    assert stale.status_code == 503 and stale.json["worker"]["alive"] is False
    assert client.get("/healthz").status_code == 200  # the web process itself is fine


def _metrics(client, token="t0ken"):
    return client.get("/metrics", headers={"Authorization": f"Bearer {token}"})


def test_metrics_need_the_token_and_are_prometheus_text(database_url, simulator_server, clock, line):
    from prometheus_client.parser import text_string_to_metric_families

    from ..conftest import make_app
    from worker.heartbeat import Heartbeat
    from core import metrics

    app = make_app(database_url, simulator_server.url, clock)
    assert app.test_client().get("/metrics").status_code == 404  # no METRICS_TOKEN: not served
    app = make_app(database_url, simulator_server.url, clock, METRICS_TOKEN="t0ken")
    client = app.test_client()
    assert client.get("/metrics").status_code == 401
    assert _metrics(client, "wrong").status_code == 401

    before = {(s.name, tuple(sorted(s.labels.items()))): s.value
              for f in text_string_to_metric_families(_metrics(client).get_data(as_text=True)) for s in f.samples}
    rt = app.extensions["bot"]
    rt.line.push("U" + "a" * 32, [{"type": "text", "text": "hi"}], "123e4567-e89b-12d3-a456-426614174000")
    metrics.sweep_run("birthday-coupons", failed=True)
    Heartbeat(clock.now(), worker_id="host:7").beat(rt)
    response = _metrics(client)
    assert response.status_code == 200 and response.content_type.startswith("text/plain")
    samples = {(s.name, tuple(sorted(s.labels.items()))): s.value
               for f in text_string_to_metric_families(response.get_data(as_text=True)) for s in f.samples}
    push = ("bot_line_api_calls_total", (("endpoint", "push_message"), ("status", "200")))
    assert samples[push] == before.get(push, 0) + 1
    assert samples[("bot_outbox_rows", (("state", "pending"),))] == 0
    assert samples[("bot_outbox_oldest_pending_seconds", ())] == 0
    assert samples[("bot_database_up", ())] == 1
    assert samples[("bot_sweep_failures_total", (("sweep", "birthday-coupons"), ("worker", "host:7")))] >= 1
    assert samples[("bot_line_quota_used", ())] == line.quota_used
    app.extensions["inbox_worker"].shutdown()
    app.extensions["bot"].db.dispose()


def test_webhook_events_are_counted_received_and_processed(client, sender):
    from prometheus_client import REGISTRY

    def value(outcome):
        return REGISTRY.get_sample_value("bot_webhook_events_total", {"outcome": outcome}) or 0

    received, processed = value("received"), value("processed")
    seconds = REGISTRY.get_sample_value("bot_event_processing_seconds_count") or 0
    event = sender.follow("U" + "b" * 32)
    assert sender.post_to_client(client, [event]).status_code == 200
    assert sender.post_to_client(client, [event]).status_code == 200  # a redelivery is not new
    assert value("received") == received + 1 and value("processed") == processed + 1
    assert REGISTRY.get_sample_value("bot_event_processing_seconds_count") == seconds + 1


def test_json_logs_are_one_object_a_line_with_the_inbox_id():
    from core.logs import JsonFormatter, inbox_event, _InboxIdFilter

    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    handler.addFilter(_InboxIdFilter())
    log = logging.getLogger("test.jsonlogs")
    log.addHandler(handler)
    log.setLevel(logging.INFO)
    try:
        with inbox_event(42):
            log.info("event %s handled", "follow")
        try:
            raise ValueError("member 王小明 0912345678")
        except ValueError:
            log.exception("failed")
    finally:
        log.removeHandler(handler)
    first, second = [json.loads(line) for line in stream.getvalue().splitlines()]
    assert first["inbox_id"] == 42 and first["message"] == "event follow handled" and first["level"] == "INFO"
    assert "inbox_id" not in second and second["error"].startswith("ValueError at ")
    assert "王小明" not in stream.getvalue() and "0912345678" not in stream.getvalue()


def test_log_level_quietens_the_scheduler_and_config_checks_the_format():
    import pytest

    from core.config import Config, ConfigError
    from core.logs import configure_logging

    root = logging.getLogger()
    level = root.level
    try:
        configure_logging("WARNING", "json")
        assert root.level == logging.WARNING and logging.getLogger("apscheduler").level == logging.WARNING
        configure_logging("INFO", "text")
        assert logging.getLogger("apscheduler").level == logging.WARNING  # its two lines every 5 s stay out
        configure_logging("DEBUG", "text")
        assert logging.getLogger("apscheduler").level == logging.DEBUG
    finally:
        configure_logging(logging.getLevelName(level), "text")
    with pytest.raises(ConfigError, match="LOG_FORMAT"):
        Config.from_env({"BOT_ENV": "test", "LOG_FORMAT": "xml"})
