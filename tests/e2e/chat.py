"""Talking to the bot the way LINE does: signed webhook bodies in, recorded simulator calls out."""
from __future__ import annotations

import json


class Chat:
    def __init__(self, client, sender, line):
        self.client = client
        self.sender = sender
        self.line = line

    def post(self, *events):
        """Post one signed body holding these events; returns the Flask response."""
        return self.sender.post_to_client(self.client, list(events))

    def replies_to(self, event) -> list[list[dict]]:
        token = event.get("replyToken")
        return [c.body["messages"] for c in self.line.calls_to("/v2/bot/message/reply")
                if c.body and c.body.get("replyToken") == token and c.status == 200]  # delivered

    def send(self, event) -> list[dict]:
        """Post one event and return the messages of the one reply it got ([] if none)."""
        response = self.post(event)
        assert response.status_code == 200, response.data
        replies = self.replies_to(event)
        assert len(replies) <= 1, f"one event answered {len(replies)} times"
        return replies[0] if replies else []

    def say(self, user_id: str, words: str) -> list[dict]:
        return self.send(self.sender.text(user_id, words))

    def tap(self, user_id: str, data: str, params: dict | None = None) -> list[dict]:
        return self.send(self.sender.postback(user_id, data, params))

    def follow(self, user_id: str, unblocked: bool = False) -> list[dict]:
        return self.send(self.sender.follow(user_id, unblocked=unblocked))

    def join(self, user_id: str) -> list[dict]:
        welcome = self.follow(user_id)
        data = next(d for d in postback_datas(welcome) if "action=join" in d)
        return self.tap(user_id, data)


def postback_datas(messages) -> list[str]:
    found = []

    def walk(node):
        if isinstance(node, dict):
            if node.get("type") in ("postback", "datetimepicker") and "data" in node:
                found.append(node["data"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(messages)
    return found


def words(messages) -> str:
    """Every human-readable string in a list of messages, joined (for assertions on content)."""
    out = []

    def walk(node, key=None):
        if isinstance(node, dict):
            for k, v in node.items():
                walk(v, k)
        elif isinstance(node, list):
            for v in node:
                walk(v, key)
        elif isinstance(node, str) and key in ("text", "altText", "label", "displayText"):
            out.append(node)

    walk(messages)
    return " | ".join(out)


def dumps(messages) -> str:
    return json.dumps(messages, ensure_ascii=False)
