"""Everything the bot sends on its own goes through the outbox sender: nothing else pushes."""
from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# bot/answers.py pushes no message of the bot's own: the answer to a member's event, when its reply
# token went stale before it could go (once, under a retry key, recorded in the event's inbox row)
ALLOWED = {"bot/line_client.py", "bot/outbox/sender.py", "bot/answers.py"}
# the LINE client's push/multicast, and the SDK's own sending calls
CALL = re.compile(r"\.(push|multicast|push_message|narrowcast)\s*\(|messaging\.broadcast\s*\(")


def test_only_the_outbox_sender_calls_push_or_multicast():
    offenders = []
    for folder in ("app.py", "bot", "handlers", "rewards", "content", "console", "api"):
        path = ROOT / folder
        files = [path] if path.is_file() else sorted(path.rglob("*.py")) if path.exists() else []
        for file in files:
            rel = str(file.relative_to(ROOT))
            if rel not in ALLOWED and CALL.search(file.read_text(encoding="utf-8")):
                offenders.append(rel)
    assert offenders == []
