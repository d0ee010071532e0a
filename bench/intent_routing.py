"""Microseconds to route one message to an intent, over the labelled set (tests/intents/utterances.tsv).

Every message of the set goes through `classify` many times; the figure is the mean per message,
with the slowest single message alongside (a long mixed message with typos costs the most).

    python bench/intent_routing.py [--rounds 200]
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.intents import classify  # noqa: E402

UTTERANCES = ROOT / "tests" / "intents" / "utterances.tsv"
TARGET_US = 1000.0  # LINE gives the whole webhook 2 s; routing must be a negligible part of it


def messages() -> list[str]:
    lines = UTTERANCES.read_text(encoding="utf-8").splitlines()[1:]
    return [line.split("\t")[0] for line in lines if line and not line.startswith("#")]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=200)
    args = parser.parse_args()
    texts = messages()
    started = time.perf_counter()
    classify(texts[0])  # builds the matcher once, as the app does on its first message
    build_ms = (time.perf_counter() - started) * 1000

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

    print(f"{len(texts)} labelled messages x {args.rounds} rounds")
    print(f"matcher built in {build_ms:.1f} ms (once per process)")
    print(f"mean {mean_us:.1f} µs per routed message (target < {TARGET_US:.0f} µs)")
    print(f"slowest {slowest_us:.1f} µs: {slowest!r}")
    return 0 if mean_us < TARGET_US else 1


if __name__ == "__main__":
    sys.exit(main())
