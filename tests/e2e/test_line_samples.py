"""LINE's own example bodies and SDK fixtures, posted signed: 200 for valid ones, 400 for malformed."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

SAMPLES = Path(__file__).resolve().parents[3] / "shared" / "line-webhook-samples"
# Older-shaped bodies without webhookEventId / deliveryContext: the SDK refuses them (see its README).
MALFORMED = {"sdk-java_follow.json", "sdk-java_unfollow.json", "sdk-java_postback.json",
             "sdk-java_text-user.json", "sdk-java_unknown.json"}

FILES = sorted(SAMPLES.rglob("*.json"))


@pytest.mark.skipif(not FILES, reason="../shared/line-webhook-samples is not beside the project")
@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_line_sample_is_answered_200_or_400(path, client, sender):
    body = path.read_bytes()
    response = client.post("/callback", data=body, content_type="application/json",
                           headers={"X-Line-Signature": sender.sign(body)})
    assert response.status_code == (400 if path.name in MALFORMED else 200)


@pytest.mark.skipif(not FILES, reason="samples missing")
def test_all_28_events_with_their_own_ids_are_each_recorded_once(client, sender, app):
    from sqlalchemy import func, select

    from core.models import InboxEvent

    body = json.loads((SAMPLES / "sdk-python_tests-v3-webhook_all-28-events.json").read_text())
    for i, event in enumerate(body["events"]):
        event["webhookEventId"] = f"01SAMPLE{i:018d}"
    raw = json.dumps(body).encode()
    for _ in range(2):
        response = client.post("/callback", data=raw, content_type="application/json",
                               headers={"X-Line-Signature": sender.sign(raw)})
        assert response.status_code == 200
    with app.extensions["bot"].db.session() as s:
        assert s.scalar(select(func.count()).select_from(InboxEvent)) == len(body["events"])
        assert s.scalar(select(func.count()).select_from(InboxEvent).where(InboxEvent.status == "pending")) == 0
