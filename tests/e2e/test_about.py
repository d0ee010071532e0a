"""The visitor's rich menu has an "about" button: its postback answers what the programme gives,
with the spend per point as the settings say (it once failed on a missing import, and the visitor
got the apology)."""
from __future__ import annotations


def test_about_tells_a_visitor_the_spend_per_point(chat, line):
    uid = "U" + "ab" * 16
    line.add_user(uid, "小華", "zh-TW")
    chat.follow(uid)
    reply = chat.send(chat.sender.postback(uid, "about"))
    assert "每 NT$100 得 1 點" in reply[0]["text"]
    assert "抱歉" not in reply[0]["text"]
