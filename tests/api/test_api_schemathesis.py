"""Schemathesis against /api/v1/openapi.json with every check, as `st run --checks all` runs it: its
own engine, through the examples, coverage, fuzzing and stateful phases, positive and negative
data, a fixed seed and a bounded number of cases (a few hundred, under a minute on SQLite).

So the document states every check the server applies (a request it allows is accepted, one it
rules out is refused), no answer is a server error, and every answer is what the document says
(status, content type, headers, body). The one rule a schema cannot state is the order time's
window, which moves with the clock (`placed_at`: from `order_history_days` back to
`order_future_minutes` ahead); the document says it in words, and a 422 naming only `placed_at`
for a time outside that window is the answer it promises.

SCHEMATHESIS_SEED and SCHEMATHESIS_EXAMPLES (the cases per operation and phase) replay or widen a run.
"""
from __future__ import annotations

import os
from datetime import datetime

import pytest
import schemathesis
from schemathesis.core.failures import Failure
from schemathesis.engine import events, from_schema
from schemathesis.engine.run import PhaseName

from api.keys import create_key
from rewards.order_input import accepted_window

from .live_server import serving

SEED = int(os.environ.get("SCHEMATHESIS_SEED", "20261207"))
EXAMPLES = int(os.environ.get("SCHEMATHESIS_EXAMPLES", "25"))


@pytest.fixture
def key(rt, make_member):
    make_member(phone="0911222333")  # one real member, so some look-ups find someone
    with rt.db.session() as s:
        _row, key = create_key(s, "schemathesis", rt.clock.now())
    return key


@pytest.fixture
def served(app):
    """The app on a local port: the engine talks HTTP, as `st run` does (its in-process WSGI
    transport is for its pytest plugin)."""
    with serving(app) as url:
        yield url


def placed_outside_the_window(rt, case, response) -> bool:
    """A 422 that names only `placed_at`, for an order time outside the window the document states."""
    if case.operation.label != "POST /orders" or response.status_code != 422 or not isinstance(case.body, dict):
        return False
    if set(response.json()["error"]["fields"]) != {"placed_at"}:
        return False
    try:
        placed_at = datetime.fromisoformat(str(case.body.get("placed_at")).strip())
    except ValueError:
        return False
    earliest, latest = accepted_window(rt.clock.now(), rt.settings)
    try:
        return placed_at.utcoffset() is not None and not earliest <= placed_at <= latest
    except OverflowError:
        return True


def test_every_check_passes(served, rt, key):
    config = schemathesis.Config.from_dict({
        "seed": SEED,
        "headers": {"Authorization": f"Bearer {key}"},
        "generation": {"max-examples": EXAMPLES, "mode": "all", "deterministic": True},
        "checks": {"enabled": True},
        "phases": {"stateful": {"max-steps": 10}},
    })
    schema = schemathesis.openapi.from_url(f"{served}/api/v1/openapi.json", config=config)

    @schema.hook
    def filter_failure(context, failure: Failure, case, response) -> bool:
        return not (type(failure).__name__ == "RejectedPositiveData" and placed_outside_the_window(rt, case, response))

    failures, cases, errors, phases = [], 0, [], set()
    for event in from_schema(schema).execute():
        if isinstance(event, events.ScenarioFinished):
            cases += len(event.recorder.cases)
            for case_id, checks in event.recorder.checks.items():
                for check in checks:
                    if check.failure_info is not None:
                        case = event.recorder.cases[case_id].value
                        failures.append(f"{event.label} [{check.name}] {check.failure_info.failure.title}: "
                                        f"{check.failure_info.failure.message[:300]}\n  {case.as_curl_command()}")
        elif isinstance(event, events.PhaseFinished):
            phases.add(event.phase.name)
        elif isinstance(event, (events.NonFatalError, events.FatalError)):
            errors.append(str(getattr(event, "info", event))[:500])
    print(f"schemathesis: seed {SEED}, {cases} cases, phases {sorted(p.value for p in phases)}")
    assert not errors, "\n".join(errors)
    assert not failures, "\n\n".join(failures[:20])
    assert {PhaseName.COVERAGE, PhaseName.FUZZING} <= phases
    assert cases >= 200
