"""The labelled utterances in utterances.tsv: (text, expected) with "none" read as None."""
from __future__ import annotations

from pathlib import Path

UTTERANCES = Path(__file__).with_name("utterances.tsv")


def labelled() -> list[tuple[str, str | None]]:
    rows = []
    lines = UTTERANCES.read_text(encoding="utf-8").splitlines()
    assert lines[0] == "text\texpected", "utterances.tsv starts with its header"
    for number, line in enumerate(lines[1:], start=2):
        if not line or line.startswith("#"):
            continue
        text, expected = line.split("\t")  # a line without exactly one tab is a mistake in the file
        assert text.strip(), f"line {number}: empty text"
        rows.append((text, None if expected == "none" else expected))
    return rows
