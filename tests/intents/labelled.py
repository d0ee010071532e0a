"""The labelled sets: (text, expected) with "none" read as None.

* the shipped examples (bot/understanding/examples/*.tsv): what understanding learns from, so a
  score on them measures memory;
* the held-out set (tests/intents/heldout.tsv), written by someone who never saw the phrase tables
  or the examples, and never trained or tuned on: the measure of understanding.
"""
from __future__ import annotations

from pathlib import Path

from bot.understanding.examples import FOLDER

UTTERANCES = FOLDER / "labelled.tsv"
HELDOUT = Path(__file__).with_name("heldout.tsv")
NEW_LINES_MARK = "# --- issue 13"


def new_lines() -> list[tuple[str, str | None]]:
    """The lines written for issue 13 (conversation beyond the menu), from its mark to the end."""
    return labelled(since=NEW_LINES_MARK)


def heldout() -> list[tuple[str, str | None]]:
    return labelled(path=HELDOUT)


def labelled(since: str | None = None, path: Path = UTTERANCES) -> list[tuple[str, str | None]]:
    rows = []
    lines = path.read_text(encoding="utf-8").splitlines()
    assert lines[0] == "text\texpected", f"{path.name} starts with its header"
    start = next(i for i, line in enumerate(lines) if line.startswith(since)) if since else 1
    for number, line in enumerate(lines[start:], start=start + 1):
        if not line or line.startswith("#"):
            continue
        text, expected = line.split("\t")  # a line without exactly one tab is a mistake in the file
        assert text.strip(), f"line {number}: empty text"
        rows.append((text, None if expected == "none" else expected))
    return rows
