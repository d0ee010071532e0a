"""Constants shared by the rewards tests (a uniquely named module: `conftest` is ambiguous when the
whole tree's tests run together)."""
import os
from datetime import datetime
from zoneinfo import ZoneInfo

TZ = ZoneInfo("Asia/Taipei")
NOW = datetime(2026, 11, 20, 15, 0, tzinfo=TZ)
PG_URL = os.environ.get("TEST_DATABASE_URL", "")
IS_PG = PG_URL.startswith(("postgresql", "postgres"))
