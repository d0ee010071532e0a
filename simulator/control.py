"""JSON endpoints for tools and tests: recorded calls, reset, fault injection."""
from flask import Blueprint, jsonify, request


def control_blueprint(platform) -> Blueprint:
    bp = Blueprint("simulator_control", __name__, url_prefix="/__sim")

    @bp.get("/calls")
    def calls():
        return jsonify(validationEnabled=platform.validation_enabled,
                       validatedBy=platform.spec.kind if platform.spec is not None else None,
                       calls=[c.to_json() for c in list(platform.calls)],
                       errors=platform.errors())

    @bp.post("/reset")
    def reset():
        platform.reset()
        return jsonify({})

    @bp.post("/users/bulk")
    def add_users():
        """Friends for tools running the simulator in its own process: {"users": [{"userId", "displayName"}]}."""
        for user in (request.get_json(silent=True) or {}).get("users", []):
            platform.add_user(user["userId"], user.get("displayName", "LINE user"), user.get("language", "zh-TW"))
        return jsonify({})

    @bp.post("/reply-tokens")
    def accept_reply_tokens():
        """Reply tokens minted by a webhook sender in another process: {"tokens": {token: userId}}."""
        tokens = (request.get_json(silent=True) or {}).get("tokens", {})
        for token, user_id in tokens.items():
            platform.mint_reply_token(user_id, token)
        return jsonify(accepted=len(tokens))

    @bp.get("/reply-tokens/<token>")
    def reply_token(token):
        """Whether a reply used the token; `?wait=SECONDS` waits (at most 60) for it first."""
        try:
            wait = min(max(float(request.args.get("wait", 0)), 0.0), 60.0)
        except ValueError:
            return jsonify(error="wait must be a number of seconds"), 400
        return jsonify(replied=platform.wait_for_reply(token, wait))

    @bp.get("/faults")
    def faults():
        return jsonify(faults=[vars(f) for f in platform.faults.pending()])

    @bp.post("/faults")
    def inject():
        options = request.get_json(silent=True) or {}
        path_regex = options.get("path_regex", options.get("path"))
        if not path_regex:
            return jsonify(error="path_regex is required"), 400
        try:
            fault = platform.inject(path_regex, options.get("status"), options.get("count", 1),
                                    options.get("headers"), options.get("body"), options.get("delay", 0.0))
        except (TypeError, ValueError) as e:  # re.error is a ValueError
            return jsonify(error=str(e)), 400
        return jsonify(fault=vars(fault)), 201

    @bp.delete("/faults")
    def clear_faults():
        platform.clear_faults()
        return jsonify({})

    return bp
