"""Validation of Messaging API calls and webhook bodies against LINE's official OpenAPI specs.

The specs are read from ``LINE_OPENAPI_DIR`` or ``<project root>/../shared/line-openapi`` and
never copied into the repository. Discriminators are followed, so a flex message is checked
against FlexMessage (and its bubbles, boxes and components against theirs), not only Message.
"""
import logging
import os
import re
import threading
import uuid
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml
from jsonschema import FormatChecker, ValidationError, validators
from openapi_schema_validator import OAS30Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT4

from simulator.routing import PathTemplate, most_specific

log = logging.getLogger(__name__)

MESSAGING_SPEC = "messaging-api.yml"
WEBHOOK_SPEC = "webhook.yml"
IMAGE_CONTENT_TYPES = ("image/png", "image/jpeg")
_RICH_MENU_IMAGE = "/v2/bot/richmenu/{richMenuId}/content"
_URI = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:\S+$")


def openapi_dir() -> Path:
    configured = os.environ.get("LINE_OPENAPI_DIR")
    if configured:
        return Path(configured)
    project_root = Path(__file__).resolve().parent.parent
    return project_root.parent / "shared" / "line-openapi"


@dataclass(frozen=True)
class Problem:
    """One way a request breaks the spec; ``where`` is a JSON-ish path such as messages[0].text."""
    where: str
    message: str

    def __str__(self):
        return f"{self.where}: {self.message}" if self.where else self.message


# ---------------------------------------------------------------- loading (memoised per path)
@lru_cache(maxsize=None)
def _load_document(path: str) -> dict:
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    with open(path, encoding="utf-8") as f:
        return yaml.load(f, Loader=loader)


_busy = threading.local()


def _discriminator_keyword(strict: bool):
    def discriminator(validator, disc, instance, schema):
        """Validate an object against the schema its discriminator value maps to.

        The mapped schema usually includes the base schema (allOf), which names the same
        discriminator again; the per-thread ``busy`` set stops that loop.
        """
        if not isinstance(instance, dict):
            return
        prop = disc["propertyName"]
        mapping = disc.get("mapping") or {}
        ref = mapping.get(instance.get(prop))
        if ref is None:
            if strict and prop not in instance:
                yield ValidationError(f"{prop!r} is a required property")
            elif strict:
                known = ", ".join(sorted(mapping))
                yield ValidationError(f"unknown {prop} {instance[prop]!r}; expected one of: {known}")
            return
        busy = _busy.__dict__.setdefault("keys", set())
        key = (id(instance), ref)
        if key in busy:
            return
        busy.add(key)
        try:
            yield from validator.descend(instance, {"$ref": validator.base_urn + ref})
        finally:
            busy.discard(key)

    return discriminator


def _fits_bits(bits):
    def check(value):
        if not isinstance(value, int) or isinstance(value, bool):
            return True
        return -(1 << (bits - 1)) <= value < (1 << (bits - 1))
    return check


def _format_checker() -> FormatChecker:
    checker = FormatChecker(formats=())
    checker.checks("int32")(_fits_bits(32))
    checker.checks("int64")(_fits_bits(64))
    checker.checks("uri")(lambda v: not isinstance(v, str) or bool(_URI.match(v)))
    return checker


@lru_cache(maxsize=None)
def _compiled(path: str, strict_discriminators: bool):
    """(document, validator factory) for one spec file.

    Strict: a discriminator value missing from the mapping is an error (a message type the bot
    invents). Lenient: only the base schema applies (LINE may send event types newer than the spec).
    """
    document = _load_document(path)
    urn = "urn:line-openapi:" + path
    registry = Registry().with_resource(urn, Resource(contents=document, specification=DRAFT4))
    cls = validators.extend(OAS30Validator, {"discriminator": _discriminator_keyword(strict_discriminators)})
    cls.base_urn = urn
    checker = _format_checker()

    def validator_for(ref: str):
        return cls({"$ref": urn + ref}, registry=registry, format_checker=checker)

    return document, validator_for


def _where(error: ValidationError) -> str:
    out = ""
    for part in error.absolute_path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def _message(error: ValidationError) -> str:
    """jsonschema's message, without the whole offending instance for size limits."""
    size = {"maxItems": "items", "minItems": "items", "maxLength": "characters", "minLength": "characters"}
    if error.validator in size:
        bound = "at most" if error.validator.startswith("max") else "at least"
        return f"has {len(error.instance)} {size[error.validator]}; {bound} {error.validator_value} allowed"
    return error.message[:300]


def _schema_problems(validator, instance) -> list[Problem]:
    # A base schema is reached both directly and through its subtype's allOf: drop repeats.
    problems = dict.fromkeys(Problem(_where(e), _message(e)) for e in validator.iter_errors(instance))
    return sorted(problems, key=lambda p: p.where)


# ---------------------------------------------------------------- Messaging API
@dataclass(frozen=True)
class Operation:
    method: str
    template: str
    definition: dict

    @property
    def request_schema_ref(self) -> str | None:
        content = (self.definition.get("requestBody") or {}).get("content") or {}
        schema = (content.get("application/json") or {}).get("schema") or {}
        return schema.get("$ref")

    @property
    def body_required(self) -> bool:
        return bool((self.definition.get("requestBody") or {}).get("required"))

    def success(self) -> tuple[int, object]:
        """The first 2xx status the spec documents and its example body ({} when none)."""
        for status, response in sorted((self.definition.get("responses") or {}).items()):
            if str(status).startswith("2"):
                media = ((response or {}).get("content") or {}).get("application/json") or {}
                if "example" in media:
                    return int(status), media["example"]
                examples = media.get("examples") or {}
                if examples:
                    return int(status), next(iter(examples.values())).get("value", {})
                return int(status), {}
        return 200, {}


class MessagingSpec:
    def __init__(self, path):
        self.path = str(Path(path).resolve())
        document, self._validator_for = _compiled(self.path, True)
        self._routes = []
        for template, item in (document.get("paths") or {}).items():
            for method, definition in item.items():
                if method in ("get", "post", "put", "delete", "patch"):
                    self._routes.append((PathTemplate(template),
                                         Operation(method.upper(), template, definition)))

    def operation(self, method: str, path: str) -> Operation | None:
        matches = [(t, op) for t, op in self._routes
                   if op.method == method.upper() and t.match(path) is not None]
        best = most_specific(matches)
        return best[1] if best else None

    def check(self, method: str, path: str, headers: dict, body) -> list[Problem]:
        """Problems of one request; ``body`` is parsed JSON, raw bytes, or None when empty."""
        op = self.operation(method, path)
        if op is None:
            return [Problem("", "not an endpoint of the Messaging API")]
        headers = {k.lower(): v for k, v in (headers or {}).items()}
        problems = _header_problems(op, headers, body)
        ref = op.request_schema_ref
        if body is None or body == b"":
            if op.body_required:
                problems.append(Problem("", "a request body is required"))
        elif ref and not isinstance(body, (bytes, bytearray)):
            problems += _schema_problems(self._validator_for(ref), body)
        return problems

    def validate(self, method: str, path: str, headers: dict, body) -> list[str]:
        return [f"{method.upper()} {path}: {p}" for p in self.check(method, path, headers, body)]


def _header_problems(op: Operation, headers: dict, body) -> list[Problem]:
    problems = []
    auth = headers.get("authorization", "")
    if not auth.startswith("Bearer ") or not auth[len("Bearer "):].strip():
        problems.append(Problem("Authorization", "header must be 'Bearer <channel access token>'"))
    retry_key = headers.get("x-line-retry-key")
    if retry_key is not None and not _is_uuid(retry_key):
        problems.append(Problem("X-Line-Retry-Key", f"{retry_key!r} is not a UUID"))
    has_body = body is not None and body != b""
    content_type = headers.get("content-type", "").split(";")[0].strip().lower()
    if op.template == _RICH_MENU_IMAGE and op.method == "POST":
        if content_type not in IMAGE_CONTENT_TYPES:
            problems.append(Problem("Content-Type", f"{content_type or 'none'} is not image/png or image/jpeg"))
    elif has_body and op.request_schema_ref and content_type != "application/json":
        problems.append(Problem("Content-Type", f"{content_type or 'none'} is not application/json"))
    return problems


def _is_uuid(value: str) -> bool:
    try:
        return str(uuid.UUID(value)) == value.lower()
    except ValueError:
        return False


# ---------------------------------------------------------------- webhooks
class WebhookSpec:
    def __init__(self, path):
        self.path = str(Path(path).resolve())
        _, self._validator_for = _compiled(self.path, False)

    def check(self, body) -> list[Problem]:
        return _schema_problems(self._validator_for("#/components/schemas/CallbackRequest"), body)

    def validate(self, body) -> list[str]:
        return [str(p) for p in self.check(body)]


# ---------------------------------------------------------------- finding the specs
def load(cls, filename, directory, fallback):
    """`cls` read from LINE's spec file, or (without the file) `fallback()`; None only when neither works.
    simulator.spec_choice names the fallbacks (the installed line-bot-sdk's models)."""
    path = Path(directory or openapi_dir()) / filename
    if path.is_file():
        _say_which(f"LINE's OpenAPI spec {path}")
        return cls(path)
    try:
        spec = fallback()
    except Exception as exc:  # noqa: BLE001 - an SDK whose source cannot be read: say so, run unchecked
        _warn_missing(str(path), f"and the installed line-bot-sdk's models could not be read ({exc.__class__.__name__}): "
                                 "validation is OFF")
        return None
    _warn_missing(str(path), "validating against the installed line-bot-sdk's models instead")
    return spec


MessagingSpec.kind = "LINE OpenAPI spec"
WebhookSpec.kind = "LINE OpenAPI spec"


@lru_cache(maxsize=None)
def _say_which(what: str) -> None:
    log.info("validating LINE API calls against %s", what)


@lru_cache(maxsize=None)
def _warn_missing(path: str, then: str) -> None:
    log.warning("LINE OpenAPI spec not found at %s (set LINE_OPENAPI_DIR): %s", path, then)
