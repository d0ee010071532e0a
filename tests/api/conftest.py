"""Fixtures for the shops' API: a key, members, coupons, and a client that checks every exchange
against the API's own OpenAPI document (api/openapi.yaml)."""
from __future__ import annotations

import itertools
import re
import uuid
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import parse_qsl, urlencode

import pytest
from openapi_core import OpenAPI
from openapi_core.contrib.werkzeug import WerkzeugOpenAPIRequest, WerkzeugOpenAPIResponse
from openapi_schema_validator import OAS30Validator
from sqlalchemy import event
from werkzeug.test import EnvironBuilder
from werkzeug.wrappers import Request

from api.keys import create_key
from api.openapi import document
from rewards import coupons, ledger, membership
from rewards.models import Member

_users = itertools.count(1)


@pytest.fixture
def rt(app):
    """The app's runtime. After the test: every balance == SUM(ledger) == SUM(lots), never negative."""
    runtime = app.extensions["bot"]
    yield runtime
    with runtime.db.session() as s:
        assert ledger.find_inconsistencies(s) == []


@pytest.fixture
def api_key(rt):
    with rt.db.session() as s:
        _row, key = create_key(s, f"pos-{uuid.uuid4().hex[:8]}", rt.clock.now())
    return key


@pytest.fixture
def auth(api_key):
    return {"Authorization": "Bearer " + api_key}


@dataclass
class MemberRef:
    id: int
    code: str
    line_user_id: str


@pytest.fixture
def make_member(rt):
    """A LINE user who joined the programme, with `points` to spend (a bonus lot) if asked; `phone` as
    an old record may hold it (unverified), `verified_phone` (E.164) as the member proved it."""
    def make(points: int = 0, display_name: str = "王小明", phone: str | None = None, status: str = "member",
             verified_phone: str | None = None):
        now = rt.clock.now()
        uid = f"U{next(_users):04d}{uuid.uuid4().hex[:28]}"
        with rt.db.session() as s:
            member = membership.get_or_create(s, uid, now - timedelta(days=30))
            if status != "friend":
                membership.join(s, member, now - timedelta(days=30), display_name=display_name)
            member.phone = phone
            if verified_phone:  # proved by the SMS flow (set here directly)
                member.phone, member.phone_verified_at = verified_phone, now
            if points:
                ledger.credit(s, member, points, "bonus", "welcome", {"points": points}, f"test:{uuid.uuid4().hex}",
                              now - timedelta(days=1), rt.settings)
            if status == "erased":
                membership.erase(s, member, now)
            return MemberRef(member.id, member.member_code, uid)
    return make


@pytest.fixture
def make_coupon(rt):
    def make(member: MemberRef, value: int = 100, valid_for: timedelta = timedelta(days=30),
             valid_from: timedelta = timedelta(days=-10)) -> str:
        now = rt.clock.now()
        with rt.db.session() as s:
            coupon = coupons.issue(s, s.get(Member, member.id), "campaign", value, now + valid_for, now,
                                   {"zh": "九折券", "en": "10% off"}, valid_from=now + valid_from)
            return coupon.code
    return make


def balance_and_ledger(rt, member: MemberRef) -> tuple[int, int]:
    with rt.db.session() as s:
        return ledger.balance_of(s, member.id), ledger.ledger_sum(s, member.id)


# -- the document and a client checked against it -----------------------------------------------------

@pytest.fixture(scope="session")
def spec():
    return OpenAPI.from_dict(document())


@dataclass
class Exchange:
    status: int
    json: object
    headers: dict
    request_conforms: bool
    request_problem: str


class CheckedClient:
    """Sends a request through the Flask test client; the response must conform to the document
    (status documented for the operation, body matching its schema). Whether the request itself
    conforms is reported, so bad-input tests can show the document rules it out too. Paths the
    document does not have (unknown routes) must still answer with the Error schema."""

    def __init__(self, client, spec):
        self.client = client
        self.spec = spec
        self.seen: set[tuple[str, str, int]] = set()

    def call(self, method: str, path: str, *, json=None, data: bytes | None = None, headers=None,
             content_type: str = "application/json") -> Exchange:
        kwargs = {"method": method, "headers": headers or {}}
        if json is not None:
            kwargs["json"] = json
        elif data is not None:
            kwargs.update(data=data, content_type=content_type)
        checked_request = Request(EnvironBuilder(path=exploded_objects_as_openapi_core_reads_them(path, method),
                                                 **kwargs).get_environ())
        response = self.client.open(path, **kwargs)
        assert response.status_code != 500, response.get_data(as_text=True)
        body = response.get_json(silent=True)
        assert isinstance(body, dict), f"{method} {path}: not a JSON object: {response.get_data(as_text=True)[:200]}"
        request_problem = ""
        try:
            self.spec.validate_request(WerkzeugOpenAPIRequest(checked_request))
        except Exception as exc:  # noqa: BLE001 - any validation failure is reported
            request_problem = f"{type(exc).__name__}: {_describe(exc)}"
        if request_problem.startswith(("PathNotFound", "OperationNotFound")):
            errors = list(OAS30Validator(document()["components"]["schemas"]["Error"]).iter_errors(body))
            assert not errors, f"{method} {path} -> {response.status_code}: {errors[0].message}"
        else:
            result = self.spec.unmarshal_response(WerkzeugOpenAPIRequest(checked_request),
                                                  WerkzeugOpenAPIResponse(response))
            assert not result.errors, f"{method} {path} -> {response.status_code}: {result.errors}"
            template = self._template(checked_request)
            if template is not None:
                self.seen.add((method.lower(), template, response.status_code))
        return Exchange(response.status_code, body, dict(response.headers), not request_problem, request_problem)

    def _template(self, request) -> str | None:
        """The document's path template the request went to, e.g. /members/{member_code}."""
        local = request.path[len(document()["servers"][0]["url"]):]
        for template in document()["paths"]:
            if re.fullmatch(re.sub(r"\\{[^}]+\\}", "[^/]+", re.escape(template)), local):
                return template
        return None  # e.g. a trailing slash, which openapi-core forgives

    def get(self, path, **kw):
        return self.call("GET", path, **kw)

    def post(self, path, **kw):
        return self.call("POST", path, **kw)


def exploded_objects_as_openapi_core_reads_them(path: str, method: str) -> str:
    """`path` with each form-exploded object parameter of its operation (GET /members' `lookup`:
    `?phone=...` is {"phone": ...}) also given under the parameter's own name, `lookup=phone%3D...`,
    which is where openapi-core 0.23 looks for it (its form_loads reads location[name])."""
    local, _, query = path.partition("?")
    operation = document()["paths"].get(local[len(document()["servers"][0]["url"]):], {}).get(method.lower(), {})
    pairs = parse_qsl(query, keep_blank_values=True)
    for parameter in operation.get("parameters", []):
        if (parameter["in"] == "query" and parameter["schema"].get("type") == "object"
                and parameter.get("style", "form") == "form" and parameter.get("explode", True)):
            inner = [(k, v) for k, v in pairs if k in parameter["schema"]["properties"]]
            if inner:
                pairs.append((parameter["name"], urlencode(inner)))
    return local + ("?" + urlencode(pairs) if pairs else "")


def _describe(exc: Exception) -> str:
    try:
        return str(exc)
    except Exception:  # noqa: BLE001 - openapi-core cannot print some undecodable bodies
        return repr(exc.args)


@pytest.fixture
def api(client, spec, rt):
    return CheckedClient(client, spec)


def order_body(member: MemberRef, order_id: str = "POS-1", amount: int = 12345, **extra) -> dict:
    body = {"channel": "store", "order_id": order_id, "member_code": member.code, "amount": amount,
            "placed_at": "2026-11-20T14:03:00+08:00", "store_id": "S01"}
    body.update(extra)
    return body


def at(value: str) -> datetime:
    return datetime.fromisoformat(value)


@contextmanager
def statements(rt):
    """The first word of each statement the app's engine runs inside the block (SELECT, INSERT, BEGIN...)."""
    seen: list[str] = []

    def listen(_conn, _cursor, statement, *_args):
        seen.append(statement.split(None, 1)[0].upper())

    event.listen(rt.db.engine, "before_cursor_execute", listen)
    try:
        yield seen
    finally:
        event.remove(rt.db.engine, "before_cursor_execute", listen)
