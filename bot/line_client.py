"""The one LINE client: every call the bot makes to the Messaging API goes through here.

Messages are plain dicts in LINE's JSON shape (built in bot/messages.py). Pushes and multicasts go
through the SDK's models, which check them on the way out; a reply, on every webhook event's path,
is sent as the JSON it is (turning it into the SDK's models and back cost more than the rest of the
call; the tests check every request the bot makes against LINE's OpenAPI spec). Every call carries a
timeout (the SDK has none by default).
"""
from __future__ import annotations

import json
import logging
from dataclasses import dataclass

from linebot.v3.messaging import (ApiClient, Configuration, MessagingApi, MessagingApiBlob, MulticastRequest,
                                  PushMessageRequest, RichMenuBulkLinkRequest,
                                  RichMenuRequest,
                                  ShowLoadingAnimationRequest)
from linebot.v3.insight import ApiClient as InsightApiClient, Configuration as InsightConfiguration, Insight
from linebot.v3.insight.exceptions import ApiException as InsightApiException
from linebot.v3.messaging.exceptions import ApiException
from urllib3.exceptions import ConnectTimeoutError, MaxRetryError, NewConnectionError

from core import metrics
from core.text_checks import clean_text

log = logging.getLogger(__name__)

JSON_HEADERS = {"Accept": "application/json", "Content-Type": "application/json"}
BULK_LINK_MAX = 500  # users per bulk rich menu link (LINE's limit)


class LineApiError(Exception):
    """LINE answered with an error status (or did not answer)."""

    def __init__(self, status: int | None, message: str, retry_after: float | None = None,
                 may_have_arrived: bool = True):
        super().__init__(f"LINE API {status}: {message}")
        self.status = status
        self.message = message
        self.retry_after = retry_after
        # no answer (status None): False only when no connection was made, so LINE never saw it
        self.may_have_arrived = may_have_arrived

    @property
    def is_timeout(self) -> bool:
        return self.status is None

    @property
    def is_monthly_limit(self) -> bool:
        return self.status == 429 and "monthly limit" in self.message.lower()

    @property
    def is_retry_key_accepted(self) -> bool:
        return self.status == 409 and "retry key is already accepted" in self.message.lower()


@dataclass
class Profile:
    user_id: str
    display_name: str
    language: str | None


def _no_answer(exc: Exception) -> LineApiError:
    """A timeout or a lost connection. Only a connection never made certainly kept the request from
    LINE: a read that timed out may follow a request LINE acted on."""
    cause = exc
    while isinstance(cause, MaxRetryError) and cause.reason is not None:
        cause = cause.reason
    never_connected = isinstance(cause, (NewConnectionError, ConnectTimeoutError, ConnectionRefusedError))
    return LineApiError(None, f"{cause.__class__.__name__}: no answer from LINE", may_have_arrived=not never_connected)


def _error_from(exc: ApiException) -> LineApiError:
    message = exc.reason or ""
    try:
        body = json.loads(exc.body) if exc.body else {}
        message = body.get("message") or message
    except (ValueError, TypeError):
        pass
    retry_after = None
    headers = exc.headers or {}
    raw = headers.get("Retry-After") or headers.get("retry-after")
    if raw:
        try:
            retry_after = float(raw)
        except ValueError:
            retry_after = None
    return LineApiError(exc.status, message, retry_after)


def _login_error(raw) -> str | None:
    """LINE Login's error_description (or error) in an error answer's body."""
    try:
        body = json.loads(raw) if raw else {}
    except (ValueError, TypeError):
        return None
    return str(body.get("error_description") or body.get("error") or "") or None if isinstance(body, dict) else None


class LineClient:
    def __init__(self, access_token: str, api_url: str, data_url: str, timeout: float = 10.0):
        self.timeout = timeout
        # Two configurations: the SDK would otherwise send blob uploads to the api host.
        self._api = ApiClient(Configuration(access_token=access_token, host=api_url.rstrip("/")))
        self._data = ApiClient(Configuration(access_token=access_token, host=data_url.rstrip("/")))
        self.messaging = MessagingApi(self._api)
        self.blob = MessagingApiBlob(self._data)
        self.insight = Insight(InsightApiClient(InsightConfiguration(access_token=access_token,
                                                                     host=api_url.rstrip("/"))))

    def _call(self, fn, *args, name: str | None = None, **kwargs):
        name = name or fn.__name__
        try:
            answer = fn(*args, _request_timeout=self.timeout, **kwargs)
        except (ApiException, InsightApiException) as exc:
            metrics.line_call(name, exc.status)
            raise _error_from(exc) from None
        except Exception as exc:  # urllib3 timeouts and connection errors
            if exc.__class__.__module__.startswith(("urllib3", "socket")) or isinstance(exc, OSError):
                metrics.line_call(name, None)
                raise _no_answer(exc) from None
            raise
        metrics.line_call(name, 200)
        return answer

    def _post_json(self, path: str, body: dict, name: str) -> None:
        """POST `body` as it is, with the SDK's own HTTP client, token and error handling."""
        self._call(self._api.call_api, path, "POST", header_params=dict(JSON_HEADERS), body=body,
                   response_types_map={}, auth_settings=["Bearer"], _return_http_data_only=True, name=name)

    # -- messages
    def reply(self, reply_token: str, messages: list[dict]) -> None:
        self._post_json("/v2/bot/message/reply", {"replyToken": reply_token, "messages": messages}, "reply_message")

    def push(self, to: str, messages: list[dict], retry_key: str, unit: str | None = None) -> None:
        """`unit`: an aggregation unit name (LINE counts opens and clicks per unit, unit_statistics)."""
        body = {"to": to, "messages": messages} | ({"customAggregationUnits": [unit]} if unit else {})
        self._call(self.messaging.push_message, PushMessageRequest.from_dict(body), x_line_retry_key=retry_key)

    def multicast(self, to: list[str], messages: list[dict], retry_key: str, unit: str | None = None) -> None:
        if not 1 <= len(to) <= 500:
            raise ValueError("a multicast goes to 1 to 500 users")
        body = {"to": to, "messages": messages} | ({"customAggregationUnits": [unit]} if unit else {})
        self._call(self.messaging.multicast, MulticastRequest.from_dict(body), x_line_retry_key=retry_key)

    def unit_statistics(self, unit: str, first_day: str, last_day: str) -> dict:
        """LINE's counts for an aggregation unit over days yyyyMMdd (UTC+9, at most 30 days apart):
        {"opens": users who opened it, "clicks": users who opened a link in it}; None where LINE gives
        no figure (fewer than 20 users)."""
        answer = self._call(self.insight.get_statistics_per_unit, unit, first_day, last_day)
        overview = answer.overview
        return {"opens": getattr(overview, "unique_impression", None), "clicks": getattr(overview, "unique_click", None)}

    def issue_link_token(self, user_id: str) -> str:
        """A link token for LINE's account link (valid 10 minutes, single use)."""
        return self._call(self.messaging.issue_link_token, user_id).link_token

    def show_loading(self, user_id: str, seconds: int = 5) -> None:
        request = ShowLoadingAnimationRequest(chatId=user_id, loadingSeconds=seconds)
        self._call(self.messaging.show_loading_animation, request)

    def mark_as_read(self, mark_as_read_token: str) -> None:
        """Mark a user's messages read up to the one that carried this webhook token."""
        self._post_json("/v2/bot/chat/markAsRead", {"markAsReadToken": mark_as_read_token}, "mark_as_read")

    # -- users
    def get_profile(self, user_id: str) -> Profile:
        p = self._call(self.messaging.get_profile, user_id)
        # a display name is whatever the person typed: one line, no control or bidi characters (core.text_checks)
        return Profile(user_id=p.user_id, display_name=clean_text(p.display_name or "", single_line=True).strip(),
                       language=getattr(p, "language", None))

    # -- LINE Login (a LIFF app's ID token)
    def verify_id_token(self, id_token: str, client_id: str) -> dict:
        """LINE Login's POST /oauth2/v2.1/verify on the api host: the token's claims (iss, sub, aud,
        exp, iat, name, ...) when LINE vouches for it; LineApiError (400 and LINE's error_description:
        "IdToken expired.", "Invalid IdToken Audience.", ...) when not."""
        url = self._api.configuration.host + "/oauth2/v2.1/verify"
        try:
            answer = self._api.rest_client.request(
                "POST", url, headers={"Content-Type": "application/x-www-form-urlencoded", "Accept": "application/json"},
                post_params={"id_token": id_token, "client_id": client_id}, _request_timeout=self.timeout)
        except ApiException as exc:  # the SDK's HTTP client raises for any status but 2xx
            metrics.line_call("verify_id_token", exc.status)
            raise LineApiError(exc.status, _login_error(exc.body) or exc.reason or "refused") from None
        except Exception as exc:  # urllib3 timeouts and connection errors
            if exc.__class__.__module__.startswith(("urllib3", "socket")) or isinstance(exc, OSError):
                metrics.line_call("verify_id_token", None)
                raise _no_answer(exc) from None
            raise
        metrics.line_call("verify_id_token", answer.status)
        try:
            body = json.loads(answer.data or b"{}")
        except ValueError:
            body = {}
        if answer.status != 200 or not isinstance(body, dict):
            raise LineApiError(answer.status, _login_error(answer.data) or answer.reason or "refused")
        return body

    # -- quota
    def quota(self) -> tuple[str, int | None]:
        q = self._call(self.messaging.get_message_quota)
        return q.type, getattr(q, "value", None)

    def quota_used(self) -> int:
        return self._call(self.messaging.get_message_quota_consumption).total_usage

    # -- rich menus
    def create_rich_menu(self, menu: dict) -> str:
        return self._call(self.messaging.create_rich_menu, RichMenuRequest.from_dict(menu)).rich_menu_id

    def upload_rich_menu_image(self, rich_menu_id: str, png: bytes) -> None:
        self._call(self.blob.set_rich_menu_image, rich_menu_id, png, _headers={"Content-Type": "image/png"})

    def set_default_rich_menu(self, rich_menu_id: str) -> None:
        self._call(self.messaging.set_default_rich_menu, rich_menu_id)

    def delete_rich_menu(self, rich_menu_id: str) -> None:
        self._call(self.messaging.delete_rich_menu, rich_menu_id)

    def link_rich_menu(self, user_id: str, rich_menu_id: str) -> None:
        self._call(self.messaging.link_rich_menu_id_to_user, user_id, rich_menu_id)

    def link_rich_menu_to_users(self, user_ids: list[str], rich_menu_id: str) -> None:
        """LINE's bulk link: at most BULK_LINK_MAX users a call."""
        self._call(self.messaging.link_rich_menu_id_to_users,
                   RichMenuBulkLinkRequest(rich_menu_id=rich_menu_id, user_ids=list(user_ids)))

    def unlink_rich_menu(self, user_id: str) -> None:
        self._call(self.messaging.unlink_rich_menu_id_from_user, user_id)

    def close(self) -> None:
        self._api.close()
        self._data.close()


def account_link_token(line: LineClient, user_id: str) -> str | None:
    """A link token for the user, or None when LINE gives none (logged without the user id)."""
    try:
        return line.issue_link_token(user_id)
    except LineApiError as exc:
        log.warning("LINE issued no link token: %s", exc)
        return None
