"""Microseconds to route one message, over the labelled set (tests/intents/utterances.tsv).

Every message of the set goes through the bot's whole routing (`bot.routing.route`: member intents,
then the shop's faq answers, stores, a person, rewards by name, small talk) many times, with the
shipped library plus generated faq entries loaded (`--faqs`, default 200 in all); the figure is the
mean per message, with the slowest single message alongside.

    python bench/intent_routing.py [--rounds 200] [--faqs 200]
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.routing import AnswerMatcher, route  # noqa: E402
from content.answers import Faq, RewardName, from_library  # noqa: E402
from content.library_files import read_library  # noqa: E402

UTTERANCES = ROOT / "tests" / "intents" / "utterances.tsv"
TARGET_US = 1000.0  # LINE gives the whole webhook 2 s; routing must be a negligible part of it


def messages() -> list[str]:
    lines = UTTERANCES.read_text(encoding="utf-8").splitlines()[1:]
    return [line.split("\t")[0] for line in lines if line and not line.startswith("#")]


# things a shop is asked about, to make up faq entries the way staff would write them
_THINGS = [("禮盒", "gift box"), ("團購", "group order"), ("發票", "receipt"), ("包裝", "wrapping"), ("保固", "warranty"),
           ("預購", "pre-order"), ("缺貨", "out of stock"), ("會員日", "member day"), ("外帶", "takeaway"), ("內用", "dine in"),
           ("訂位", "booking"), ("寵物", "pets"), ("無障礙", "wheelchair access"), ("廁所", "toilet"), ("插座", "socket"),
           ("網路", "wifi"), ("咖啡豆", "coffee beans"), ("研磨", "grinding"), ("濾掛", "drip bags"), ("冷萃", "cold brew"),
           ("茶葉", "tea leaves"), ("蛋糕", "cake"), ("素食", "vegetarian"), ("過敏", "allergy"), ("保存期限", "shelf life"),
           ("企業採購", "corporate order"), ("客製化", "custom print"), ("刻字", "engraving"), ("尺寸", "size chart"),
           ("材質", "material"), ("清洗", "washing"), ("維修", "repair"), ("二手", "second hand"), ("回收", "recycling"),
           ("環保杯", "reusable cup"), ("課程", "workshop"), ("講座", "talk"), ("展覽", "exhibition"), ("合作", "partnership"),
           ("徵才", "jobs")]
_ASKED = [("{}怎麼辦", "how does {} work"), ("有{}嗎", "do you have {}"), ("{}多少錢", "{} price"),
          ("{}的規定", "{} rules"), ("{}要多久", "how long does {} take")]


def generated_faqs(count: int) -> list[Faq]:
    faqs = []
    for i in range(count):
        (zh, en), (ask_zh, ask_en) = _THINGS[i % len(_THINGS)], _ASKED[i // len(_THINGS) % len(_ASKED)]
        asked_zh = (ask_zh.format(zh), ask_zh.format(zh) + "呢", zh + ask_zh.format("")[:2])
        faqs.append(Faq(f"gen-{i}", zh, en, f"答案 {i}", f"answer {i}", asked_zh, (ask_en.format(en),)))
    return faqs


def answers_with(total_faqs: int) -> AnswerMatcher:
    shipped = from_library(read_library(ROOT / "content" / "library").items,
                           [RewardName(1, "品牌保溫瓶", "Brand thermos"), RewardName(2, "咖啡兌換券", "Free coffee")])
    extra = generated_faqs(max(0, total_faqs - len(shipped.faqs)))
    return AnswerMatcher(shipped.__class__(shipped.faqs + tuple(extra), shipped.stores, shipped.rewards, ("bench",)))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=200)
    parser.add_argument("--faqs", type=int, default=200, help="faq entries loaded in all (shipped + generated)")
    args = parser.parse_args()
    texts = messages()
    started = time.perf_counter()
    answers = answers_with(args.faqs)  # built once per catalog version, as the app does
    route(texts[0], answers)
    build_ms = (time.perf_counter() - started) * 1000

    def classify(text: str):
        return route(text, answers)

    started = time.perf_counter()
    for _ in range(args.rounds):
        for text in texts:
            classify(text)
    mean_us = (time.perf_counter() - started) / (args.rounds * len(texts)) * 1e6

    slowest_us, slowest = 0.0, ""
    for text in texts:
        t0 = time.perf_counter()
        for _ in range(50):
            classify(text)
        took = (time.perf_counter() - t0) / 50 * 1e6
        if took > slowest_us:
            slowest_us, slowest = took, text

    print(f"{len(texts)} labelled messages x {args.rounds} rounds, {len(answers.catalog.faqs)} faq entries loaded")
    print(f"matcher built in {build_ms:.1f} ms (once per process)")
    print(f"mean {mean_us:.1f} µs per routed message (target < {TARGET_US:.0f} µs)")
    print(f"slowest {slowest_us:.1f} µs: {slowest!r}")
    return 0 if mean_us < TARGET_US else 1


if __name__ == "__main__":
    sys.exit(main())
