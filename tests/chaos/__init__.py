"""The chaos test: the bot's real processes on PostgreSQL (two web servers, two workers, the LINE
simulator in a process of its own) under mixed traffic while web servers and workers are killed,
database connections terminated and LINE answers 429, 500 or too late; then the invariants.

    TEST_DATABASE_URL=postgresql+psycopg://... bin/test tests/chaos      # CI's bounded run
    python -m tests.chaos --database-url URL --minutes 10 [--seed N]     # a soak, outside CI

(CHAOS_SEED and CHAOS_MINUTES set the same for the pytest run.) See tests/chaos/run.py.
"""
