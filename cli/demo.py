"""`flask --app app demo seed`: a little demo data for a local run (safe to run again: what exists is kept).

The demo's member codes and one coupon code are fixed, so the README's API walk-through works
against any demo database. `demo simulator-users URL` registers the demo's LINE users with the
LINE simulator over its HTTP control API (bot and simulator never import each other).
"""
from __future__ import annotations

import json
import secrets
import urllib.error
import urllib.request
from datetime import timedelta
from pathlib import Path

import click
from flask import Blueprint
from sqlalchemy import func, select

from rewards import catalog, coupons, membership, orders
from rewards.models import Coupon, Member, Order, Reward

from core.runtime import runtime

demo_cli = Blueprint("demo_cli", __name__, cli_group="demo")

DEMO_REWARDS = [
    ("品牌保溫瓶", "Brand thermos", 300, 500, 50),
    ("咖啡兌換券", "Free coffee", 80, 120, None),
    ("NT$100 折價券", "NT$100 off", 100, 100, None),
]
DEMO_MEMBERS = [
    # (LINE user id, member code, name, language, birthday, orders as (days ago, NT$, store))
    ("U" + "d" * 31 + "1", "MWANG2345", "王小明", "zh-TW", (3, 15),
     [(200, 3200, "信義店"), (120, 1800, "信義店"), (40, 5400, "南西店")]),
    ("U" + "d" * 31 + "2", "MAMYC2345", "Amy Chen", "en", (11, 2), [(30, 12_500, "online")]),
    ("U" + "d" * 31 + "3", "MLINM2345", "林美玲", "zh-TW", None, []),
]
# a coupon of 王小明's that the README's walk-through redeems at the till
DEMO_COUPON = ("DEMOCOFFEE23", "MWANG2345", ("咖啡兌換券", "Free coffee"), 120)


DEMO_STAFF = "admin@demo.local"


@demo_cli.cli.command("seed")
@click.option("--login-file", type=click.Path(dir_okay=False),
              help="Also create a demo console admin; its password is kept in this file (development only).")
@click.option("--simulator-users", "users_file", type=click.Path(dir_okay=False, path_type=Path),
              help="Also write the demo's LINE users to this JSON file, for `python -m simulator --users FILE`.")
def seed(login_file, users_file):
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
        for uid, code, name, language, birthday, history in DEMO_MEMBERS:
            member = membership.get_or_create(session, uid, now - timedelta(days=365), language)
            if member.member_code != code and session.scalar(select(Member.id).where(Member.member_code == code)) is None:
                member.member_code = code
            if membership.join(session, member, now - timedelta(days=300), display_name=name, language=language):
                if birthday:
                    membership.set_birthday(member, *birthday)
            for i, (days_ago, amount, store) in enumerate(history):
                channel = "online" if store == "online" else "store"
                external_id = f"DEMO-{uid[-1]}-{i}"
                if session.scalar(select(Order.id).where(Order.channel == channel,
                                                         Order.external_id == external_id)) is not None:
                    continue  # seeded before: its placed_at was relative to that day
                orders.record_order(session, member, channel, external_id, amount,
                                    now - timedelta(days=days_ago), None if channel == "online" else store,
                                    None, now, rt.settings)
        _demo_coupon(session, now)
    if users_file:
        users_file.parent.mkdir(parents=True, exist_ok=True)
        users_file.write_text(json.dumps(_line_users(), ensure_ascii=False, indent=1), encoding="utf-8")
    click.echo(f"demo data ready: {len(DEMO_REWARDS)} rewards, {len(DEMO_MEMBERS)} demo members "
               f"({', '.join(code for _, code, *_ in DEMO_MEMBERS)}), coupon {DEMO_COUPON[0]}")


def _line_users() -> list[dict]:
    """The demo members as the LINE simulator takes users (friends of the account already)."""
    return [{"userId": uid, "displayName": name, "language": language, "friendship": "friend"}
            for uid, _code, name, language, _birthday, _history in DEMO_MEMBERS]


def _demo_coupon(session, now) -> None:
    code, member_code, titles, value = DEMO_COUPON
    member = membership.by_code(session, member_code)
    if member is None or session.scalar(select(Coupon.id).where(Coupon.code == code)) is not None:
        return
    coupon = coupons.issue(session, member, "campaign", value, now + timedelta(days=3650), now, titles,
                           uniqueness_key=f"demo:{code}")
    if coupon is not None:
        coupon.code = code


@demo_cli.cli.command("simulator-users")
@click.argument("simulator_url")
def simulator_users(simulator_url):
    """Register the demo's LINE users with the LINE simulator at SIMULATOR_URL, so they can be played."""
    for user in _line_users():
        body = json.dumps(user).encode()
        request = urllib.request.Request(simulator_url.rstrip("/") + "/__sim/users", data=body, method="POST",
                                         headers={"Content-Type": "application/json"})
        try:
            urllib.request.urlopen(request, timeout=5).close()
        except (urllib.error.URLError, OSError) as exc:
            raise click.ClickException(f"the simulator at {simulator_url} did not take the demo users: {exc}") from None
    click.echo(f"demo LINE users playable in the simulator: {', '.join(m[2] for m in DEMO_MEMBERS)}")


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


@demo_cli.cli.command("draw-images")
def draw_images():
    """Draw the demo content library's pictures into content/library/images/ (they are kept in the project)."""
    from cli.content import DEFAULT_DIR
    from cli.demo_images import draw_all
    from content.library_files import IMAGES_FOLDER

    for path in draw_all(DEFAULT_DIR / IMAGES_FOLDER):
        click.echo(f"{path} ({path.stat().st_size // 1024} KB)")
