import pytest

from bot.understanding.phrases import EXPRESSIONS, OFF_TOPIC, SOLO, TERMS
from bot.understanding.phrase_matcher import AMBIGUOUS, IntentMatcher, Match, classify, classify_detailed, referral_code_in


@pytest.mark.parametrize("text, intent", [
    ("訂閱", "subscribe"), ("取消訂閱", "unsubscribe"), ("取消定閱", "unsubscribe"), ("定閱", "subscribe"),
    ("subscribe", "subscribe"), ("unsubscribe", "unsubscribe"), ("subscibe", "subscribe"),
    ("unsubscibe", "unsubscribe"), ("重新訂閱", "subscribe"),
])
def test_subscribe_and_unsubscribe_are_told_apart(text, intent):
    assert classify(text) == intent


def test_a_close_call_is_ambiguous_and_names_both():
    match = classify_detailed("點數和優惠券")
    assert match.intent == AMBIGUOUS
    assert set(match.candidates) == {"points", "coupons"}
    assert classify("點數和優惠券") == AMBIGUOUS


def test_a_typo_equally_near_two_intents_is_ambiguous():
    match = classify_detailed("usubscribe")
    assert match.intent == AMBIGUOUS
    assert set(match.candidates) == {"subscribe", "unsubscribe"}


def test_a_clear_answer_names_the_runner_up_when_there_is_one():
    match = classify_detailed("redeem points")
    assert (match.intent, match.top) == ("rewards", "rewards")
    assert classify_detailed("會員卡").runner_up is None


def test_a_match_as_written_outscores_one_with_a_typo():
    assert classify_detailed("coupon").score > classify_detailed("cuopon").score > 0


def test_chit_chat_is_none_with_score_zero_or_low():
    for text in ("hello?", "謝謝", "生日快樂", "你們幾點開門", "can I pay by card"):
        match = classify_detailed(text)
        assert match.intent is None, text
        assert match.score < 50


def test_empty_messages_are_none():
    assert classify_detailed("") == Match(None, 0)
    assert classify("   ") is None
    assert classify("🙂🙂") is None


@pytest.mark.parametrize("text, code", [
    ("推薦碼 ABC2345", "ABC2345"),
    ("推薦碼：ＸＹＺ９８７６", "XYZ9876"),
    ("推薦碼abcd2345", "ABCD2345"),
    ("referral code: qwer-5678", "QWER5678"),
    ("my referral code is KJ8M2P4Q", "KJ8M2P4Q"),
    ("邀請碼 ABCDEFGH", "ABCDEFGH"),
])
def test_the_referral_code_after_the_word_is_read(text, code):
    assert referral_code_in(text) == code
    assert classify(text) == "referral"


@pytest.mark.parametrize("text", ["推薦碼", "my referral code", "推薦碼 please", "推薦碼是什麼", "ABC2345", "推薦碼 AB1"])
def test_no_referral_code_without_one(text):
    assert referral_code_in(text) is None


def test_every_phrase_belongs_to_one_intent_and_survives_normalisation():
    IntentMatcher()  # raises on a phrase that is all stopwords or is claimed by two intents
    with pytest.raises(ValueError):
        IntentMatcher(terms={"points": ("點數",), "history": ("點 數",)}, expressions={}, solo={}, off_topic=())
    with pytest.raises(ValueError):
        IntentMatcher(terms={"help": ("how to",)}, expressions={}, solo={}, off_topic=())


def test_phrase_tables_use_the_same_intent_names():
    names = set(TERMS) | set(EXPRESSIONS) | set(SOLO)
    assert set(EXPRESSIONS) <= set(TERMS) | set(SOLO)
    assert len(names) == 21
    assert all(phrase.strip() for phrase in OFF_TOPIC)


# -- issue 13: pronunciation, small talk, the answers matcher
from bot.understanding.finders import asks_for_person, small_talk  # noqa: E402
from bot.understanding.normalise import sound  # noqa: E402


def test_homophone_typos_sound_like_the_word_meant():
    assert sound("點樹") == sound("點數") and sound("等記") == sound("等級") and sound("訂閲") == sound("訂閱")
    assert classify("點樹還有多少") == "points" and classify("我的等記") == "tier"
    assert classify("優惠捲") == "coupons" and classify("取消訂閲") == "unsubscribe"


@pytest.mark.parametrize("chit_chat", ["現在幾點", "你們有會員嗎", "電視", "會員嗎"])
def test_a_particle_or_question_word_heard_as_part_of_a_term_does_not_make_it_a_member_intent(chit_chat):
    # 幾點 sounds like 積點 (points), 會員嗎 like 會員碼 (member card): both are questions, not typos
    assert classify(chit_chat) is None


@pytest.mark.parametrize("text,kind", [("謝謝", "thanks"), ("thank you so much!", "thanks"), ("好的，謝謝", "ack"),
                                       ("👍", "ack"), ("哈囉～", "greeting"), ("bye bye", "bye"), ("OK", "ack")])
def test_small_talk_kinds(text, kind):
    assert small_talk(text) == kind


@pytest.mark.parametrize("text", ["謝謝你的點數", "😂", "...", "好吃", "ok 點數"])
def test_not_small_talk(text):
    assert small_talk(text) is None


@pytest.mark.parametrize("text,person", [("真人客服", True), ("我要找真人", True), ("talk to a human", True),
                                         ("真人客復", True), ("客服", False), ("help", False)])
def test_asking_for_a_person(text, person):
    assert asks_for_person(text) is person


@pytest.mark.parametrize("text, off_topic", [("推薦什麼", True), ("推薦什麼好", True), ("有推薦的嗎謝謝", True),
                                             ("推薦朋友要怎麼付款", False)])
def test_a_message_that_names_only_off_topic_things_of_ours_is_off_topic(text, off_topic):
    """Off topic when that is all of ours it names, whole or with other words around it; not when it
    also names a member question (the referral here)."""
    assert IntentMatcher().match(text).off_topic is off_topic
