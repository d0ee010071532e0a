"""The two rich menus (visitor, member): their layout, deploying them to LINE, linking members.

* `deploy` creates both menus with their images, records them, makes the visitor menu the
  default, moves members to the new member menu, then deletes the menus it replaced. A failure
  part-way leaves the previous menus working; running it again finishes the job.
* `rich_menu(db, line, user_id, which)` is the effect handlers ask for after a commit:
  ("rich_menu", "member") when someone joins, ("rich_menu", None) when they leave.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from rewards.models import Member

from . import messages as m
from .line_client import BULK_LINK_MAX, LineApiError, LineClient
from .models import RichMenuRecord
from .rich_menu_image import ButtonFace, draw_menu
from .texts import text

log = logging.getLogger(__name__)

WIDTH = 2500
ROW_HEIGHT = 843  # one row: 2500x843, two rows: 2500x1686 (LINE's standard sizes)
VISITOR = "visitor"
MEMBER = "member"


@dataclass(frozen=True)
class Button:
    action: str  # postback action=..., answered like the words of the same intent
    label_key: str  # in bot/texts.py, shown in both languages
    icon: str  # in bot/rich_menu_icons.py
    accent: str


@dataclass(frozen=True)
class MenuLayout:
    name: str
    rows: int
    columns: int
    buttons: tuple[Button, ...]

    @property
    def size(self) -> tuple[int, int]:
        return WIDTH, ROW_HEIGHT * self.rows


HELP = Button("help", "qr.help", "question", "#8A7F74")
LAYOUTS = (
    MenuLayout(VISITOR, 1, 3, (Button("join", "qr.join", "person_plus", "#06A94D"),
                               Button("about", "qr.about", "info", "#3B82C4"), HELP)),
    MenuLayout(MEMBER, 2, 3, (Button("member_card", "qr.card", "card", "#06A94D"),
                              Button("points", "qr.points", "coin", "#E0A100"),
                              Button("coupons", "qr.coupons", "ticket", "#E0563B"),
                              Button("rewards", "qr.rewards", "gift", "#B44FB0"),
                              Button("news", "qr.news", "megaphone", "#3B82C4"), HELP)),
)


@dataclass
class Deployed:
    menu_ids: dict[str, str]  # name -> LINE rich menu id
    members_linked: int = 0
    members_not_linked: int = 0
    menus_deleted: int = 0
    menus_not_deleted: int = 0


def layout(name: str) -> MenuLayout:
    return next(lay for lay in LAYOUTS if lay.name == name)


def bilingual(key: str) -> tuple[str, str]:
    return text(key, "zh-TW"), text(key, "en")


def cells(lay: MenuLayout) -> list[tuple[int, int, int, int]]:
    """(x, y, width, height) of each button, row by row; together they tile the whole image."""
    width, height = lay.size
    xs = [round(i * width / lay.columns) for i in range(lay.columns + 1)]
    ys = [round(j * height / lay.rows) for j in range(lay.rows + 1)]
    return [(xs[i], ys[j], xs[i + 1] - xs[i], ys[j + 1] - ys[j]) for j in range(lay.rows) for i in range(lay.columns)]


def menu_request(lay: MenuLayout) -> dict:
    """The body of POST /v2/bot/richmenu."""
    width, height = lay.size
    areas = []
    for button, (x, y, w, h) in zip(lay.buttons, cells(lay)):
        zh, en = bilingual(button.label_key)
        areas.append({"bounds": {"x": x, "y": y, "width": w, "height": h},
                      "action": m.postback_action(f"{zh} {en}", button.action)})
    zh, en = bilingual("richmenu.chat_bar")
    return {"size": {"width": width, "height": height}, "selected": True, "name": f"membership bot: {lay.name}",
            "chatBarText": f"{zh} {en}", "areas": areas}


def menu_image(lay: MenuLayout, font_path: str) -> bytes:
    faces = [ButtonFace(box, *bilingual(button.label_key), button.icon, button.accent)
             for button, box in zip(lay.buttons, cells(lay))]
    return draw_menu(lay.size, faces, font_path)


def current_menu_id(session, name: str) -> str | None:
    return session.scalar(select(RichMenuRecord.line_rich_menu_id)
                          .where(RichMenuRecord.name == name, RichMenuRecord.retired_at.is_(None))
                          .order_by(RichMenuRecord.created_at.desc(), RichMenuRecord.id.desc()).limit(1))


def deploy(db, line: LineClient, font_path: str, now: datetime) -> Deployed:
    images = {lay.name: menu_image(lay, font_path) for lay in LAYOUTS}  # a font problem stops us before LINE
    created: dict[str, str] = {}
    try:
        for lay in LAYOUTS:
            created[lay.name] = line.create_rich_menu(menu_request(lay))
            line.upload_rich_menu_image(created[lay.name], images[lay.name])
        with db.session() as session:
            for record in session.scalars(select(RichMenuRecord).where(RichMenuRecord.retired_at.is_(None))):
                record.retired_at = now
            session.add_all(RichMenuRecord(name=name, line_rich_menu_id=menu_id, created_at=now)
                            for name, menu_id in created.items())
    except Exception:
        for menu_id in created.values():  # nothing half-made stays on LINE; the previous menus still serve
            _delete_on_line(line, menu_id)
        raise
    result = Deployed(created)
    line.set_default_rich_menu(created[VISITOR])
    result.members_linked, result.members_not_linked = _link_members(db, line, created[MEMBER])
    result.menus_deleted, result.menus_not_deleted = delete_retired(db, line)
    return result


def _link_members(db, line: LineClient, menu_id: str) -> tuple[int, int]:
    with db.session() as session:
        user_ids = list(session.scalars(select(Member.line_user_id).where(
            Member.status == "member", Member.is_blocked.is_(False), Member.line_user_id.is_not(None))))
    linked = 0
    for i in range(0, len(user_ids), BULK_LINK_MAX):  # LINE's bulk link: 500 users a call
        chunk = user_ids[i:i + BULK_LINK_MAX]
        try:
            line.link_rich_menu_to_users(chunk, menu_id)
            linked += len(chunk)
        except LineApiError as exc:
            log.warning("member menu not linked to %d members: LINE %s %s", len(chunk), exc.status,
                        exc.message[:200])
    return linked, len(user_ids) - linked


def delete_retired(db, line: LineClient) -> tuple[int, int]:
    """Delete the replaced menus on LINE (gone already counts as deleted), then their records."""
    with db.session() as session:
        retired = list(session.scalars(select(RichMenuRecord).where(RichMenuRecord.retired_at.is_not(None))))
        done = [r for r in retired if _delete_on_line(line, r.line_rich_menu_id)]
        for record in done:
            session.delete(record)
    return len(done), len(retired) - len(done)


def _delete_on_line(line: LineClient, menu_id: str) -> bool:
    try:
        line.delete_rich_menu(menu_id)
        return True
    except LineApiError as exc:
        if exc.status == 404:
            return True
        log.warning("rich menu %s not deleted: LINE %s %s", menu_id, exc.status, exc.message[:200])
        return False


def rich_menu(db, line: LineClient, user_id: str, which: str | None) -> None:
    """Show `user_id` the member menu ("member") or the default again (None). Nothing when no
    menus were deployed. Unlinking a user who blocked the account may fail at LINE; the caller
    (the processor, carrying out a SwitchRichMenu effect) logs it and goes on."""
    if which not in (MEMBER, None):
        raise ValueError(f"no rich menu called {which!r}")
    with db.session() as session:
        member_menu = current_menu_id(session, MEMBER)
    if member_menu is None:
        return
    if which is None:
        line.unlink_rich_menu(user_id)
    else:
        line.link_rich_menu(user_id, member_menu)

