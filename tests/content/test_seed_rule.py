"""The library files only seed the content: once staff edit an item (an article, an faq, a store) in the
console, the database's version stands through file changes, file removals, `flask content sync` and restarts;
items nobody edited still follow their files."""
from __future__ import annotations

import shutil

import pytest
from sqlalchemy import select

from cli.content import sync_at_start
from content import faq_admin, library_admin, stores_admin
from content.models import ContentItem
from core.field_errors import FieldErrors

from ..conftest import make_app
from ..e2e.chat import Chat, words
from .test_library import LIBRARY, write

STAFF = "amy@shop.example"


def rows(rt) -> dict[str, ContentItem]:
    with rt.db.session() as s:
        return {i.slug: i for i in s.scalars(select(ContentItem).where(ContentItem.slug.is_not(None)))}


def sync(app, folder) -> str:
    result = app.test_cli_runner().invoke(args=["content", "sync", "--dir", str(folder)])
    assert result.exit_code == 0, result.output
    return result.output


def test_an_article_edited_in_the_console_survives_file_changes_removal_and_syncs(app, rt, clock, tmp_path):
    write(tmp_path, "edited", "原標題")
    write(tmp_path, "untouched", "原標題")
    assert "added 2" in sync(app, tmp_path)
    with rt.db.session() as s:
        item = s.scalar(select(ContentItem).where(ContentItem.slug == "edited"))
        fields = library_admin.ContentFields("後台改過的標題", "Edited title", "新內文", "New body", kind="tip",
                                             status="active", topics=("coffee",))
        library_admin.update(item, fields, clock.now(), STAFF)
    write(tmp_path, "edited", "檔案改了")
    write(tmp_path, "untouched", "檔案改了")
    output = sync(app, tmp_path)
    assert "kept as edited in the console: edited" in output
    now = rows(rt)
    assert (now["edited"].title_zh, now["edited"].edited_by) == ("後台改過的標題", STAFF)
    assert now["untouched"].title_zh == "檔案改了"  # nobody edited it: it follows its file
    (tmp_path / "edited.md").unlink()
    (tmp_path / "untouched.md").unlink()
    sync(app, tmp_path)
    now = rows(rt)
    assert (now["edited"].status, now["untouched"].status) == ("active", "retired")


def test_an_edited_faq_answer_stands(app, rt, clock, tmp_path):
    shutil.copy(LIBRARY / "faq-parking.md", tmp_path / "faq-parking.md")
    sync(app, tmp_path)
    with rt.db.session() as s:
        item = s.scalar(select(ContentItem).where(ContentItem.slug == "faq-parking"))
        fields = faq_admin.FaqFields.of(item)
        faq_admin.update(item, type(fields)(**{**fields.__dict__, "answer_zh": "地下室 B2 停車，消費滿 500 免費 2 小時。"}),
                         clock.now(), STAFF)
    (tmp_path / "faq-parking.md").write_text((LIBRARY / "faq-parking.md").read_text(encoding="utf-8") + "\n改了",
                                             encoding="utf-8")
    assert "kept as edited in the console: faq-parking" in sync(app, tmp_path)
    assert rows(rt)["faq-parking"].body_zh == "地下室 B2 停車，消費滿 500 免費 2 小時。"


def test_store_fields_are_checked_like_a_file_and_every_problem_is_said(app, rt, clock):
    with rt.db.session() as s:
        with pytest.raises(FieldErrors) as problems:
            stores_admin.create(s, stores_admin.StoreFields("", hours="9am till late", map_url="http://x"), STAFF,
                                clock.now())
    assert set(problems.value.problems) == {"title_zh", "address_zh", "hours", "map_url"}


def test_a_store_edited_in_the_console_is_what_the_bot_says_after_a_restart_and_a_sync(
        database_url, simulator_server, line, clock, sender, tmp_path):
    folder = tmp_path / "library"
    shutil.copytree(LIBRARY, folder)
    app = make_app(database_url, simulator_server.url, clock, CONTENT_LIBRARY_DIR=str(folder))
    sync_at_start(app.extensions["bot"])
    try:
        rt = app.extensions["bot"]
        with rt.db.session() as s:
            store = s.scalar(select(ContentItem).where(ContentItem.slug == "store-xinyi"))
            fields = stores_admin.StoreFields.of(store)
            stores_admin.update(store, stores_admin.StoreFields(**{**fields.__dict__, "hours": "10:00-22:00",
                                                                   "phone": "02-2722-9999"}), STAFF, clock.now())
            assert store.details["lat"] == 25.0396  # the place from the file stays
        # a restart (the start-up sync) and an operator's sync, with the file changed meanwhile
        path = folder / "store-xinyi.md"
        path.write_text(path.read_text(encoding="utf-8").replace("11:00-21:30", "11:00-20:00"), encoding="utf-8")
        again = make_app(database_url, simulator_server.url, clock, CONTENT_LIBRARY_DIR=str(folder))
        sync_at_start(again.extensions["bot"])
        again.extensions["inbox_worker"].shutdown()
        again.extensions["bot"].db.dispose()
        sync(app, folder)
        assert rows(rt)["store-xinyi"].details["hours"] == "10:00-22:00"
        chat = Chat(app.test_client(), sender, line)
        uid = "U" + "f" * 31 + "5"
        chat.join(uid)
        answer = words(chat.say(uid, "信義店營業時間"))
        assert "10:00-22:00" in answer and "11:00" not in answer
    finally:
        app.extensions["inbox_worker"].shutdown()
        app.extensions["bot"].db.dispose()
