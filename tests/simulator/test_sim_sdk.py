"""The real line-bot-sdk against a running simulator: its requests conform and its answers parse."""
import uuid

import pytest
from linebot.v3.messaging import (ApiClient, ApiException, Configuration, FlexBubble, FlexBox, FlexButton,
                                  FlexMessage, FlexText, MessageAction, MessagingApi, MessagingApiBlob,
                                  PostbackAction, PushMessageRequest, QuickReply, QuickReplyItem,
                                  ReplyMessageRequest, RichMenuArea, RichMenuBounds, RichMenuRequest,
                                  RichMenuSize, ShowLoadingAnimationRequest, TextMessage)

from .conftest import new_user_id


@pytest.fixture
def apis(sim):
    with ApiClient(Configuration(host=sim.url, access_token="sdk-token")) as client:
        yield MessagingApi(client), MessagingApiBlob(client)


def card():
    body = FlexBox(layout="vertical", contents=[
        FlexText(text="金卡會員", weight="bold", size="xl"),
        FlexButton(style="primary", action=PostbackAction(label="兌換", data="action=redeem", display_text="兌換")),
    ])
    return FlexMessage(alt_text="會員卡", contents=FlexBubble(body=body))


def test_sdk_push_reply_profile_and_loading_conform(sim, apis):
    api, _ = apis
    uid = new_user_id()
    sim.platform.add_user(uid, "Amy", "en")
    quick = QuickReply(items=[QuickReplyItem(action=MessageAction(label="Points", text="points"))])
    pushed = api.push_message(PushMessageRequest(to=uid, messages=[TextMessage(text="hi", quick_reply=quick), card()]),
                              x_line_retry_key=str(uuid.uuid4()))
    assert len(pushed.sent_messages) == 2
    token = sim.platform.mint_reply_token(uid)
    replied = api.reply_message(ReplyMessageRequest(reply_token=token, messages=[TextMessage(text="thanks")]))
    assert replied.sent_messages[0].id
    assert api.get_profile(uid).display_name == "Amy"
    api.show_loading_animation(ShowLoadingAnimationRequest(chat_id=uid, loading_seconds=5))
    assert [d["how"] for d in sim.platform.delivered(uid)] == ["push", "push", "reply"]
    assert sim.platform.errors() == []


def test_sdk_sees_line_errors(sim, apis):
    api, _ = apis
    key = str(uuid.uuid4())
    request = PushMessageRequest(to=new_user_id(), messages=[TextMessage(text="once")])
    api.push_message(request, x_line_retry_key=key)
    with pytest.raises(ApiException) as conflict:
        api.push_message(request, x_line_retry_key=key)
    assert conflict.value.status == 409
    sim.platform.faults.rate_limit("/push", retry_after=3)
    with pytest.raises(ApiException) as limited:
        api.push_message(request)
    assert limited.value.status == 429 and limited.value.headers["Retry-After"] == "3"


def test_sdk_rich_menu_with_image_upload_conforms(sim, apis):
    api, blob = apis
    menu = RichMenuRequest(size=RichMenuSize(width=2500, height=843), selected=True, name="main", chat_bar_text="選單",
                           areas=[RichMenuArea(bounds=RichMenuBounds(x=0, y=0, width=2500, height=843),
                                               action=PostbackAction(data="action=points"))])
    menu_id = api.create_rich_menu(menu).rich_menu_id
    blob.set_rich_menu_image(menu_id, body=b"\x89PNG fake", _headers={"Content-Type": "image/png"})
    api.set_default_rich_menu(menu_id)
    assert api.get_default_rich_menu_id().rich_menu_id == menu_id
    assert [m.rich_menu_id for m in api.get_rich_menu_list().richmenus] == [menu_id]
    assert sim.platform.rich_menus.default_id == menu_id
    assert sim.platform.errors() == []
