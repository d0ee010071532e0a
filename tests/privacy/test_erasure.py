"""What "delete my data" leaves behind: nothing that names the person (outbox params, inbox keys,
conversation state), a keyed identity hash, and no second birthday coupon after re-joining."""
from __future__ import annotations

import hashlib
from datetime import timedelta

from sqlalchemy import select

from core import conversation
from core.models import ConversationState, InboxEvent
from rewards.models import Coupon, Member, Outbox

from ..e2e.chat import postback_datas

TAIPEI_MARCH = "1990-{month:02d}-02"


def _member(app, uid=None, member_id=None):
    with app.extensions["bot"].db.session() as s:
        if member_id is not None:
            return s.get(Member, member_id)
        return s.scalar(select(Member).where(Member.line_user_id == uid))


def _erase_in_chat(chat, uid):
    chat.say(uid, "刪除資料")
    chat.tap(uid, "action=delete_confirm")


def test_erasure_scrubs_outbox_params_inbox_keys_and_conversation(chat, app):
    rt = app.extensions["bot"]
    uid = "U" + "7" * 31 + "a"
    chat.join(uid)
    member_id = _member(app, uid).id
    now = rt.clock.now()
    with rt.db.session() as s:
        s.add(Outbox(dedup_key="sent-1", member_id=member_id, kind="text", category="marketing",
                     params={"text_zh": "王小明您好", "name": "王小明"}, status="sent", not_before=now,
                     created_at=now))
        conversation.set(s, uid, "survey_comment", {"x": 1}, now, timedelta(hours=1))
    _erase_in_chat(chat, uid)
    with rt.db.session() as s:
        params = [p for p in s.scalars(select(Outbox.params).where(Outbox.member_id == member_id))]
        assert params and all("王小明" not in str(p) for p in params)
        assert s.scalar(select(InboxEvent.id).where(InboxEvent.user_key == uid)) is None
        assert s.get(ConversationState, uid) is None


def test_the_identity_hash_is_keyed(app, chat):
    uid = "U" + "7" * 31 + "b"
    chat.join(uid)
    member_id = _member(app, uid).id
    _erase_in_chat(chat, uid)
    erased = _member(app, member_id=member_id)
    plain = hashlib.sha256(uid.encode()).hexdigest()
    assert erased.status == "erased" and erased.identity_hash and erased.identity_hash != plain


def test_erase_rejoin_and_birthday_again_gives_no_second_coupon(chat, app):
    rt = app.extensions["bot"]
    month = rt.clock.now().month
    uid = "U" + "7" * 31 + "c"
    chat.join(uid)
    datas = postback_datas(chat.say(uid, "生日"))
    chat.tap(uid, next(d for d in datas if "birthday" in d), {"date": TAIPEI_MARCH.format(month=month)})
    _erase_in_chat(chat, uid)
    chat.join(uid)
    datas = postback_datas(chat.say(uid, "生日"))
    chat.tap(uid, next(d for d in datas if "birthday" in d), {"date": TAIPEI_MARCH.format(month=month)})
    with rt.db.session() as s:
        kinds = list(s.scalars(select(Coupon.member_id).where(Coupon.kind == "birthday")))
    assert len(kinds) == 1  # the first record's; the new record of the same person gets none this year
    # nor from the monthly sweep
    from worker.runner import run_due

    results = {r.name: r for r in run_due(app, rt.clock.now().replace(day=28, hour=12))}
    assert results["birthday-coupons"].ok
    with rt.db.session() as s:
        assert len(list(s.scalars(select(Coupon.id).where(Coupon.kind == "birthday")))) == 1


def test_rotating_secret_key_with_the_identity_secret_pinned_still_recognises_a_returning_person(
        database_url, simulator_server, line, clock):
    """SECRET_KEY rotated, IDENTITY_HASH_SECRET set to the old key: an erased member who rejoins gets
    no second welcome gift and no second birthday coupon."""
    from simulator.webhook_sender import WebhookSender
    from tests.conftest import TEST_SECRET, make_app

    from ..e2e.chat import Chat, words

    old_key, new_key = "old-secret-key-" + "o" * 32, "new-secret-key-" + "n" * 32
    uid = "U" + "7" * 31 + "d"
    month = clock.now().month

    def chat_on(app):
        return Chat(app.test_client(), WebhookSender("http://unused.invalid/callback", TEST_SECRET, platform=line), line)

    def closed(app):
        app.extensions["inbox_worker"].shutdown()
        app.extensions["bot"].db.dispose()

    before = make_app(database_url, simulator_server.url, clock, SECRET_KEY=old_key)
    chat = chat_on(before)
    assert "入會禮" in words(chat.join(uid))
    datas = postback_datas(chat.say(uid, "生日"))
    chat.tap(uid, next(d for d in datas if "birthday" in d), {"date": TAIPEI_MARCH.format(month=month)})
    _erase_in_chat(chat, uid)
    closed(before)

    after = make_app(database_url, simulator_server.url, clock, SECRET_KEY=new_key, IDENTITY_HASH_SECRET=old_key)
    try:
        chat = chat_on(after)
        again = chat.join(uid)
        assert "歡迎加入" in words(again) and "入會禮" not in words(again)
        datas = postback_datas(chat.say(uid, "生日"))
        chat.tap(uid, next(d for d in datas if "birthday" in d), {"date": TAIPEI_MARCH.format(month=month)})
        with after.extensions["bot"].db.session() as s:
            assert len(list(s.scalars(select(Coupon.id).where(Coupon.kind == "birthday")))) == 1
            rejoined = s.scalar(select(Member).where(Member.line_user_id == uid))
            assert rejoined.balance == 0
    finally:
        closed(after)

