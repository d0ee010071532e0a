"""Validation without LINE's OpenAPI files: against the request models of the installed line-bot-sdk.

The SDK's models are generated from the same OpenAPI specs, so where ``../shared/line-openapi`` (or
LINE_OPENAPI_DIR) is absent every call is still checked: each Messaging API endpoint (path and method,
read from the SDK's generated API classes) and its JSON body (the SDK model's own validation). The
OpenAPI files, where present, stay the stricter check.
"""
from __future__ import annotations

import inspect
import re
from dataclasses import dataclass
from functools import lru_cache

from simulator.routing import PathTemplate, most_specific
from simulator.spec import Problem, _header_problems

_METHOD = re.compile(r"def (\w+)_with_http_info\(self(?:, (\w+) : (\w+))?")
_CALL = re.compile(r"call_api\(\s*'([^']+)', '(\w+)'")


@dataclass(frozen=True)
class SdkOperation:
    method: str
    template: str
    model: str | None  # the SDK's request model (JSON body), None without one
    binary: bool = False

    @property
    def request_schema_ref(self) -> str | None:
        return self.model

    @property
    def body_required(self) -> bool:
        return self.model is not None or self.binary

    @property
    def is_binary_upload(self) -> bool:
        return self.binary

    def success(self) -> tuple[int, object]:
        return 200, {}


def _operations(module, models) -> list[SdkOperation]:
    source = inspect.getsource(module)
    out = []
    for chunk in source.split("    def ")[1:]:
        head = _METHOD.match("def " + chunk)
        call = _CALL.search(chunk)
        if head is None or call is None:
            continue
        kind = head.group(3)
        model = kind if kind and hasattr(models, kind) else None
        out.append(SdkOperation(call.group(2).upper(), call.group(1), model, binary=kind == "bytearray"))
    return out


@lru_cache(maxsize=1)
def _sdk_operations() -> tuple[SdkOperation, ...]:
    from linebot.v3.messaging import models
    from linebot.v3.messaging.api import messaging_api, messaging_api_blob

    return tuple(_operations(messaging_api, models) + _operations(messaging_api_blob, models))


def _problems_of(exc: Exception):
    errors = getattr(exc, "errors", None)
    if callable(errors):
        try:
            return [Problem(".".join(str(p) for p in e.get("loc", ())), str(e.get("msg", ""))) for e in errors()]
        except Exception:  # noqa: BLE001 - fall back to the exception's text
            pass
    return [Problem("", str(exc).splitlines()[0][:300])]


class SdkMessagingSpec:
    """The MessagingSpec interface (operation, check, validate), from the installed line-bot-sdk."""

    kind = "line-bot-sdk models"

    def __init__(self):
        self._routes = [(PathTemplate(op.template), op) for op in _sdk_operations()]

    def operation(self, method: str, path: str) -> SdkOperation | None:
        matches = [(t, op) for t, op in self._routes if op.method == method.upper() and t.match(path) is not None]
        best = most_specific(matches)
        return best[1] if best else None

    def check(self, method: str, path: str, headers: dict, body) -> list:
        op = self.operation(method, path)
        if op is None:
            return [Problem("", "not an endpoint of the Messaging API (as the installed line-bot-sdk knows it)")]
        headers = {k.lower(): v for k, v in (headers or {}).items()}
        problems = _header_problems(op, headers, body)
        if body is None or body == b"":
            if op.body_required:
                problems.append(Problem("", "a request body is required"))
        elif op.model and not isinstance(body, (bytes, bytearray)):
            problems += model_problems("linebot.v3.messaging.models", op.model, body)
        return problems

    def validate(self, method: str, path: str, headers: dict, body) -> list[str]:
        return [f"{method.upper()} {path}: {p}" for p in self.check(method, path, headers, body)]


def model_problems(module_name: str, model_name: str, body) -> list:
    from importlib import import_module

    if not isinstance(body, dict):
        return [Problem("", "the body must be a JSON object")]
    model = getattr(import_module(module_name), model_name)
    try:
        model.from_dict(body)
    except Exception as exc:  # noqa: BLE001 - pydantic's ValidationError, or the SDK's ValueError (discriminators)
        return _problems_of(exc)
    return []


class SdkWebhookSpec:
    """The WebhookSpec interface (check, validate): a webhook body as the SDK's CallbackRequest reads it."""

    kind = "line-bot-sdk models"

    def check(self, body) -> list:
        return model_problems("linebot.v3.webhooks.models", "CallbackRequest", body)

    def validate(self, body) -> list[str]:
        return [str(p) for p in self.check(body)]
