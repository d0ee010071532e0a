"""The weekly content drip (interests first, then general), the news carousel and "read more"."""
from __future__ import annotations

from datetime import timedelta

from messaging import drip
from content.models import ContentView
from rewards.models import Member
from rewards.settings import ProgramSettings

from ..e2e.chat import postback_datas, words
from ..scene import at

TUESDAY = at(2026, 11, 24, 10)  # the default drip moment: Tuesdays 10:00


def test_the_drip_moment_is_tuesday_ten_and_a_late_run_catches_up_within_a_day():
    s = ProgramSettings()
    assert drip.due_moment(TUESDAY, s) == TUESDAY
    assert drip.due_moment(TUESDAY + timedelta(hours=23), s) == TUESDAY
    assert drip.due_moment(TUESDAY + timedelta(days=1), s) is None
    assert drip.due_moment(TUESDAY - timedelta(minutes=1), s) is None
    assert drip.due_moment(TUESDAY, ProgramSettings(content_drip_weekday=-1)) is None


def content_ids_pushed(scene, uid) -> list[int]:
    member_id = scene.by_line_user(uid).id
    return [row.params["content_id"] for row in scene.outbox(member_id=member_id, kind="content", status="sent")]


def test_the_drip_picks_by_interest_then_general_once_a_week(scene, clock):
    clock.set(TUESDAY - timedelta(days=30))
    old_coffee = scene.content("Old coffee tip", ["coffee"], published=at(2026, 10, 1))
    new_coffee = scene.content("New coffee beans", ["coffee"], published=at(2026, 11, 1), kind="new_product")
    tea = scene.content("Cold-brew tea", ["tea"], published=at(2026, 10, 15))
    story = scene.content("Our story", [], published=at(2026, 9, 1), kind="story")
    thursday = scene.content("Thursday's news", ["coffee"], published=TUESDAY + timedelta(days=2))  # not yet
    buyer, reader, newcomer, unsubscribed, blocked = scene.members(5)
    scene.update_member(unsubscribed, marketing_opt_in=False)
    scene.update_member(blocked, is_blocked=True)
    scene.order(buyer, "A-1", at(2026, 11, 2, 12), categories=("Coffee", "pastry"))
    scene.update_member(reader, tags=["interest:tea"])

    summary = scene.run_due(TUESDAY)
    assert summary["content-drip"] == "queued 3 items for 3 members"
    assert content_ids_pushed(scene, scene.uid(buyer)) == [new_coffee]
    assert content_ids_pushed(scene, scene.uid(reader)) == [tea]
    assert content_ids_pushed(scene, scene.uid(newcomer)) == [story]
    assert scene.pushes(scene.uid(unsubscribed)) == [] and scene.pushes(scene.uid(blocked)) == []
    (push,) = [p for p in scene.pushes(scene.uid(buyer)) if p["type"] == "flex"]  # besides the receipt
    assert push["altText"] == "New coffee beans（中文）"

    assert scene.run_due(TUESDAY + timedelta(hours=3))["content-drip"] == "queued 0 items for 0 members"
    assert scene.run_due(TUESDAY + timedelta(days=3))["content-drip"] == "not drip time"

    scene.run_due(TUESDAY + timedelta(days=7))  # the next week: the newest not yet sent
    assert content_ids_pushed(scene, scene.uid(buyer)) == [new_coffee, thursday]
    assert content_ids_pushed(scene, scene.uid(reader)) == [tea, story]  # no more tea: general
    assert content_ids_pushed(scene, scene.uid(newcomer)) == [story]  # nothing general left: nothing
    scene.run_due(TUESDAY + timedelta(days=14))
    assert content_ids_pushed(scene, scene.uid(buyer)) == [new_coffee, thursday, old_coffee]
    (row,) = [r for r in scene.outbox(kind="content") if r.member_id == buyer][:1]
    assert (row.category, row.dedup_key) == ("marketing", f"content:{buyer}:2026-11-24")


def test_the_drip_waits_out_quiet_hours_and_respects_the_weekly_cap(scene, clock):
    scene.settings(content_drip_hour=21)
    item = scene.content("Tip", [])
    capped, quiet = scene.members(2)
    with scene.rt.db.session() as s:
        from rewards import notices

        for n in range(2):
            notices.queue_notice(s, s.get(Member, capped), "text", "marketing", {"text_zh": "優惠", "text_en": "Offer"},
                                 f"offer:{n}", TUESDAY)
    scene.run_due(TUESDAY)
    evening = TUESDAY.replace(hour=21)
    scene.run_due(evening)
    assert scene.pushes(scene.uid(quiet)) == []
    row = scene.outbox(member_id=quiet, kind="content")[0]
    assert (row.status, row.not_before) == ("pending", at(2026, 11, 25, 9))
    capped_row = scene.outbox(member_id=capped, kind="content")[0]
    assert (capped_row.status, capped_row.skip_reason) == ("pending", None)
    scene.run_due(at(2026, 11, 25, 9, 5))
    assert content_ids_pushed(scene, scene.uid(quiet)) == [item]
    capped_row = scene.outbox(member_id=capped, kind="content")[0]
    assert (capped_row.status, capped_row.skip_reason) == ("skipped", "weekly_cap")
    scene.run_due(evening + timedelta(days=7))  # skipped is not sent: the item comes again next week
    scene.run_due(at(2026, 12, 2, 9, 5))
    assert content_ids_pushed(scene, scene.uid(capped)) == [item]


def test_news_shows_a_carousel_with_what_fits_first(chat, scene):
    scene.content("Coffee tip", ["coffee"], published=at(2026, 11, 1))
    scene.content("Tea tip", ["tea"], published=at(2026, 10, 1), title_zh="冷泡茶")
    scene.content("Store story", [], published=at(2026, 11, 10))
    uid = "U" + "1" * 32
    chat.join(uid)
    (news,) = chat.say(uid, "最新消息")
    titles = [b["body"]["contents"][1]["text"] for b in news["contents"]["contents"]]
    assert titles == ["Store story（中文）", "Coffee tip（中文）", "冷泡茶"]  # newest first
    scene.update_member(scene.by_line_user(uid).id, tags=["interest:tea"])
    (news,) = chat.tap(uid, "action=news")
    titles = [b["body"]["contents"][1]["text"] for b in news["contents"]["contents"]]
    assert titles[0] == "冷泡茶"
    assert any("action=content_open" in d for d in postback_datas([news]))


def test_no_news_says_so(chat):
    uid = "U" + "2" * 32
    chat.join(uid)
    assert "沒有新消息" in words(chat.say(uid, "最新消息"))
    assert "No news right now" in words(chat.say(uid, "news"))  # in the language it was asked in


def test_read_more_shows_the_whole_item_and_records_the_interest(chat, scene, clock):
    tea = scene.content("Tea tip", ["Tea"], body_en="Steep it cold.\n\nEight hours in the fridge.")
    later_tea = scene.content("Another tea tip", ["tea"], published=clock.now() + timedelta(minutes=1))
    scene.content("General", [], published=clock.now() + timedelta(minutes=2))
    uid = "U" + "3" * 32
    scene.line.add_user(uid, "Amy", "en")
    chat.join(uid)
    (detail,) = chat.tap(uid, f"action=content_open&id={tea}")
    assert "Eight hours in the fridge." in words([detail])  # the whole body, not the excerpt
    member = scene.by_line_user(uid)
    assert "interest:tea" in member.tags
    with scene.rt.db.session() as s:
        assert s.query(ContentView).filter_by(member_id=member.id, content_id=tea).count() == 1
    clock.set(TUESDAY)
    scene.run_due(TUESDAY)
    assert content_ids_pushed(scene, uid) == [later_tea]  # the interest wins over the newer general item


def test_read_more_on_a_retired_item_says_it_is_gone(chat, scene):
    item = scene.content("Old", [])
    with scene.rt.db.session() as s:
        from content.models import ContentItem

        s.get(ContentItem, item).status = "retired"
    uid = "U" + "4" * 32
    chat.join(uid)
    assert "下架" in words(chat.tap(uid, f"action=content_open&id={item}"))
    assert "下架" in words(chat.tap(uid, "action=content_open&id=nonsense"))


def test_an_item_already_broadcast_to_the_member_is_not_dripped_again(scene):
    from content import picks
    from content.models import ContentItem
    from rewards import notices

    older = scene.content("Older story", [], published=at(2026, 10, 1))
    newest = scene.content("Newest story", [], published=at(2026, 11, 1))
    mid = scene.member()
    with scene.rt.db.session() as s:
        item = picks.snapshot(s.get(ContentItem, newest))
        params = {"type": "content", "text_zh": "", "text_en": "", "content": item}
        notices.queue_notice(s, s.get(Member, mid), "broadcast", "marketing", params, f"broadcast:1:{mid}",
                             TUESDAY - timedelta(days=3))
        s.flush()
        assert picks.sent_content(s, [mid]) == {mid: {newest}}
    # the broadcast row itself is another feature's to render; only what the drip queues matters here
    with scene.rt.db.session() as s:
        from rewards.models import Outbox

        s.query(Outbox).filter(Outbox.kind == "broadcast").update({"status": "sent"})
    scene.run_due(TUESDAY)
    assert content_ids_pushed(scene, scene.uid(mid)) == [older]
