"""`flask --app app demo seed`: a little demo data for a local run (safe to run again)."""
from __future__ import annotations

import secrets
from datetime import timedelta
from pathlib import Path

import click
from flask import Blueprint
from sqlalchemy import func, select

from rewards import catalog, membership, orders
from rewards.models import Reward

from core.runtime import runtime

demo_cli = Blueprint("demo_cli", __name__, cli_group="demo")

DEMO_REWARDS = [
    ("品牌保溫瓶", "Brand thermos", 300, 500, 50),
    ("咖啡兌換券", "Free coffee", 80, 120, None),
    ("NT$100 折價券", "NT$100 off", 100, 100, None),
]
DEMO_MEMBERS = [
    # (LINE user id, name, language, birthday, orders as (days ago, NT$, store))
    ("U" + "d" * 31 + "1", "王小明", "zh-TW", (3, 15), [(200, 3200, "信義店"), (120, 1800, "信義店"), (40, 5400, "南西店")]),
    ("U" + "d" * 31 + "2", "Amy Chen", "en", (11, 2), [(30, 12_500, "online")]),
    ("U" + "d" * 31 + "3", "林美玲", "zh-TW", None, []),
]


DEMO_STAFF = "admin@demo.local"


@demo_cli.cli.command("seed")
@click.option("--login-file", type=click.Path(dir_okay=False),
              help="Also create a demo console admin; its password is kept in this file (development only).")
def seed(login_file):
    """Add demo rewards and a few demo members with orders (only what is missing)."""
    rt = runtime()
    now = rt.clock.now()
    if login_file:
        if rt.config.is_production:
            raise click.ClickException("no demo console account in production: use `flask --app app staff create`")
        _demo_staff(rt, Path(login_file), now)
    with rt.db.session() as session:
        if session.scalar(select(func.count()).select_from(Reward)) == 0:
            for name_zh, name_en, cost, value, stock in DEMO_REWARDS:
                catalog.create_reward(session, name_zh, name_en, cost, value, now, stock=stock)
        for uid, name, language, birthday, history in DEMO_MEMBERS:
            member = membership.get_or_create(session, uid, now - timedelta(days=365), language)
            if membership.join(session, member, now - timedelta(days=300), display_name=name, language=language):
                if birthday:
                    membership.set_birthday(member, *birthday)
            for i, (days_ago, amount, store) in enumerate(history):
                channel = "online" if store == "online" else "store"
                orders.record_fields(session, member, channel, f"DEMO-{uid[-1]}-{i}", amount,
                                    now - timedelta(days=days_ago), None if channel == "online" else store,
                                    None, now, rt.settings)
    click.echo(f"demo data ready: {len(DEMO_REWARDS)} rewards, {len(DEMO_MEMBERS)} demo members")


def _demo_staff(rt, login_file: Path, now) -> None:
    from console import staff as accounts

    with rt.db.session() as session:
        if accounts.by_email(session, DEMO_STAFF) is None or not login_file.exists():
            password = secrets.token_urlsafe(12)
            person = accounts.by_email(session, DEMO_STAFF)
            if person is None:
                accounts.create_staff(session, DEMO_STAFF, password, "admin", now)
            else:
                accounts.set_password(person, password)
            login_file.parent.mkdir(parents=True, exist_ok=True)
            login_file.write_text(password + "\n", encoding="utf-8")
            login_file.chmod(0o600)
    click.echo(f"console login: {DEMO_STAFF} / {login_file.read_text(encoding='utf-8').strip()}")
