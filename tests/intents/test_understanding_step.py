"""The understanding step's parts, without LINE or Flask: the typed result, the examples' files, the
model each process keeps (and when it sees a change), and grouping by meaning."""
from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from bot.understanding import Understanding, language_of
from bot.understanding import current
from bot.understanding.classifier import Classifier, Example, NONE
from bot.understanding.examples import read_file
from bot.understanding import step
from bot.understanding.features import Featuriser
from bot.understanding.step import ASK_BACK
from messaging import labelled_examples

from .routes import understander

NOW = datetime(2026, 12, 7, 10, 0, tzinfo=ZoneInfo("Asia/Taipei"))


@pytest.mark.parametrize("understood,label,intent", [
    (Understanding("intent", "points"), "points", "points"),
    (Understanding("faq", "faq-hours"), "faq:faq-hours", None),
    (Understanding("store", "store-xinyi"), "store:store-xinyi", None),
    (Understanding("handoff"), "handoff", None),
    (Understanding(ASK_BACK, alternatives=("points", "coupons")), "ambiguous", "ambiguous"),
    (Understanding(None), None, None),
])
def test_the_result_names_its_label_and_the_intent_handlers_filter_on(understood, label, intent):
    assert (understood.label, understood.intent) == (label, intent)


@pytest.mark.parametrize("text,language", [
    ("點數", "zh-TW"), ("my points", "en"), ("ＭＥＭＢＥＲ ＣＡＲＤ", None), ("LINK 4F7K-2M9Q", None), ("123", None),
    ("Points please", "en"),
    ("OK", None), ("points 點數", "zh-TW"),
])
def test_the_language_a_message_is_written_in(text, language):
    assert language_of(text) == language


def test_an_examples_file_with_a_bad_line_says_which(tmp_path):
    path = tmp_path / "x.tsv"
    path.write_text("text\texpected\n點數\tpoints\n只有文字\n", encoding="utf-8")
    with pytest.raises(ValueError, match="line 3"):
        read_file(path)
    path.write_text("wrong header\n", encoding="utf-8")
    with pytest.raises(ValueError, match="first line"):
        read_file(path)


def test_the_classifier_learns_a_new_label_from_a_few_examples_and_knows_none():
    model = Classifier([Example("我的豆豆幣", "points"), Example("豆豆幣查詢", "points"),
                        Example("今天天氣真好", NONE), Example("你們的咖啡好好喝", NONE)])
    ranked = model.scores(model.features_of("豆豆幣還剩多少"))
    assert ranked[0][0] == "points"
    assert model.scores(model.features_of("天氣好好"))[0][0] == NONE


def test_every_wording_understood_says_its_language_and_words_of_the_menu_are_exact():
    model = understander()
    menu = model.understand("點數")
    assert (menu.kind, menu.key, menu.exact, menu.language) == ("intent", "points", True, "zh-TW")
    padded = model.understand("不好意思想請問一下，我上週在信義店買了豆子，現在點數累積到多少了呢")
    assert (padded.kind, padded.exact) == ("intent", False) and padded.key in ("points", "history")


def test_a_concept_is_found_in_a_plural_and_a_plural_is_not_corrected_to_another_word():
    featuriser = Featuriser({"news", "ads", "dad", "hours"})
    assert {"@news", "@hours"} <= set(featuriser.features("any news today"))  # the stemmer makes "news" "new"
    dads = featuriser.features("my dads birthday")
    assert "@other_people" in dads and "@message" not in dads  # "dads" is not "ads" mistyped


@pytest.mark.parametrize("text, label", [
    # a question about an faq's topic at a named store is the faq's; its hours are the store's
    ("can I park my car at the Taichung store", "faq:faq-parking"),
    ("台中店附近停車方便嗎", "faq:faq-parking"),
    ("台中店幾點開", "store:store-taichung"),
    # a birthday and a coupon named apart: the birthday coupon, not a question back
    ("do I get a coupon on my birthday", "birthday_gift"),
    # an faq's words next to a game: chit-chat
    ("my poker buddies only accept cash", None),
    ("打麻將要怎麼算分", None),
])
def test_context_decides_between_a_store_an_faq_and_chit_chat(text, label):
    assert understander().understand(text).label == label


@pytest.mark.parametrize("text, label", [
    ("the buffet has three levels of desserts", None),  # a remark about a third thing
    ("the birthday coupon never came", "birthday_gift"),  # ... but about one of ours
    ("the last purchase did not give points", "history"),
    ("the menu", "help"),  # a request, however short
])
def test_an_english_remark_about_a_third_thing_is_not_a_member_question(text, label):
    assert understander().understand(text).label == label


@pytest.mark.parametrize("text, label", [
    ("之後請用英文 我看不太懂中文", "english"),  # the language turned down is not the one wanted
    ("請用中文回我 英文我不太會", "chinese"),
    ("I can't read chinese, reply in english", "english"),
])
def test_a_language_the_member_cannot_read_is_not_the_one_they_ask_for(text, label):
    assert understander().understand(text).label == label


def test_a_message_naming_nothing_of_ours_needs_a_nearer_reading(monkeypatch):
    model = understander()
    features = model.classifier.features_of("這本書有幾頁")
    assert not any(name.startswith("@") for name in features)
    assert model.understand("這本書有幾頁").kind is None
    monkeypatch.setattr(step, "UNNAMED_ACCEPT", step.ACCEPT)
    assert model.understand("這本書有幾頁").kind is not None  # it was near a reading, only not near enough


def test_the_process_model_sees_a_label_after_its_refresh_interval_and_another_database_at_once(db, monkeypatch):
    monkeypatch.setattr(current, "REFRESH_SECONDS", 2.0)
    now = [100.0]
    with db.session() as s:
        first = current.model_for(s, clock=lambda: now[0])
        assert first.understand("豆豆幣查一下").kind is None
    with db.session() as s:
        labelled_examples.add(s, ["我的豆豆幣", "豆豆幣查詢"], "points", NOW)
    now[0] += 1.0
    with db.session() as s:
        assert current.model_for(s, clock=lambda: now[0]) is first  # within the interval: not asked
    now[0] += 1.5
    with db.session() as s:
        second = current.model_for(s, clock=lambda: now[0])
        assert second is not first
        assert (second.understand("豆豆幣查一下").kind, second.understand("豆豆幣查一下").key) == ("intent", "points")
        assert current.model_for(s, clock=lambda: now[0] + 10) is second  # nothing changed: kept


def test_labelled_examples_refuse_an_empty_label_or_no_wording(db):
    from core.field_errors import FieldErrors
    with db.session() as s, pytest.raises(FieldErrors):
        labelled_examples.add(s, ["點數"], " ", NOW)
    with db.session() as s, pytest.raises(FieldErrors):
        labelled_examples.add(s, ["  "], "points", NOW)
    with db.session() as s:
        assert labelled_examples.add(s, ["點數呀", "點數呀", "points pls"], "points", NOW) == 2
        assert labelled_examples.add(s, ["點數呀"], "history", NOW) == 1  # relabelled, not twice
        assert sorted(labelled_examples.all_examples(s)) == [("points pls", "points"), ("點數呀", "history")]
