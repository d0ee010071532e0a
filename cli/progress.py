"""The progress bar of a file import (`orders import`, `members import`): on stderr, only on a terminal."""
from __future__ import annotations

import sys
from contextlib import contextmanager
from typing import Any, Callable

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn


def lines_in(path: str) -> int:
    """Lines after the header (a quoted field over several lines makes this an upper bound)."""
    with open(path, "rb") as raw:
        return max(0, sum(block.count(b"\n") for block in iter(lambda: raw.read(1 << 20), b"")) - 1)


def on_terminal() -> bool:
    return sys.stderr.isatty()


@contextmanager
def progress_bar(path: str, show: bool, counts: Callable[[Any], str]):
    """`progress(processed, summary)` for an importer: a bar on stderr with `counts(summary)`, or None."""
    if not show:
        yield None
        return
    with Progress(TextColumn("importing"), BarColumn(), MofNCompleteColumn(), TextColumn("{task.fields[counts]}"),
                  TimeRemainingColumn(), console=Console(stderr=True)) as bar:
        task = bar.add_task("import", total=lines_in(path) or None, counts="")

        def progress(processed: int, summary) -> None:
            bar.update(task, completed=processed, counts=counts(summary))
        yield progress
