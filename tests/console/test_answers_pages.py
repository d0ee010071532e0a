"""The console's faq pages (add, edit) and who may read handed-off chats."""
from __future__ import annotations


def test_console_faq_pages_add_and_edit(login_as):
    marketer = login_as("marketer")
    created = marketer.post("/console/faq", {"title_zh": "寵物", "title_en": "Pets", "asked_zh": "可以帶寵物嗎\n寵物",
                                              "asked_en": "pets", "answer_zh": "歡迎", "answer_en": "Welcome"})
    assert created.status_code == 302
    page = marketer.get(created.headers["Location"]).get_data(as_text=True)
    assert "可以帶寵物嗎" in page
    assert "寵物" in marketer.get("/console/faq").get_data(as_text=True)
    edited = marketer.post(created.headers["Location"], {"title_zh": "寵物", "asked_zh": "寵物", "answer_zh": "改了"})
    assert edited.status_code == 302 and "改了" in marketer.get(created.headers["Location"]).get_data(as_text=True)
    assert marketer.post("/console/faq", {"title_zh": "x"}).status_code == 400


def test_viewers_cannot_read_or_answer_handed_off_chats(login_as):
    viewer = login_as("viewer")
    assert viewer.get("/console/inbox").status_code == 403
    assert viewer.post("/console/inbox/1/reply", {"text": "hi"}).status_code == 403
    assert viewer.get("/console/unanswered").status_code == 403  # members' own words: the inbox's rule
