"""`flask richmenu deploy` against the LINE simulator, and the member menu following membership."""
from __future__ import annotations

import io

import pytest
from PIL import Image
from sqlalchemy import select

from bot.richmenu import menus as rich_menus
from core.models import InboxEvent
from bot.models import RichMenuRecord

UID = "U" + "a" * 32
OTHER = "U" + "b" * 32


def records(app) -> dict[str, list[str]]:
    with app.extensions["bot"].db.session() as s:
        rows = list(s.scalars(select(RichMenuRecord).where(RichMenuRecord.retired_at.is_(None))))
        retired = list(s.scalars(select(RichMenuRecord).where(RichMenuRecord.retired_at.is_not(None))))
    assert retired == []
    return {r.name: r.line_rich_menu_id for r in rows}


def test_deploy_creates_both_menus_with_images_and_makes_the_visitor_menu_the_default(app, line, deploy):
    result = deploy()
    assert result.exit_code == 0, result.output
    current = records(app)
    menus = line.rich_menus
    assert set(menus.menus) == set(current.values())
    assert set(current) == {"visitor", "member", "member_phone", "gold", "gold_phone"}
    assert menus.default_id == current["visitor"]
    for name, menu_id in current.items():
        image = menus.images[menu_id]
        assert image.content_type == "image/png"
        size = Image.open(io.BytesIO(image.data)).size
        assert size == (menus.menus[menu_id]["size"]["width"], menus.menus[menu_id]["size"]["height"])
        assert menus.menus[menu_id] == rich_menus.menu_request(rich_menus.layout(name))
    assert "visitor menu is the default" in result.output


def test_deploying_again_replaces_the_menus_and_moves_members_to_the_new_member_menu(app, line, deploy, chat):
    assert deploy().exit_code == 0
    first = records(app)
    line.add_user(UID, "小美", "zh-TW")
    chat.join(UID)
    assert line.rich_menus.linked(UID) == first["member"]

    result = deploy()
    assert result.exit_code == 0, result.output
    second = records(app)
    assert set(second.values()).isdisjoint(first.values())
    assert set(line.rich_menus.menus) == set(second.values()), "the previous menus are deleted"
    assert line.rich_menus.default_id == second["visitor"]
    assert line.rich_menus.linked(UID) == second["member"]
    assert "linked to 1 members" in result.output and "previous menus deleted: 5" in result.output
    deletes = [c for c in line.calls if c.method == "DELETE" and c.path.startswith("/v2/bot/richmenu/")]
    links = [c for c in line.calls if c.method == "POST" and c.path == "/v2/bot/richmenu/bulk/link"]
    assert deletes and links and links[-1].at <= deletes[0].at, "members are moved before the old menus go"


def test_deploy_moves_members_with_the_bulk_link_500_a_call(app, line, deploy):
    from tests.outbox.helpers import add_members, user_id

    rt = app.extensions["bot"]
    add_members(rt.db, 1200, rt.clock.now())
    add_members(rt.db, 3, rt.clock.now(), start=5000, is_blocked=True)
    result = deploy()
    assert result.exit_code == 0, result.output
    member_menu = records(app)["member"]
    calls = [c for c in line.calls if c.method == "POST" and c.path == "/v2/bot/richmenu/bulk/link"]
    assert [len(c.body["userIds"]) for c in calls] == [500, 500, 200]
    assert {c.body["richMenuId"] for c in calls} == {member_menu}
    assert all(line.rich_menus.linked(user_id(n)) == member_menu for n in range(1, 1201))
    assert line.rich_menus.linked(user_id(5000)) is None  # blocked: not linked
    assert not [c for c in line.calls if c.path.startswith("/v2/bot/user/") and c.method == "POST"
                and c.path.endswith(member_menu)], "no per-member link calls"
    assert "linked to 1200 members" in result.output


def test_a_failed_upload_leaves_the_previous_menus_in_place_and_nothing_half_made(app, line, deploy):
    assert deploy().exit_code == 0
    before = records(app)
    line.inject(r"^/v2/bot/richmenu/[^/]+/content$", 500)
    result = deploy()
    assert result.exit_code != 0 and "LINE refused: 500" in result.output
    assert records(app) == before
    assert set(line.rich_menus.menus) == set(before.values())
    assert line.rich_menus.default_id == before["visitor"]


def test_a_menu_already_gone_on_line_counts_as_deleted(app, line, deploy):
    assert deploy().exit_code == 0
    line.rich_menus.delete(records(app)["member"])  # e.g. deleted by hand in the LINE console
    result = deploy()
    assert result.exit_code == 0 and "previous menus deleted: 5" in result.output
    assert len(line.rich_menus.menus) == 5


def test_deploy_with_a_missing_font_says_what_to_install(database_url, simulator_server, line, clock):
    from ..conftest import make_app

    app = make_app(database_url, simulator_server.url, clock, BOT_FONT_PATH="/nowhere/font.ttc")
    result = app.test_cli_runner().invoke(args=["richmenu", "deploy"])
    assert result.exit_code != 0 and "fonts-wqy-microhei" in result.output
    assert line.calls == [], "nothing is created on LINE"
    app.extensions["inbox_worker"].shutdown()
    app.extensions["bot"].db.dispose()


def test_preview_writes_both_images(app, tmp_path, line):
    result = app.test_cli_runner().invoke(args=["richmenu", "preview", str(tmp_path / "menus")])
    assert result.exit_code == 0, result.output
    sizes = {p.name: Image.open(p).size for p in (tmp_path / "menus").iterdir()}
    assert sizes == {"rich-menu-visitor.png": (2500, 843), **{f"rich-menu-{name}.png": (2500, 1686) for name in
                                                            ("member", "member_phone", "gold", "gold_phone")}}
    assert line.calls == []


# -- the member menu follows membership
def test_without_deployed_menus_joining_makes_no_rich_menu_call(chat, line):
    line.add_user(UID, "小美", "zh-TW")
    chat.join(UID)
    assert [c for c in line.calls if "richmenu" in c.path] == []


def test_joining_links_the_member_menu_and_leaving_unlinks_it(app, chat, line, deploy):
    assert deploy().exit_code == 0
    member_menu = records(app)["member"]
    line.add_user(UID, "小美", "zh-TW")
    chat.follow(UID)
    assert line.rich_menus.shown_to(UID) == records(app)["visitor"], "a friend sees the visitor menu"
    chat.tap(UID, "action=join")
    assert line.rich_menus.linked(UID) == member_menu
    chat.send(chat.sender.unfollow(UID))
    assert line.rich_menus.linked(UID) is None
    chat.follow(UID, unblocked=True)
    assert line.rich_menus.linked(UID) == member_menu, "back after a block: still a member"


def test_deleting_ones_data_unlinks_the_member_menu(app, chat, line, deploy):
    assert deploy().exit_code == 0
    line.add_user(UID, "小美", "zh-TW")
    chat.join(UID)
    assert line.rich_menus.linked(UID) is not None
    chat.tap(UID, "action=delete_confirm")
    assert line.rich_menus.linked(UID) is None


def test_a_failed_unlink_is_logged_and_the_event_still_counts(app, chat, line, deploy, caplog):
    assert deploy().exit_code == 0
    line.add_user(UID, "小美", "zh-TW")
    chat.join(UID)
    line.inject(r"^/v2/bot/user/[^/]+/richmenu$", 400)
    chat.send(chat.sender.unfollow(UID))
    assert "effect SwitchRichMenu" in caplog.text and "not carried out" in caplog.text
    with app.extensions["bot"].db.session() as s:
        assert s.scalars(select(InboxEvent.status).order_by(InboxEvent.id)).all()[-1] == "done"


def test_the_effect_only_knows_member_and_none(app):
    rt = app.extensions["bot"]
    with pytest.raises(ValueError):
        rich_menus.rich_menu(rt.db, rt.line, UID, "visitor")


# -- every button is answered
@pytest.mark.parametrize("action", [b.action for b in rich_menus.layout("member").buttons])
def test_every_member_menu_button_gets_an_answer(chat, line, action):
    line.add_user(OTHER, "阿明", "zh-TW")
    chat.join(OTHER)
    assert chat.tap(OTHER, f"action={action}") != []


@pytest.mark.parametrize("action", [b.action for b in rich_menus.layout("visitor").buttons])
def test_every_visitor_menu_button_gets_an_answer(chat, line, action):
    chat.follow(OTHER)
    assert chat.tap(OTHER, f"action={action}") != []
