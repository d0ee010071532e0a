"""Schemathesis against /api/v1/openapi.json: generated requests for every operation, bounded in
examples, answer with no server error and as the document says (status, headers, body).

Every check runs but "positive data acceptance": a request the schema allows may still break a
programme rule (an order time outside the accepted window, an unknown member), which the document
answers 404/409/422."""
from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings

from schemathesis.specs.openapi.checks import positive_data_acceptance

from api.keys import create_key

EXAMPLES_PER_OPERATION = 30


@pytest.fixture
def api_schema(app):
    return schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)


@pytest.fixture
def key_header(app, make_member):
    rt = app.extensions["bot"]
    make_member()  # one real member, so some look-ups find someone
    with rt.db.session() as s:
        _row, key = create_key(s, "schemathesis", rt.clock.now())
    return {"Authorization": "Bearer " + key}


def test_every_operation_conforms(api_schema, key_header):
    # driven by hand (not schemathesis' pytest plugin): one hypothesis run per operation
    failures = []
    operations = [result.ok() for result in api_schema.get_all_operations()]
    assert len(operations) >= 6  # members x2, orders, refunds, redeem, metrics
    for operation in operations:
        @given(case=operation.as_strategy())
        @settings(max_examples=EXAMPLES_PER_OPERATION, deadline=None, derandomize=True, database=None,
                  phases=[Phase.explicit, Phase.generate], suppress_health_check=list(HealthCheck))
        def run(case):
            case.call_and_validate(headers=key_header, excluded_checks=[positive_data_acceptance])

        try:
            run()
        except Exception as exc:  # noqa: BLE001 - collected, so every operation is tried
            failures.append(f"{operation.label}: {str(exc)[:2500]}")
    assert not failures, "\n\n".join(failures)
