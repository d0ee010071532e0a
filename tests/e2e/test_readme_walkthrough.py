"""The README's API walk-through, run exactly as written (bash, bin/flask, curl) against a demo set up
the way bin/dev sets it up: instance/dev.env, `db upgrade`, `demo seed`, the bot serving on a port."""
from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import threading
from zoneinfo import ZoneInfo

import pytest
from werkzeug.serving import make_server

from core.config import PROJECT_ROOT

from ..zones import date_times, not_in_zone

README = PROJECT_ROOT / "README.md"


def walkthrough() -> str:
    text = README.read_text(encoding="utf-8")
    block = re.search(r"<!-- api-walkthrough[^>]*-->\n(.*?)\n<!-- /api-walkthrough -->", text, re.DOTALL)
    assert block, "the README has no marked API walk-through"
    lines = block.group(1).splitlines()
    assert all(not line.strip() or line.startswith("    ") for line in lines), "an indented code block"
    return "\n".join(line[4:] for line in lines)


@pytest.mark.skipif(shutil.which("curl") is None or shutil.which("bash") is None, reason="needs bash and curl")
def test_the_readme_api_walkthrough_runs_as_written(tmp_path, simulator_server, line):
    from app import create_app

    server = make_server("127.0.0.1", 0, lambda env, start: holder["app"](env, start), threaded=True)
    holder: dict = {}
    settings = {"BOT_ENV": "development", "DATABASE_URL": f"sqlite:///{tmp_path}/dev.db",
                "LINE_API_URL": simulator_server.url, "LINE_API_DATA_URL": simulator_server.url,
                "BOT_PUBLIC_URL": f"http://127.0.0.1:{server.server_port}", "LOG_LEVEL": "WARNING",
                "INBOX_MODE": "sync"}
    (tmp_path / "instance").mkdir()
    (tmp_path / "instance" / "dev.env").write_text("".join(f"{k}={v}\n" for k, v in settings.items()))
    (tmp_path / "bin").mkdir()
    (tmp_path / "bin" / "flask").symlink_to(PROJECT_ROOT / "bin" / "flask")
    env = {k: v for k, v in os.environ.items() if k not in settings}
    for command in (["bin/flask", "db", "upgrade"], ["bin/flask", "demo", "seed"]):  # as bin/dev does
        done = subprocess.run(command, cwd=tmp_path, env={**env, **settings}, capture_output=True, text=True,
                              timeout=120)
        assert done.returncode == 0, done.stderr
    holder["app"] = create_app(settings)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        script = "set -euo pipefail\n" + walkthrough()
        done = subprocess.run(["bash", "-c", script], cwd=tmp_path, env=env, capture_output=True, text=True,
                              timeout=120)
    finally:
        server.shutdown()
        holder["app"].extensions["inbox_worker"].shutdown()
        holder["app"].extensions["bot"].db.dispose()
    assert done.returncode == 0, done.stderr
    answers = [line for line in done.stdout.splitlines() if line.strip()]
    assert len(answers) == 3, (done.stdout, done.stderr)
    member, order, redemption = [json.loads(line) for line in answers]
    assert member["member_code"] == "MWANG2345" and any(c["code"] == "DEMOCOFFEE23" for c in member["coupons"])
    assert order["order_id"] == "POS-1001" and order["points_earned"] > 0
    assert redemption["code"] == "DEMOCOFFEE23" and redemption["channel"] == "store"
    written = date_times([member, order, redemption])  # coupons' valid_until, redeemed_at
    assert len(written) >= 2 and not_in_zone(written, ZoneInfo("Asia/Taipei")) == []  # BOT_TIMEZONE's default
