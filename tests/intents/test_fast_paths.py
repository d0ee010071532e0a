"""The faster forms training uses say exactly what the plain ones said (issue 18: training < 1 s)."""
import random
import re

from pypinyin import lazy_pinyin
from pypinyin.pinyin_dict import pinyin_dict

from bot.understanding.normalise import _syllable
from bot.understanding.word_trie import trie_pattern

WORDS = ["點數", "點", "點數卡", "會員", "會員卡", "point", "points", "pointer", "pin", "p", "生日禮", "生日", "a.b", "c+d"]


def test_a_trie_matches_what_the_longest_first_alternation_matches():
    plain = re.compile("|".join(map(re.escape, sorted(WORDS, key=len, reverse=True))))
    trie = re.compile(trie_pattern(WORDS))
    rng = random.Random(18)
    texts = ["我的點數卡還有點數嗎", "pointers point at points", "會員卡 會員 a.b c+d axb"]
    texts += ["".join(rng.choice(WORDS + [" ", "x", "數"]) for _ in range(12)) for _ in range(300)]
    for text in texts:
        assert trie.findall(text) == plain.findall(text), text


def test_a_trie_of_nothing_matches_nothing():
    assert re.compile(trie_pattern([])).findall("anything") == []
    assert re.compile(trie_pattern(["", "ab"])).findall("abab") == ["ab", "ab"]


def test_a_characters_sound_is_pypinyins_first_reading_without_tones():
    chars = [chr(c) for c in sorted(pinyin_dict)][::7]  # every 7th of its 40,000 characters
    chars += list("點數綠女率了重行長樂")
    for ch in chars:
        expected = lazy_pinyin(ch, errors="default")[0] if ch > "\x7f" and ch != " " else ch
        assert _syllable(ch) == expected, ch
    assert _syllable("a") == "a" and _syllable("綠") == "lv"
