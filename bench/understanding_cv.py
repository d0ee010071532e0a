"""Understanding measured on wordings it did not learn: two-fold cross-validation over one examples file.

The file's lines are shuffled (seeded) and halved; a model learns from the other shipped files, the
catalog and one half, and is scored on the other half, then the halves swap. This is the figure to
tune on (the held-out set, tests/intents/heldout.tsv, is never tuned on).

    python bench/understanding_cv.py [--file bot/understanding/examples/written.tsv] [--seed 7] [--misses]

With `--score FILE`, a development set (never the held-out set) is scored instead by a model learned
from all the shipped files, e.g. `--score tests/intents/dev_und.tsv --misses`.
"""
from __future__ import annotations

import argparse
import random
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.understanding.examples import FOLDER, known_intents, read_file, shipped  # noqa: E402
from bot.understanding.step import Understander  # noqa: E402
from cli.demo import DEMO_REWARDS  # noqa: E402
from content.answers import RewardName, from_library  # noqa: E402
from content.library_files import read_library  # noqa: E402


def category(label: str, intents: set[str]) -> str:
    if label in intents:
        return "member"
    if label.startswith("faq:"):
        return "faq"
    return "store" if label == "stores" or label.startswith("store:") else label


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--file", type=Path, default=FOLDER / "written.tsv")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--misses", action="store_true", help="print every miss")
    parser.add_argument("--score", type=Path, help="score this development set with a model of all the shipped files")
    args = parser.parse_args()
    if args.score and args.score.resolve() == (ROOT / "tests" / "intents" / "heldout.tsv").resolve():
        parser.error("the held-out set is never tuned on: score it with tests/intents/test_accuracy.py")
    rewards = [RewardName(i + 1, zh, en) for i, (zh, en, *_rest) in enumerate(DEMO_REWARDS)]
    catalog = from_library(read_library(ROOT / "content" / "library").items, rewards)
    if args.score:
        held, others = read_file(args.score), shipped()
        folds = [set(range(len(held)))]
    else:
        held = read_file(args.file)
        others = [e for e in shipped() if e.text not in {h.text for h in held}]
        order = list(range(len(held)))
        random.Random(args.seed).shuffle(order)
        folds = [set(order[::2]), set(order[1::2])]
    intents = known_intents()
    right, total, leaks, misses = Counter(), Counter(), 0, []
    for fold in folds:
        model = Understander(catalog, others + ([] if args.score else [held[i] for i in range(len(held)) if i not in fold]))
        for i in sorted(fold):
            example = held[i]
            got = model.understand(example.text).label or "none"
            total[category(example.label, intents)] += 1
            right[category(example.label, intents)] += got == example.label
            leaks += example.label == "none" and (got in intents or got == "ambiguous")
            if got != example.label:
                misses.append((example.text, example.label, got))
    for name in total:
        print(f"{name}: {right[name]}/{total[name]} = {right[name] / total[name]:.1%}")
    print(f"chit-chat answered as a member intent: {leaks}; all: {sum(right.values())}/{len(held)}")
    if args.misses:
        for text, expected, got in misses:
            print(f"  {text!r}: {expected}, got {got}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
