from bot.texts import LANGUAGES, TEXTS, Texts, text


def test_every_text_exists_in_every_language():
    missing = [(key, lang) for key, entry in TEXTS.items() for lang in LANGUAGES if not entry.get(lang)]
    assert missing == []


def test_placeholders_agree_between_languages():
    import string

    def names(template):
        return {f for _, f, _, _ in string.Formatter().parse(template) if f}

    differing = [key for key, entry in TEXTS.items() if len({frozenset(names(v)) for v in entry.values()}) > 1]
    assert differing == []


def test_unknown_language_falls_back_to_default():
    assert Texts("ja")("help") == text("help", "zh-TW")
    assert Texts("en")("help").startswith("I can")
