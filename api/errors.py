"""Every API error is `{"error": {"code", "message", "fields"}}` with a fitting status, never an HTML page."""
from __future__ import annotations

import logging
from datetime import date, datetime
from typing import Any

from flask import Response, jsonify

from core import formats
from werkzeug.exceptions import HTTPException

from core.logs import describe_error
from core.runtime import runtime
from core.field_errors import FieldErrors
from rewards.errors import DomainError

log = logging.getLogger(__name__)


class ApiError(Exception):
    """An error the API itself decides (bad body, bad credentials), as opposed to the domain's."""

    def __init__(self, status: int, code: str, message: str, fields: dict[str, Any] | None = None,
                 headers: dict[str, str] | None = None):
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.fields = dict(fields or {})
        self.headers = dict(headers or {})


def _plain(value: Any) -> Any:
    """A field as JSON has it; an instant in the store's time zone with its offset (as the 200s are)."""
    if isinstance(value, datetime) and value.tzinfo is not None:
        return formats.instant(value, runtime().clock.tz)
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    return value


def error_response(status: int, code: str, message: str, fields: dict[str, Any] | None = None,
                   headers: dict[str, str] | None = None) -> Response:
    body = {"error": {"code": code, "message": message,
                      "fields": {k: _plain(v) for k, v in (fields or {}).items()}}}
    response = jsonify(body)
    response.status_code = status
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


def handle_api_error(exc: ApiError) -> Response:
    return error_response(exc.status, exc.code, exc.message, exc.fields, exc.headers)


def handle_domain_error(exc: DomainError) -> Response:
    return error_response(exc.http_status, exc.code, exc.message, exc.fields)


def handle_field_errors(exc: FieldErrors) -> Response:
    return error_response(exc.http_status, exc.code, exc.message, exc.problems)


HTTP_CODES = {400: "bad_request", 401: "unauthorized", 404: "not_found", 405: "method_not_allowed",
              413: "body_too_large", 415: "unsupported_media_type"}


def handle_http_exception(exc: HTTPException) -> Response:
    status = exc.code or 500
    headers = {}
    if status == 405 and exc.valid_methods:  # type: ignore[attr-defined]
        headers["Allow"] = ", ".join(exc.valid_methods)  # type: ignore[attr-defined]
    return error_response(status, HTTP_CODES.get(status, "http_error"), exc.description or exc.name, None, headers)


def handle_unexpected(exc: Exception) -> Response:
    log.error("API request failed: %s", describe_error(exc))
    return error_response(500, "internal_error", "the server could not complete this request")


def register(bp) -> None:
    bp.register_error_handler(ApiError, handle_api_error)
    bp.register_error_handler(DomainError, handle_domain_error)
    bp.register_error_handler(FieldErrors, handle_field_errors)
    bp.register_error_handler(HTTPException, handle_http_exception)
    bp.register_error_handler(Exception, handle_unexpected)
