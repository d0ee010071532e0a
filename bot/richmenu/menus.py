"""The rich menus: the visitor menu, and a member menu by tier (gold has its own) and by whether the
member verified a phone (an unverified member's menu offers to verify it). Their layout, deploying
them to LINE, and linking members to the one that fits them.

* `deploy` creates every menu with its image, records them, makes the visitor menu the default,
  moves each member to the menu that fits them now (the bulk link, 500 a call), then deletes the
  menus it replaced. A failure part-way leaves the previous menus working; running it again
  finishes the job.
* `rich_menu(db, line, user_id, which)` is the effect handlers ask for after a commit:
  ("rich_menu", "member") when someone joins or verifies a phone (the menu that fits them), None when
  they leave.
* `sync` (the worker's `rich-menus` sweep) moves members whose tier or phone changed elsewhere (an
  order through the API, the yearly review) to the menu that now fits them, through the bulk link.
* 會員卡 opens the card page inside LINE (https://liff.line.me/{LIFF_ID}) when LIFF_ID is set, else
  it asks the chat for the card.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import case, or_, select, update

from rewards.models import Member

from .. import messages as m
from ..line_client import BULK_LINK_MAX, LineApiError, LineClient
from ..models import RichMenuRecord
from .image import ButtonFace, draw_menu
from ..texts import text

log = logging.getLogger(__name__)

WIDTH = 2500
ROW_HEIGHT = 843  # one row: 2500x843, two rows: 2500x1686 (LINE's standard sizes)
VISITOR = "visitor"
MEMBER = "member"  # a member who has not verified a phone; also what handlers ask for (the fitting one)
MEMBER_VERIFIED = "member_phone"
GOLD = "gold"
GOLD_VERIFIED = "gold_phone"
GOLD_TIER = "gold"
LIFF_URL = "https://liff.line.me/{liff_id}"


@dataclass(frozen=True)
class Button:
    action: str  # postback action=..., answered like the words of the same intent
    label_key: str  # in bot/texts.py, shown in both languages
    icon: str  # in bot/richmenu/icons.py
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
CARD = "member_card"


def _member_menu(name: str, card_accent: str, verified: bool) -> MenuLayout:
    middle = (Button("news", "qr.news", "megaphone", "#3B82C4") if verified
              else Button("verify_phone", "richmenu.verify_phone", "person_plus", "#0E7C86"))
    return MenuLayout(name, 2, 3, (Button(CARD, "qr.card", "card", card_accent),
                                   Button("points", "qr.points", "coin", "#E0A100"),
                                   Button("coupons", "qr.coupons", "ticket", "#E0563B"),
                                   Button("rewards", "qr.rewards", "gift", "#B44FB0"), middle, HELP))


LAYOUTS = (
    MenuLayout(VISITOR, 1, 3, (Button("join", "qr.join", "person_plus", "#06A94D"),
                               Button("about", "qr.about", "info", "#3B82C4"), HELP)),
    _member_menu(MEMBER, "#06A94D", verified=False),
    _member_menu(MEMBER_VERIFIED, "#06A94D", verified=True),
    _member_menu(GOLD, "#B8860B", verified=False),
    _member_menu(GOLD_VERIFIED, "#B8860B", verified=True),
)
MEMBER_MENUS = (MEMBER, MEMBER_VERIFIED, GOLD, GOLD_VERIFIED)


def menu_for(tier: str, phone_verified: bool) -> str:
    """The member menu that fits a member: gold has its own; a verified phone drops the offer to verify."""
    if tier == GOLD_TIER:
        return GOLD_VERIFIED if phone_verified else GOLD
    return MEMBER_VERIFIED if phone_verified else MEMBER


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


def menu_request(lay: MenuLayout, liff_id: str = "") -> dict:
    """The body of POST /v2/bot/richmenu; with a LIFF app, 會員卡 opens the card page inside LINE."""
    width, height = lay.size
    areas = []
    for button, (x, y, w, h) in zip(lay.buttons, cells(lay)):
        zh, en = bilingual(button.label_key)
        action = (m.uri_action(f"{zh} {en}", LIFF_URL.format(liff_id=liff_id)) if button.action == CARD and liff_id
                  else m.postback_action(f"{zh} {en}", button.action))
        areas.append({"bounds": {"x": x, "y": y, "width": w, "height": h}, "action": action})
    zh, en = bilingual("richmenu.chat_bar_gold" if lay.name in (GOLD, GOLD_VERIFIED) else "richmenu.chat_bar")
    return {"size": {"width": width, "height": height}, "selected": True, "name": f"membership bot: {lay.name}",
            "chatBarText": f"{zh} {en}", "areas": areas}


def menu_image(lay: MenuLayout, font_path: str) -> bytes:
    faces = [ButtonFace(box, *bilingual(button.label_key), button.icon, button.accent)
             for button, box in zip(lay.buttons, cells(lay))]
    return draw_menu(lay.size, faces, font_path)


def deploy(db, line: LineClient, font_path: str, now: datetime, liff_id: str = "") -> Deployed:
    images = {lay.name: menu_image(lay, font_path) for lay in LAYOUTS}  # a font problem stops us before LINE
    created: dict[str, str] = {}
    try:
        for lay in LAYOUTS:
            created[lay.name] = line.create_rich_menu(menu_request(lay, liff_id))
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
    result.members_linked, result.members_not_linked = _link_members(db, line, created, everyone=True)
    result.menus_deleted, result.menus_not_deleted = delete_retired(db, line)
    return result


def _fitting():
    """The name of the member menu that fits each member row, in SQL."""
    gold = Member.tier == GOLD_TIER
    verified = Member.phone_verified_at.is_not(None)
    return case((gold & verified, GOLD_VERIFIED), (gold, GOLD), (verified, MEMBER_VERIFIED), else_=MEMBER)


def _link_members(db, line: LineClient, menu_ids: dict[str, str], everyone: bool) -> tuple[int, int]:
    """Link members to the menu that fits them, 500 a call (LINE's bulk link): everyone (a deploy) or
    those whose recorded menu no longer fits (their tier or phone changed). Each link is recorded."""
    fitting = _fitting()
    where = [Member.status == "member", Member.is_blocked.is_(False), Member.line_user_id.is_not(None)]
    if not everyone:
        where.append(or_(Member.rich_menu.is_(None), Member.rich_menu != fitting))
    with db.session() as session:
        rows = session.execute(select(Member.id, Member.line_user_id, fitting).where(*where).order_by(Member.id)).all()
    by_menu: dict[str, list[tuple[int, str]]] = {}
    for member_id, user_id, name in rows:
        by_menu.setdefault(name, []).append((member_id, user_id))
    linked = 0
    for name, members in by_menu.items():
        for i in range(0, len(members), BULK_LINK_MAX):
            chunk = members[i:i + BULK_LINK_MAX]
            try:
                line.link_rich_menu_to_users([uid for _, uid in chunk], menu_ids[name])
            except LineApiError as exc:
                log.warning("%s menu not linked to %d members: LINE %s %s", name, len(chunk), exc.status,
                            exc.message[:200])
                continue
            linked += len(chunk)
            with db.session() as session:
                session.execute(update(Member).where(Member.id.in_([mid for mid, _ in chunk])).values(rich_menu=name))
    return linked, len(rows) - linked


def current_menus(session) -> dict[str, str]:
    """{name: LINE rich menu id} of the menus deployed now."""
    return {name: menu_id for name, menu_id in session.execute(
        select(RichMenuRecord.name, RichMenuRecord.line_rich_menu_id).where(RichMenuRecord.retired_at.is_(None)))}


def sync(db, line: LineClient) -> tuple[int, int]:
    """Move members whose menu no longer fits (a tier changed, a phone verified) to the one that does:
    (linked, not linked). Nothing before the menus are deployed."""
    with db.session() as session:
        menus = current_menus(session)
    if not all(name in menus for name in MEMBER_MENUS):
        return 0, 0
    return _link_members(db, line, menus, everyone=False)


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
        menus = current_menus(session)
        member = session.execute(select(Member.id, Member.tier, Member.phone_verified_at)
                                 .where(Member.line_user_id == user_id)).first()
        name = menu_for(member.tier, member.phone_verified_at is not None) if member is not None else MEMBER
    if MEMBER not in menus:
        return
    if which is None:
        line.unlink_rich_menu(user_id)
        name = None
    else:
        line.link_rich_menu(user_id, menus.get(name, menus[MEMBER]))
    if member is not None:
        with db.session() as session:
            session.execute(update(Member).where(Member.id == member.id).values(rich_menu=name))

