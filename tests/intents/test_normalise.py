from bot.understanding.phrase_matcher import matching_form
from bot.understanding.normalise import normalise


def test_full_width_letters_digits_and_spaces_fold_to_ascii():
    assert normalise("ＰＯＩＮＴＳ") == "points"
    assert normalise("推薦碼：ＡＢＣ２３４５") == "推薦碼 abc2345"
    assert normalise("ｍｅｍｂｅｒ\u3000ｃａｒｄ") == "member card"


def test_case_is_folded():
    assert normalise("Member CARD") == "member card"


def test_punctuation_and_emoji_go():
    assert normalise("點數？！") == "點數"
    assert normalise("...points!!!") == "points"
    assert normalise("💳 會員卡 🎉") == "會員卡"
    assert normalise("what's new?") == "whats new"
    assert normalise("¿¡…") == ""


def test_spaces_between_chinese_characters_go_but_english_words_stay_apart():
    assert normalise("點 數") == "點數"
    assert normalise("取消　 訂閱") == "取消訂閱"
    assert normalise("member   card") == "member card"


def test_a_change_of_script_is_a_word_break():
    assert normalise("我的points") == "我的 points"
    assert normalise("會員QR") == "會員 qr"
    assert normalise("生日是3月5日") == "生日是 3 月 5 日"


def test_simplified_characters_read_as_traditional():
    assert normalise("兑换") == "兌換"
    assert normalise("会员卡") == "會員卡"
    assert normalise("点数") == "點數"


def test_matching_form_drops_words_that_carry_no_intent():
    assert matching_form("How many points do I have?") == "points"
    assert matching_form("我的會員卡") == "會員卡"
    assert matching_form("查一下我的點數") == "查點數"
    assert matching_form("hello?") == ""


def test_empty_and_none_are_empty():
    assert normalise("") == ""
    assert normalise(None) == ""
