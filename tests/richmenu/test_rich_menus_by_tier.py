"""Member menus by tier (gold has its own) and by verified phone; 會員卡 opens the card page (LIFF)."""
from __future__ import annotations

from sqlalchemy import select, update

from bot.richmenu import menus as rich_menus
from bot.models import RichMenuRecord
from rewards.models import Member
from tests.outbox.helpers import add_members, user_id
from worker.sweeps import rich_menus as sweep

from ..conftest import make_app


def _menus(app) -> dict[str, str]:
    with app.extensions["bot"].db.session() as s:
        return {r.name: r.line_rich_menu_id for r in s.scalars(select(RichMenuRecord).where(RichMenuRecord.retired_at.is_(None)))}


def _card_action(line, menu_id) -> dict:
    return line.rich_menus.get(menu_id)["areas"][0]["action"]


def test_with_a_liff_app_the_card_button_opens_the_card_page(database_url, simulator_server, line, clock):
    app = make_app(database_url, simulator_server.url, clock, LIFF_ID="1650000000-AbCdEfGh")
    try:
        assert app.test_cli_runner().invoke(args=["richmenu", "deploy"]).exit_code == 0
        for name in rich_menus.MEMBER_MENUS:
            assert _card_action(line, _menus(app)[name]) == {
                "type": "uri", "label": "會員卡 Member card", "uri": "https://liff.line.me/1650000000-AbCdEfGh"}
    finally:
        app.extensions["inbox_worker"].shutdown()
        app.extensions["bot"].db.dispose()


def test_without_one_the_card_button_asks_the_chat(app, line, deploy):
    assert deploy().exit_code == 0
    assert _card_action(line, _menus(app)["member"])["type"] == "postback"


def test_deploy_links_each_member_to_the_menu_that_fits_them(app, line, deploy, clock):
    rt = app.extensions["bot"]
    now = clock.now()
    add_members(rt.db, 2, now)                                               # member, no phone
    add_members(rt.db, 1, now, start=3, tier="gold")                         # gold, no phone
    add_members(rt.db, 1, now, start=4, tier="gold", phone="+886912000004", phone_verified_at=now)
    add_members(rt.db, 1, now, start=5, tier="silver", phone="+886912000005", phone_verified_at=now)
    assert deploy().exit_code == 0
    menus = _menus(app)
    assert [line.rich_menus.linked(user_id(n)) for n in range(1, 6)] == [
        menus["member"], menus["member"], menus["gold"], menus["gold_phone"], menus["member_phone"]]
    assert _chat_bar(line, menus["gold"]) == "金卡選單 Gold"


def _chat_bar(line, menu_id) -> str:
    return line.rich_menus.get(menu_id)["chatBarText"]


def test_a_changed_tier_moves_the_member_to_the_gold_menu_through_the_bulk_link(app, line, deploy, clock):
    rt = app.extensions["bot"]
    ids = add_members(rt.db, 3, clock.now())
    assert deploy().exit_code == 0
    menus = _menus(app)
    with rt.db.session() as s:  # e.g. an order through the API took them over the gold threshold
        s.execute(update(Member).where(Member.id.in_(ids[:2])).values(tier="gold"))
    before = len(line.calls)
    assert sweep.run(rt, clock.now()) == "moved 2 members to the menu that fits them"
    links = [c for c in line.calls[before:] if c.path == "/v2/bot/richmenu/bulk/link"]
    assert len(links) == 1 and links[0].body == {"richMenuId": menus["gold"], "userIds": [user_id(1), user_id(2)]}
    assert line.rich_menus.linked(user_id(1)) == menus["gold"] and line.rich_menus.linked(user_id(3)) == menus["member"]
    again = len(line.calls)
    assert sweep.run(rt, clock.now()).startswith("moved 0 members")
    assert len(line.calls) == again, "nobody moved twice"


def test_a_verified_phone_gets_the_verified_menu(app, line, deploy, clock):
    rt = app.extensions["bot"]
    (member_id,) = add_members(rt.db, 1, clock.now())
    assert deploy().exit_code == 0
    with rt.db.session() as s:
        s.execute(update(Member).where(Member.id == member_id).values(phone="+886912000001",
                                                                      phone_verified_at=clock.now()))
    rich_menus.rich_menu(rt.db, rt.line, user_id(1), rich_menus.MEMBER)  # the effect the phone handler asks for
    assert line.rich_menus.linked(user_id(1)) == _menus(app)["member_phone"]
    with rt.db.session() as s:
        assert s.get(Member, member_id).rich_menu == "member_phone"
