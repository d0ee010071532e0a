"""What each Messaging API endpoint does on the fake platform (the HTTP plumbing is in api.py)."""
import copy
from dataclasses import dataclass

from simulator import insight
from simulator.answers import Answer, LineApiError, not_found
from simulator.routing import PathTemplate, most_specific


@dataclass
class ApiRequest:
    method: str
    path: str
    query: dict
    headers: dict  # lower-cased names
    content_type: str  # without parameters, lower case
    body: object  # parsed JSON, raw bytes for binary uploads, None when empty

    def field(self, name, default=None):
        return self.body.get(name, default) if isinstance(self.body, dict) else default


_ROUTES = []


def _route(method, template):
    def register(handler):
        _ROUTES.append((method, PathTemplate(template), handler))
        return handler
    return register


def dispatch(platform, req: ApiRequest) -> Answer:
    """The endpoint's answer; a LineApiError becomes LINE's error answer."""
    matches = [(template, handler) for method, template, handler in _ROUTES
               if method == req.method and template.match(req.path) is not None]
    best = most_specific(matches)
    try:
        if best:
            template, handler = best
            return handler(platform, req, **template.match(req.path))
        return _documented_success(platform, req)
    except LineApiError as e:
        return e.answer()


def _documented_success(platform, req):
    """Endpoints the simulator does not model answer the spec's success status and example."""
    operation = platform.spec.operation(req.method, req.path) if platform.spec else None
    if operation is None:
        raise not_found()
    status, example = operation.success()
    return Answer(status, copy.deepcopy(example))


def _messages(req):
    messages = req.field("messages")
    if not isinstance(messages, list) or not messages:
        raise LineApiError(400, "The request body has 1 error(s)",
                           [{"message": "Must not be empty", "property": "messages"}])
    return messages


# ---------------------------------------------------------------- messages
@_route("POST", "/v2/bot/message/reply")
def reply(platform, req):
    return Answer(200, {"sentMessages": platform.reply(req.field("replyToken"), _messages(req))})


@_route("POST", "/v2/bot/message/push")
def push(platform, req):
    to = req.field("to")
    if not isinstance(to, str) or not to:
        raise LineApiError(400, "The property, 'to', in the request body is invalid (line: -, column: -)")
    return Answer(200, {"sentMessages": platform.push(to, _messages(req), _unit(req))})


@_route("POST", "/v2/bot/message/multicast")
def multicast(platform, req):
    to = req.field("to")
    if not isinstance(to, list) or not to:
        raise LineApiError(400, "The property, 'to', in the request body is invalid (line: -, column: -)")
    platform.multicast(to, _messages(req), _unit(req))
    return Answer(200, {})


def _unit(req):
    units = req.field("customAggregationUnits") or []
    return units[0] if units else None


@_route("GET", insight.PATH)
def unit_statistics(platform, req):
    return Answer(200, platform.units.answer(req.query.get("customAggregationUnit")))


@_route("GET", "/v2/bot/message/quota")
def quota(platform, req):
    return Answer(200, platform.quota())


@_route("GET", "/v2/bot/message/quota/consumption")
def quota_consumption(platform, req):
    return Answer(200, platform.consumption())


@_route("GET", "/v2/bot/profile/{userId}")
def profile(platform, req, userId):
    return Answer(200, platform.profile(userId))


@_route("POST", "/v2/bot/user/{userId}/linkToken")
def issue_link_token(platform, req, userId):
    user = platform.user(userId)
    if user is None or user.friendship != "friend":
        raise LineApiError(400, "The user hasn't added the LINE Official Account as a friend")
    return Answer(200, {"linkToken": platform.link_tokens.issue(userId)})


@_route("POST", "/v2/bot/chat/loading/start")
def loading_start(platform, req):
    return Answer(202, {})


@_route("POST", "/v2/bot/chat/markAsRead")
def mark_as_read(platform, req):
    platform.mark_read(req.field("markAsReadToken"))
    return Answer(200, {})


# ---------------------------------------------------------------- rich menus
@_route("POST", "/v2/bot/richmenu")
def create_rich_menu(platform, req):
    return Answer(200, {"richMenuId": platform.rich_menus.create(req.body)})


@_route("GET", "/v2/bot/richmenu/list")
def list_rich_menus(platform, req):
    return Answer(200, {"richmenus": platform.rich_menus.all()})


@_route("POST", "/v2/bot/richmenu/bulk/link")
def link_rich_menu_to_users(platform, req):
    platform.rich_menus.link_many(req.body["userIds"], req.body["richMenuId"])
    return Answer(202, {})


@_route("POST", "/v2/bot/richmenu/bulk/unlink")
def unlink_rich_menus_from_users(platform, req):
    platform.rich_menus.unlink_many(req.body["userIds"])
    return Answer(202, {})


@_route("GET", "/v2/bot/richmenu/{richMenuId}")
def get_rich_menu(platform, req, richMenuId):
    return Answer(200, platform.rich_menus.get(richMenuId))


@_route("DELETE", "/v2/bot/richmenu/{richMenuId}")
def delete_rich_menu(platform, req, richMenuId):
    platform.rich_menus.delete(richMenuId)
    return Answer(200, {})


@_route("POST", "/v2/bot/richmenu/{richMenuId}/content")
def upload_rich_menu_image(platform, req, richMenuId):
    if not isinstance(req.body, (bytes, bytearray)):
        raise LineApiError(400, "The request body must be a PNG or JPEG image")
    platform.rich_menus.upload_image(richMenuId, req.body, req.content_type)
    return Answer(200, {})


@_route("GET", "/v2/bot/richmenu/{richMenuId}/content")
def download_rich_menu_image(platform, req, richMenuId):
    image = platform.rich_menus.image(richMenuId)
    return Answer(200, image.data, content_type=image.content_type)


@_route("POST", "/v2/bot/user/all/richmenu/{richMenuId}")
def set_default_rich_menu(platform, req, richMenuId):
    platform.rich_menus.set_default(richMenuId)
    return Answer(200, {})


@_route("GET", "/v2/bot/user/all/richmenu")
def get_default_rich_menu(platform, req):
    if platform.rich_menus.default_id is None:
        raise LineApiError(404, "no default richmenu")
    return Answer(200, {"richMenuId": platform.rich_menus.default_id})


@_route("DELETE", "/v2/bot/user/all/richmenu")
def cancel_default_rich_menu(platform, req):
    platform.rich_menus.clear_default()
    return Answer(200, {})


@_route("POST", "/v2/bot/user/{userId}/richmenu/{richMenuId}")
def link_rich_menu(platform, req, userId, richMenuId):
    platform.rich_menus.link(userId, richMenuId)
    return Answer(200, {})


@_route("GET", "/v2/bot/user/{userId}/richmenu")
def get_linked_rich_menu(platform, req, userId):
    menu_id = platform.rich_menus.linked(userId)
    if menu_id is None:
        raise LineApiError(404, "the user has no richmenu")
    return Answer(200, {"richMenuId": menu_id})


@_route("DELETE", "/v2/bot/user/{userId}/richmenu")
def unlink_rich_menu(platform, req, userId):
    platform.rich_menus.unlink(userId)
    return Answer(200, {})
