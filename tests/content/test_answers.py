"""The shop's own answers and stores as library items (content/answers.py, content/faq_admin.py),
the misses list (messaging/misses.py)."""
from __future__ import annotations

from datetime import timedelta

import pytest

from content import answers, faq_admin, library_files, library_sync
from core.field_errors import FieldErrors
from bot import preview
from messaging import misses

FAQ = b"""---
id: faq-pets
kind: faq
title_zh: \xe5\xaf\xb5\xe7\x89\xa9
title_en: Pets
asked_as_zh: [\xe5\x8f\xaf\xe4\xbb\xa5\xe5\xb8\xb6\xe5\xaf\xb5\xe7\x89\xa9\xe5\x97\x8e]
asked_as_en: [can I bring my dog]
---
## zh-TW
\xe6\xad\xa1\xe8\xbf\x8e
## en
Welcome
"""


def _parse(text: str):
    return library_files.parse(text.encode(), "x.md")


def test_an_faq_file_is_parsed_with_its_ways_of_asking_and_needs_no_date():
    item = library_files.parse(FAQ, "faq-pets.md")
    assert item.kind == "faq" and item.details == {"asked_as_zh": ["可以帶寵物嗎"], "asked_as_en": ["can I bring my dog"]}
    assert item.body_en == "Welcome"


def test_faq_and_store_files_say_what_is_wrong():
    no_asked = _parse("---\nid: a\nkind: faq\ntitle_zh: A\ntitle_en: A\nbody_zh: x\nbody_en: x\n---\n")
    assert "asked_as_zh" in no_asked.problems
    bad_store = _parse("---\nid: s\nkind: store\ntitle_zh: 店\ntitle_en: S\nbody_zh: x\nbody_en: x\nhours: all day\n"
                       "lat: 300\nmap_url: http://x\n---\n")
    assert {"address_zh", "hours", "lat", "map_url"} <= set(bad_store.problems)
    unknown = _parse("---\nid: t\nkind: tip\ntitle_zh: T\ntitle_en: T\nbody_zh: x\nbody_en: x\npublished: 2026-01-01\n"
                     "asked_as_zh: [x]\n---\n")
    assert "front matter" in unknown.problems  # asked_as is for faqs only


def test_nearest_stores_with_distances_and_store_ids():
    shipped = answers.from_library(library_files.read_library("content/library").items)
    near = answers.nearest(shipped.stores, 24.1477, 120.6736)  # Taichung station
    assert [s.slug for s, _ in near] == ["store-taichung", "store-nanxi", "store-xinyi"]
    assert near[0][1] < 2 and 120 < near[1][1] < 140
    assert answers.store_named(shipped.stores, "xinyi").slug == "store-xinyi"
    assert answers.store_named(shipped.stores, "Nanxi store").slug == "store-nanxi"
    assert answers.store_named(shipped.stores, "S01") is None


def test_reward_keywords_leave_out_the_generic_words():
    assert answers.RewardName(1, "咖啡兌換券", "Free coffee").keywords == ("咖啡", "coffee")
    assert answers.RewardName(2, "品牌保溫瓶", "Brand thermos").keywords == ("保溫瓶", "thermos")


def test_synced_faqs_and_stores_load_into_the_catalog_and_change_its_version(db, clock):
    library = library_files.read_library("content/library")
    with db.session() as s:
        before = answers.version(s)
        library_sync.sync(s, library.items, clock.now())
    with db.session() as s:
        catalog = answers.load(s)
        assert {f.slug for f in catalog.faqs} >= {"faq-hours", "faq-parking"}
        assert len(catalog.stores) == 3 and catalog.version != before
        assert answers.version(s) == catalog.version
        faq_admin.create(s, faq_admin.FaqFields("寵物", "Pets", "歡迎", "Welcome", ["寵物"], []), "staff", clock.now())
    with db.session() as s:
        assert answers.version(s) != catalog.version


def test_an_faq_needs_a_title_an_answer_and_a_way_of_asking(db, clock):
    with db.session() as s, pytest.raises(FieldErrors) as caught:
        faq_admin.create(s, faq_admin.FaqFields(), "staff", clock.now())
    assert set(caught.value.problems) == {"title_zh", "answer_zh", "asked_zh"}


def test_misses_are_grouped_by_similar_wording_and_kept_for_the_retention_only(db, clock):
    now = clock.now()
    with db.session() as s:
        for i, text in enumerate(["停車場在哪", "停車場在哪裡", "停車場在哪", "阿里山好玩嗎"]):
            misses.record(s, "U" + str(i % 2) * 32, text, text, now - timedelta(days=i * 11))
    with db.session() as s:
        misses.assign(s, preview.group_misses(s, misses.ungrouped(s), {}))
    with db.session() as s:
        groups = misses.groups(s)
        assert [(g.wording, g.count) for g in groups] == [("停車場在哪", 3), ("阿里山好玩嗎", 1)]
        assert misses.sweep_retention(s, now, timedelta(days=30)) == 1  # 33 days old
        assert misses.erase(s, "U" + "0" * 32) == 2  # the 0- and 22-day-old ones
