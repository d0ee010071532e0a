from simulator.spec import MESSAGING_SPEC, WEBHOOK_SPEC, MessagingSpec, WebhookSpec, openapi_dir

PUSH = "/v2/bot/message/push"
JSON_AUTH = {"Authorization": "Bearer t", "Content-Type": "application/json"}


def spec():
    return MessagingSpec(openapi_dir() / MESSAGING_SPEC)


def bubble(*components):
    return {"type": "bubble", "body": {"type": "box", "layout": "vertical", "contents": list(components)}}


def push(*messages):
    return {"to": "U" + "0" * 32, "messages": list(messages)}


def test_valid_text_flex_and_quick_reply_conform():
    quick = {"items": [{"type": "action", "action": {"type": "message", "label": "Points", "text": "points"}},
                       {"type": "action", "action": {"type": "datetimepicker", "label": "Birthday",
                                                     "data": "action=birthday", "mode": "date"}}]}
    flex = {"type": "flex", "altText": "Card", "contents": {"type": "carousel", "contents": [
        bubble({"type": "text", "text": "Gold", "weight": "bold", "size": "xl"},
               {"type": "separator"},
               {"type": "box", "layout": "baseline", "contents": [{"type": "text", "text": "120 pts"}]},
               {"type": "button", "style": "primary",
                "action": {"type": "postback", "label": "Redeem", "data": "action=redeem"}})]}}
    body = push({"type": "text", "text": "hi", "quickReply": quick}, flex)
    assert spec().validate("POST", PUSH, JSON_AUTH, body) == []


def test_a_bad_flex_component_is_found_inside_the_bubble():
    body = push({"type": "flex", "altText": "x", "contents": bubble({"type": "txt", "text": "oops"})})
    errors = spec().validate("POST", PUSH, JSON_AUTH, body)
    assert len(errors) == 1
    assert "messages[0].contents.body.contents[0]" in errors[0] and "'txt'" in errors[0]


def test_a_flex_button_without_action_is_an_error():
    body = push({"type": "flex", "altText": "x", "contents": bubble({"type": "button"})})
    assert any("'action' is a required property" in e for e in spec().validate("POST", PUSH, JSON_AUTH, body))


def test_text_without_text_and_too_many_messages():
    assert "'text' is a required property" in spec().validate("POST", PUSH, JSON_AUTH, push({"type": "text"}))[0]
    errors = spec().validate("POST", PUSH, JSON_AUTH, push(*[{"type": "text", "text": "x"}] * 6))
    assert errors == [f"POST {PUSH}: messages: has 6 items; at most 5 allowed"]


def test_headers_are_checked():
    body = push({"type": "text", "text": "hi"})
    assert any("Authorization" in e for e in spec().validate("POST", PUSH, {"Content-Type": "application/json"}, body))
    assert any("Content-Type" in e for e in spec().validate("POST", PUSH, {"Authorization": "Bearer t"}, body))
    bad_key = {**JSON_AUTH, "X-Line-Retry-Key": "not-a-uuid"}
    assert any("X-Line-Retry-Key" in e for e in spec().validate("POST", PUSH, bad_key, body))
    good_key = {**JSON_AUTH, "X-Line-Retry-Key": "123e4567-e89b-12d3-a456-426614174000"}
    assert spec().validate("POST", PUSH, good_key, body) == []


def test_rich_menu_image_must_be_png_or_jpeg():
    path = "/v2/bot/richmenu/richmenu-1/content"
    png = {"Authorization": "Bearer t", "Content-Type": "image/png"}
    assert spec().validate("POST", path, png, b"\x89PNG") == []
    assert spec().validate("POST", path, {**png, "Content-Type": "application/json"}, b"{}") != []


def test_templated_paths_prefer_literal_segments_and_unknown_paths_are_errors():
    s = spec()
    assert s.operation("GET", "/v2/bot/richmenu/list").template == "/v2/bot/richmenu/list"
    assert s.operation("GET", "/v2/bot/richmenu/richmenu-1").template == "/v2/bot/richmenu/{richMenuId}"
    assert s.operation("DELETE", "/v2/bot/user/all/richmenu").template == "/v2/bot/user/all/richmenu"
    assert s.operation("GET", "/v2/bot/profile/U1").template == "/v2/bot/profile/{userId}"
    assert s.validate("GET", "/v2/bot/profile/U1", {"Authorization": "Bearer t"}, None) == []
    assert "not an endpoint" in s.validate("POST", "/v2/bot/message/shout", JSON_AUTH, {})[0]


def test_loaded_specs_are_memoised():
    assert spec()._validator_for is spec()._validator_for


def test_webhook_spec_follows_event_discriminators():
    webhook = WebhookSpec(openapi_dir() / WEBHOOK_SPEC)
    event = {"type": "message", "mode": "active", "timestamp": 1, "webhookEventId": "01H",
             "deliveryContext": {"isRedelivery": False}, "source": {"type": "user", "userId": "U1"},
             "replyToken": "r", "message": {"type": "text", "id": "1", "text": "hi"}}
    errors = webhook.validate({"destination": "U" + "0" * 32, "events": [event]})
    assert errors == ["events[0].message: 'quoteToken' is a required property"]
