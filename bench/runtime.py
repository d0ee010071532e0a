"""The bot's runtime as the in-process benchmarks use it: on the database given (or a temporary
SQLite file), with no inbox thread and an empty content library, beside a temporary folder."""
from __future__ import annotations

import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from app import create_app


@contextmanager
def bench_runtime(database_url: str = "") -> Iterator[tuple[object, Path]]:
    """(the app's runtime, a temporary folder that lives as long as it)."""
    with tempfile.TemporaryDirectory() as tmp:
        url = database_url or f"sqlite:///{tmp}/bench.db"
        app = create_app({"BOT_ENV": "development", "DATABASE_URL": url, "INBOX_MODE": "off",
                          "CONTENT_LIBRARY_DIR": f"{tmp}/no-library"})
        yield app.extensions["bot"], Path(tmp)
