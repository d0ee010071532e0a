"""The fake Messaging API over HTTP (api.line.me and api-data.line.me on one host).

Every request is validated against messaging-api.yml and recorded. The order of what happens
follows LINE's gateway: an injected fault first, then a request that breaks the spec is rejected,
then a retry key already accepted answers 409, and only then does the endpoint act.
"""
import json
import time

from flask import Blueprint, Response, request

from simulator import insight, line_ids
from simulator.answers import Answer, LineApiError
from simulator.calls import Call
from simulator.endpoints import ApiRequest, dispatch
from simulator.spec import Problem

_METHODS = ["GET", "POST", "PUT", "DELETE", "PATCH"]
_BINARY_PREFIXES = ("image/", "application/octet-stream", "video/", "audio/")


def api_blueprint(platform) -> Blueprint:
    bp = Blueprint("line_messaging_api", __name__)

    @bp.route("/v2/<path:_rest>", methods=_METHODS)
    @bp.route("/bot/<path:_rest>", methods=_METHODS)
    def messaging_api(_rest):
        content_type = (request.mimetype or "").lower()
        raw = request.get_data(cache=False)
        req = ApiRequest(request.method, request.path, request.args.to_dict(),
                         {k.lower(): v for k, v in request.headers.items()}, content_type, None)
        return _flask_response(handle(platform, req, raw))

    return bp


def handle(platform, req: ApiRequest, raw: bytes) -> Answer:
    """Validate, answer and record one request."""
    call = Call(req.method, req.path, req.query, req.headers, None, at=platform.clock())
    problems = _parse_body(req, raw)
    if req.path == insight.PATH and req.method == "GET":  # LINE's Insight API, not in messaging-api.yml
        problems += insight.problems(req.headers, req.query)
    elif platform.spec is not None:
        problems += platform.spec.check(req.method, req.path, req.headers, req.body)
    call.body = len(req.body) if isinstance(req.body, (bytes, bytearray)) else req.body
    call.errors = [f"{req.method} {req.path}: {p}" for p in problems]
    answer = _answer(platform, req, problems)
    answer.headers.setdefault("X-Line-Request-Id", line_ids.request_id())
    call.status = answer.status
    call.response = len(answer.body) if isinstance(answer.body, bytes) else answer.body
    platform.record(call)
    return answer


def _parse_body(req: ApiRequest, raw: bytes) -> list[Problem]:
    if not raw:
        return []
    if req.content_type.startswith(_BINARY_PREFIXES):
        req.body = raw
        return []
    try:
        req.body = json.loads(raw)
    except ValueError:
        req.body = raw
        return [Problem("", "the request body is not valid JSON")]
    return []


def _answer(platform, req: ApiRequest, problems: list[Problem]) -> Answer:
    fault = platform.faults.take(req.path)
    if fault is not None:
        if fault.delay:
            time.sleep(fault.delay)
        if fault.status is not None:
            return Answer(fault.status, fault.answer_body(), dict(fault.headers))
    if problems:
        return _rejection(platform, req, problems)
    retry_key = req.headers.get("x-line-retry-key")
    if retry_key:
        earlier = platform.retry_keys.claim(retry_key)
        if earlier is not None:
            extra = {"sentMessages": earlier["sentMessages"]} if "sentMessages" in earlier else {}
            return LineApiError(409, "The retry key is already accepted", **extra).answer()
    answer = dispatch(platform, req)
    if retry_key:
        if 200 <= answer.status < 300:
            platform.retry_keys.settle(retry_key, answer.body)
        else:
            platform.retry_keys.release(retry_key)
    return answer


def _rejection(platform, req: ApiRequest, problems: list[Problem]) -> Answer:
    if platform.spec is not None and platform.spec.operation(req.method, req.path) is None and req.path != insight.PATH:
        return LineApiError(404, "Not found").answer()
    if any(p.where == "Authorization" for p in problems):
        return LineApiError(401, "Authentication failed. Confirm that the access token in the "
                                 "authorization header is valid.").answer()
    details = [{"message": p.message, "property": p.where} if p.where else {"message": p.message}
               for p in problems]
    return LineApiError(400, f"The request body has {len(problems)} error(s)", details).answer()


def _flask_response(answer: Answer) -> Response:
    if isinstance(answer.body, (bytes, bytearray)):
        data = answer.body
    else:
        data = json.dumps(answer.body, ensure_ascii=False).encode("utf-8")
    return Response(data, status=answer.status, headers=answer.headers, content_type=answer.content_type)
