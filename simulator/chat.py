"""The browser chat page and the JSON endpoints behind it: a person plays a LINE user."""
import requests
from flask import Blueprint, Response, jsonify, request, send_from_directory

from simulator import line_ids
from simulator.answers import LineApiError

LANGUAGES = ("zh-TW", "en")


def chat_blueprint(platform, sender) -> Blueprint:
    bp = Blueprint("simulator_chat", __name__, static_folder="static", static_url_path="/__sim/static")

    @bp.get("/")
    def page():
        response = send_from_directory(bp.static_folder, "chat.html")
        response.headers["Content-Type"] = "text/html; charset=utf-8"
        return response

    @bp.get("/favicon.ico")
    def favicon():
        return "", 204

    @bp.get("/__sim/users")
    def users():
        return jsonify(users=[u.to_json() for u in list(platform.users.values())])

    @bp.post("/__sim/users")
    def create_user():
        options = request.get_json(silent=True) or {}
        user_id = options.get("userId") or line_ids.user_id()
        language = options.get("language", "zh-TW")
        if language not in LANGUAGES:
            return jsonify(error=f"language must be one of {', '.join(LANGUAGES)}"), 400
        name = (options.get("displayName") or "").strip() or "User " + user_id[-4:]
        friendship = options.get("friendship")
        if friendship not in (None, "new", "friend", "blocked"):
            return jsonify(error="friendship must be new, friend or blocked"), 400
        user = platform.add_user(user_id, name, language)
        if friendship:  # e.g. a bot's existing members, registered as friends already
            platform.set_friendship(user_id, friendship)
        return jsonify(user=user.to_json()), 201

    @bp.get("/__sim/users/<user_id>/timeline")
    def timeline(user_id):
        user = platform.user(user_id)
        if user is None:
            return jsonify(error="no such user"), 404
        platform.units.open_chat(user_id)  # the user looks at the chat: LINE counts the messages opened
        return jsonify(user=user.to_json(), entries=platform.timeline(user_id),
                       richMenu=_rich_menu_shown_to(user_id))

    @bp.post("/__sim/users/<user_id>/follow")
    def follow(user_id):
        user = platform.user(user_id)
        return _post(user_id, sender.follow(user_id, unblocked=bool(user) and user.friendship == "blocked"))

    @bp.post("/__sim/users/<user_id>/block")
    def block(user_id):
        return _post(user_id, sender.unfollow(user_id))

    @bp.post("/__sim/users/<user_id>/send")
    def send_text(user_id):
        text = (request.get_json(silent=True) or {}).get("text", "")
        if not text.strip():
            return jsonify(error="text is empty"), 400
        return _post(user_id, sender.text(user_id, text))

    @bp.post("/__sim/users/<user_id>/postback")
    def postback(user_id):
        options = request.get_json(silent=True) or {}
        if options.get("displayText"):
            platform.note(user_id, "user", options["displayText"])
        return _post(user_id, sender.postback(user_id, options.get("data", ""), options.get("params")))

    @bp.get("/__sim/richmenus/<menu_id>/image")
    def rich_menu_image(menu_id):
        try:
            image = platform.rich_menus.image(menu_id)
        except LineApiError:
            return jsonify(error="no image"), 404
        return Response(image.data, content_type=image.content_type)

    def _post(user_id, event):
        if not sender.bot_url or not sender.channel_secret:
            return jsonify(error="no bot configured: start with --bot-url and --secret"), 503
        try:
            status, elapsed = sender.post([event])
        except requests.RequestException as e:
            platform.note(user_id, "system", f"the bot could not be reached: {e.__class__.__name__}")
            return jsonify(error=f"the bot could not be reached: {e}"), 502
        if status != 200:
            platform.note(user_id, "system", f"the bot answered the webhook with HTTP {status}")
        return jsonify(botStatus=status, seconds=round(elapsed, 3))

    def _rich_menu_shown_to(user_id):
        menu_id = platform.rich_menus.shown_to(user_id)
        if menu_id is None:
            return None
        try:
            menu = platform.rich_menus.get(menu_id)
        except LineApiError:
            return None
        return {**menu, "imageUrl": f"/__sim/richmenus/{menu_id}/image"}

    return bp
