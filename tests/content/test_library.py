"""The file content library: parsing, `flask content sync` (add, change, remove), the sync at start
(the web's and the worker's start-up: tests/content/test_sync_at_start.py runs them as processes)."""
from __future__ import annotations

import shutil
from pathlib import Path

from sqlalchemy import select

from core.config import PROJECT_ROOT
from content import library_files, library_sync
from content.models import ContentItem

from cli.content import sync_at_start

from ..conftest import make_app
from ..e2e.chat import Chat, words

LIBRARY = PROJECT_ROOT / "content" / "library"

ITEM = """---
id: {slug}
title_zh: {title}
title_en: {title} (en)
topics: [Coffee, tea]
kind: tip
image_url: https://static.example.com/{slug}.jpg
link: https://shop.example.com/{slug}
published: 2026-10-01
---
## zh-TW
中文內文。

## en
English body.
"""


def write(folder: Path, slug: str, title: str = "標題") -> Path:
    path = folder / f"{slug}.md"
    path.write_text(ITEM.format(slug=slug, title=title), encoding="utf-8")
    return path


def items(rt) -> dict[str, ContentItem]:
    with rt.db.session() as s:
        return {row.slug: row for row in s.scalars(select(ContentItem))}


def sync(rt, folder, clock):
    library = library_files.read_library(folder)
    with rt.db.session() as s:
        return library_sync.sync(s, library.items, clock.now()), library.problems


def test_a_file_is_parsed_with_front_matter_and_bodies():
    item = library_files.parse(ITEM.format(slug="a-tip", title="手沖").encode(), "a-tip.md")
    assert (item.slug, item.title_zh, item.title_en, item.kind) == ("a-tip", "手沖", "手沖 (en)", "tip")
    assert (item.body_zh, item.body_en, item.topics) == ("中文內文。", "English body.", ("coffee", "tea"))
    assert (item.image_url, item.link_url, item.published.isoformat()) == (
        "https://static.example.com/a-tip.jpg", "https://shop.example.com/a-tip", "2026-10-01")


def test_bodies_may_be_in_the_front_matter_and_bad_files_say_what_is_wrong():
    good = "---\nid: x\ntitle_zh: 甲\ntitle_en: A\nbody_zh: 內文\nbody_en: Body\npublished: 2026-01-02\n---\n"
    item = library_files.parse(good.encode(), "x.md")
    assert (item.body_zh, item.body_en, item.topics, item.kind) == ("內文", "Body", (), "story")
    bad = "---\nid: Not A Slug\ntitle_zh: 甲\nkind: essay\nimage_url: http://x.example/a.jpg\ntopics: coffee\n---\n"
    problem = library_files.parse(bad.encode(), "bad.md")
    assert set(problem.problems) == {"id", "title_en", "body_zh", "body_en", "kind", "image_url", "topics",
                                     "published"}
    assert library_files.parse(b"no front matter", "n.md").problems == {"file": "has no front matter between --- lines"}


def test_the_shipped_library_is_valid_and_says_nothing_of_birthdays():
    library = library_files.read_library(LIBRARY)
    assert library.problems == []
    reading = [i for i in library.items if i.kind in library_files.KINDS]
    assert 6 <= len(reading) <= 8
    assert {i.kind for i in library.items} == {"story", "tip", "new_product", "faq", "store"}
    # the shop's answers: opening hours, returns, shipping, parking, payment, how points work; three stores
    assert {i.slug for i in library.items if i.kind == "faq"} == {
        "faq-hours", "faq-returns", "faq-shipping", "faq-parking", "faq-payment", "faq-points-rules"}
    assert all(i.details["lat"] and i.details["address_en"] for i in library.items if i.kind == "store")
    assert any(not i.topics for i in reading)  # general items for members without interests
    for item in reading:
        text = " ".join([item.title_zh, item.title_en, item.body_zh, item.body_en]).lower()
        assert "生日" not in text and "birthday" not in text  # birthday pushes are told apart by these words


def test_sync_adds_then_skips_unchanged_then_updates_then_retires(rt, clock, tmp_path):
    write(tmp_path, "first", "第一篇")
    write(tmp_path, "second", "第二篇")
    summary, problems = sync(rt, tmp_path, clock)
    assert (sorted(summary.added), summary.updated, summary.retired, problems) == (["first", "second"], [], [], [])
    stored = items(rt)
    assert (stored["first"].title_zh, stored["first"].topics, stored["first"].source, stored["first"].status) == (
        "第一篇", ["coffee", "tea"], "file", "active")

    summary, _ = sync(rt, tmp_path, clock)
    assert (summary.changed, summary.unchanged) == (False, 2)

    write(tmp_path, "first", "第一篇（改）")
    (tmp_path / "second.md").unlink()
    summary, _ = sync(rt, tmp_path, clock)
    assert (summary.updated, summary.retired) == (["first"], ["second"])
    stored = items(rt)
    assert stored["first"].title_zh == "第一篇（改）"
    assert (stored["second"].status, stored["second"].retired_at) == ("retired", clock.now())  # kept, not deleted

    write(tmp_path, "second", "第二篇")
    summary, _ = sync(rt, tmp_path, clock)
    assert summary.updated == ["second"] and items(rt)["second"].status == "active"


def test_an_item_staff_retired_stays_retired_until_its_file_changes(rt, clock, tmp_path):
    write(tmp_path, "tip")
    sync(rt, tmp_path, clock)
    with rt.db.session() as s:
        s.scalar(select(ContentItem)).status = "retired"
    assert sync(rt, tmp_path, clock)[0].changed is False
    assert items(rt)["tip"].status == "retired"
    write(tmp_path, "tip", "新版")
    sync(rt, tmp_path, clock)
    assert items(rt)["tip"].status == "active"


def test_the_cli_syncs_and_reports_bad_files(app, rt, tmp_path):
    write(tmp_path, "good")
    (tmp_path / "broken.md").write_text("---\nid: broken\n---\n", encoding="utf-8")
    result = app.test_cli_runner().invoke(args=["content", "sync", "--dir", str(tmp_path)])
    assert result.exit_code == 1
    assert "added 1, updated 0, retired 0, unchanged 0" in result.output
    assert "broken.md" in result.output
    assert set(items(rt)) == {"good"}
    (tmp_path / "broken.md").unlink()
    result = app.test_cli_runner().invoke(args=["content", "sync", "--dir", str(tmp_path)])
    assert result.exit_code == 0 and "unchanged 1" in result.output


def started(app):
    """The app as the web or the worker starts it: the content library synced."""
    sync_at_start(app.extensions["bot"])
    return app


def test_the_sync_at_start_loads_the_library_and_members_read_it(database_url, simulator_server, line, clock, sender,
                                                                 tmp_path):
    folder = tmp_path / "library"
    shutil.copytree(LIBRARY, folder)
    app = started(make_app(database_url, simulator_server.url, clock, CONTENT_LIBRARY_DIR=str(folder)))
    try:
        rt = app.extensions["bot"]
        assert len(items(rt)) == len(list(folder.glob("*.md")))
        (folder / "linen-care.md").unlink()
        started(make_app(database_url, simulator_server.url, clock, CONTENT_LIBRARY_DIR=str(folder))).extensions[
            "bot"].db.dispose()
        assert items(rt)["linen-care"].status == "retired"
        chat = Chat(app.test_client(), sender, line)
        uid = "U" + "e" * 32
        chat.join(uid)
        (news,) = chat.say(uid, "最新消息")
        assert news["type"] == "flex" and news["contents"]["type"] == "carousel"
        assert len(news["contents"]["contents"]) == 6
        assert "亞麻" not in words([news])  # retired
        (news_en,) = chat.say(uid, "news")  # the same in English words
        assert len(news_en["contents"]["contents"]) == 6
    finally:
        app.extensions["inbox_worker"].shutdown()
        app.extensions["bot"].db.dispose()


def test_the_demo_library_keeps_its_own_pictures_and_the_bot_serves_them(database_url, simulator_server, line,
                                                                         clock, sender):
    from PIL import Image
    import io

    library = library_files.read_library(LIBRARY)
    assert library.problems == [] and all(item.image_file for item in library.items if item.kind in library_files.KINDS)
    app = started(make_app(database_url, simulator_server.url, clock, CONTENT_LIBRARY_DIR=str(LIBRARY),
                           BOT_PUBLIC_URL="https://bot.shop.example"))
    try:
        rt = app.extensions["bot"]
        synced = items(rt)
        assert synced["linen-care"].image_url == "https://bot.shop.example/library/images/linen-care.png"
        client = app.test_client()
        picture = client.get("/library/images/linen-care.png")
        assert picture.status_code == 200 and picture.content_type == "image/png"
        assert Image.open(io.BytesIO(picture.data)).size == (1040, 676)  # the 20:13 hero of a news card
        assert client.get("/library/images/../linen-care.md").status_code == 404
        assert client.get("/library/images/nothing.png").status_code == 404
        chat = Chat(client, sender, line)
        uid = "U" + "e" * 31 + "9"
        chat.join(uid)
        (news,) = chat.say(uid, "news")
        heroes = [b["hero"]["url"] for b in news["contents"]["contents"] if b.get("hero")]
        assert heroes and all(url.startswith("https://bot.shop.example/library/images/") for url in heroes)
        # another public address: the items are synced again with it
        started(make_app(database_url, simulator_server.url, clock, CONTENT_LIBRARY_DIR=str(LIBRARY),
                         BOT_PUBLIC_URL="https://new.shop.example")).extensions["bot"].db.dispose()
        assert items(rt)["linen-care"].image_url.startswith("https://new.shop.example/library/images/")
    finally:
        app.extensions["inbox_worker"].shutdown()
        app.extensions["bot"].db.dispose()


def test_an_image_must_be_a_file_in_the_library_images_folder(tmp_path):
    (tmp_path / "a.md").write_text(ITEM.format(slug="a", title="t").replace(
        "image_url: https://static.example.com/a.jpg", "image: a.png"), encoding="utf-8")
    (tmp_path / "b.md").write_text(ITEM.format(slug="b", title="t").replace(
        "image_url: https://static.example.com/b.jpg", "image: ../secret.png"), encoding="utf-8")
    library = library_files.read_library(tmp_path)
    problems = {p.path: p.problems for p in library.problems}
    assert "no file images/a.png" in problems["a.md"]["image"]
    assert "file name in images/" in problems["b.md"]["image"]
    (tmp_path / "images").mkdir()
    (tmp_path / "images" / "a.png").write_bytes(b"png")
    assert [item.image_file for item in library_files.read_library(tmp_path).items] == ["a.png"]
