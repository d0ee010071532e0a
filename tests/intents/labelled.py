"""The labelled utterances in utterances.tsv: (text, expected) with "none" read as None."""
from __future__ import annotations

from pathlib import Path

UTTERANCES = Path(__file__).with_name("utterances.tsv")


NEW_LINES_MARK = "# --- issue 13"


def new_lines() -> list[tuple[str, str | None]]:
    """The lines written for issue 13 (conversation beyond the menu), from its mark to the end."""
    return labelled(since=NEW_LINES_MARK)


def labelled(since: str | None = None) -> list[tuple[str, str | None]]:
    rows = []
    lines = UTTERANCES.read_text(encoding="utf-8").splitlines()
    assert lines[0] == "text\texpected", "utterances.tsv starts with its header"
    start = next(i for i, line in enumerate(lines) if line.startswith(since)) if since else 1
    for number, line in enumerate(lines[start:], start=start + 1):
        if not line or line.startswith("#"):
            continue
        text, expected = line.split("\t")  # a line without exactly one tab is a mistake in the file
        assert text.strip(), f"line {number}: empty text"
        rows.append((text, None if expected == "none" else expected))
    return rows
