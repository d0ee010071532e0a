"""The API's edges: OPTIONS tells the truth, unknown paths and odd methods answer JSON, the metrics
endpoint is documented."""
from __future__ import annotations

import pytest

from api.openapi import document


@pytest.mark.parametrize("path, allow", [("/api/v1/orders", {"POST", "OPTIONS"}),
                                         ("/api/v1/members/M1", {"GET", "HEAD", "OPTIONS"}),
                                         ("/api/v1/metrics", {"GET", "HEAD", "OPTIONS"}),
                                         ("/api/v1/coupons/C1/redeem", {"POST", "OPTIONS"})])
def test_options_lists_only_the_routes_methods(client, path, allow):
    response = client.open(path, method="OPTIONS")
    assert response.status_code == 204
    assert {m.strip() for m in response.headers["Allow"].split(",")} == allow


@pytest.mark.parametrize("method, path, status", [("GET", "/api/v1", 404), ("GET", "/api/v1/nope", 404),
                                                  ("TRACE", "/api/v1/orders", 405), ("OPTIONS", "/api/v1/nope", 404),
                                                  ("GET", "/api/v1/metrics/x", 404)])
def test_unknown_paths_and_methods_answer_json(client, method, path, status):
    response = client.open(path, method=method)
    assert response.status_code == status and response.json["error"]["code"]


def test_metrics_is_in_the_document():
    paths = document()["paths"]
    assert "get" in paths["/metrics"] and "400" in paths["/metrics"]["get"]["responses"]
    lookup = {p["name"]: p["schema"] for p in paths["/members"]["get"]["parameters"]}["lookup"]
    assert lookup["properties"]["phone"]["minLength"] == 1  # an empty phone= is the 400 the document promises
    assert lookup["minProperties"] == lookup["maxProperties"] == 1  # exactly one of line_user_id or phone
