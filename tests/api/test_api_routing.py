"""Under /api/v1, unknown paths and wrong methods are JSON errors too; nothing else of the app changes."""
from __future__ import annotations

import pytest


@pytest.mark.parametrize("method,path", [("GET", "/api/v1/nope"), ("POST", "/api/v1/members/M1/points"),
                                         ("GET", "/api/v1/"), ("DELETE", "/api/v1/orders/store/X"),
                                         ("GET", "/api/v1/members/")])
def test_unknown_paths_are_json_404(api, auth, method, path):
    reply = api.call(method, path, headers=auth)
    assert reply.status == 404 and reply.json["error"]["code"] == "not_found"


@pytest.mark.parametrize("method,path,allowed", [
    ("GET", "/api/v1/orders", "POST"), ("DELETE", "/api/v1/members/M1", "GET"),
    ("PUT", "/api/v1/coupons/ABC/redeem", "POST"), ("POST", "/api/v1/openapi.json", "GET"),
    ("GET", "/api/v1/orders/store/X/refunds", "POST"),
])
def test_wrong_methods_are_json_405(api, auth, method, path, allowed):
    reply = api.call(method, path, headers=auth)
    assert reply.status == 405 and reply.json["error"]["code"] == "method_not_allowed"
    assert reply.headers["Allow"] == allowed


def test_pages_outside_the_api_keep_their_own_errors(client):
    response = client.get("/no-such-page")
    assert response.status_code == 404 and not response.is_json
    assert client.get("/callback").status_code == 405


@pytest.mark.parametrize("method,path", [
    ("POST", "/api/v1/orders/store/a%0Ab/refunds"), ("POST", "/api/v1/orders/store/%2F%0A/refunds"),
    ("POST", "/api/v1/members/%0A"), ("GET", "/api/v1/no/such%0Apath"), ("GET", "/api/v1/%0D%0A"),
])
def test_a_line_break_in_any_api_path_is_the_apis_json_400(api, auth, method, path):
    # the path converter of Werkzeug stops at a line break: these matched no rule of the API and
    # were answered with the app's HTML page
    reply = api.call(method, path, headers=auth, json={"refund_id": "R1", "amount": 1})
    assert reply.status == 400 and reply.json["error"]["code"] == "bad_request"
    assert "control characters" in reply.json["error"]["message"]
