"""A/B tests: up to 4 variants with shares plus a hold-out, split exactly; each variant's own message
goes out (checked against LINE's spec by the simulator); results per variant with intervals and a
verdict in plain words; the hold-out gain's caution; Duplicate."""
from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from insights.models import Segment
from messaging import ab_split, ab_stats
from messaging.models import Broadcast, ShortLink
from rewards.models import Member, Outbox
from worker.runner import run_due

from .people import add_member, add_order


@pytest.fixture
def six(app, clock):
    rt = app.extensions["bot"]
    now = clock.now()
    with rt.db.session() as s:
        people = [add_member(s, now - timedelta(days=30), name=f"m{k}", tags=["ab"]) for k in range(6)]
        s.add(Segment(name="AB", definition={"tags": ["ab"]}, created_by="t", created_at=now, updated_at=now))
        s.flush()
        return [(m.id, m.line_user_id) for m in people], s.scalar(select(Segment.id))


def ab_form(segment_id, **extra):
    return {"name": "AB 測試", "segment_id": str(segment_id), "message_type": "button", "text_zh": "A 版 {name}",
            "text_en": "Version A", "button_label_zh": "看看", "button_label_en": "See", "button_url": "https://shop.example/a",
            "holdout_pct": "50", "variant_A_share": "50", "variant_B_share": "50", "variant_B_text_zh": "B 版 {name}",
            "variant_B_text_en": "Version B", "variant_B_button_url": "https://shop.example/b"} | extra


def test_counts_are_exact_and_rounded_to_whole_members():
    assert ab_split.counts(6, 50, [("", 100)]) == {"holdout": 3, "": 3}
    assert ab_split.counts(6, 50, [("A", 50), ("B", 50)]) == {"holdout": 3, "A": 2, "B": 1}
    assert ab_split.counts(10, 0, [("A", 25), ("B", 25), ("C", 25), ("D", 25)]) == {"holdout": 0, "A": 3, "B": 3,
                                                                                     "C": 2, "D": 2}
    split = ab_split.plan(range(1, 1001), 9, 10, [("A", 70), ("B", 30)])
    sizes = {key: sum(1 for m in range(1, 1001) if low <= ab_split.h_of(m, 9) < high)
             for key, low, high in ab_split.ranges(split)}
    assert sizes == {"holdout": 100, "A": 630, "B": 270}


def test_intervals_and_verdicts():
    assert ab_stats.verdict(2, 4, ab_stats.difference((1620, 1620 ** 2, 2), (0, 0, 4))) == "too_few"
    a = (100 * 300, 100 * 300 ** 2, 100)  # 100 members spending 300 each
    b = (100 * 100, 100 * 100 ** 2 + 50 * 10_000, 100)
    assert ab_stats.verdict(100, 100, ab_stats.difference(a, b)) == "higher"
    w = ab_stats.wilson(5, 10)
    assert w.low < 0.5 < w.high and 0.2 < w.low and w.high < 0.8


def test_an_ab_test_with_a_hold_out_of_six(app, login_as, six, line, clock):
    people, segment_id = six
    marketer = login_as("marketer")
    response = marketer.post("/console/broadcasts", ab_form(segment_id))
    assert response.status_code == 302, response.get_data(as_text=True)[:800]
    bid = int(re.search(r"/broadcasts/(\d+)", response.headers["Location"]).group(1))
    page = marketer.get(f"/console/broadcasts/{bid}").get_data(as_text=True)
    assert "3 held out" in page and "版本 A: 2" in page and "版本 B: 1" in page
    assert "B 版 m" in page.split('id="preview-variant-B"')[1][:2000]  # variant B previewed with a member's name
    assert marketer.post(f"/console/broadcasts/{bid}", {"what": "send_now"}).status_code == 302
    run_due(app, clock.now())
    rt = app.extensions["bot"]
    with rt.db.session() as s:
        rows = s.scalars(select(Outbox).where(Outbox.campaign_id == bid)).all()
        assert sum(r.skip_reason == "holdout" for r in rows) == 3  # exactly half of 6
        variants = sorted(r.params.get("variant") for r in rows if r.status == "sent")
        assert variants == ["A", "A", "B"]
        links = {(link.variant, link.url) for link in s.scalars(select(ShortLink).where(ShortLink.broadcast_id == bid))}
        assert links == {("A", "https://shop.example/a"), ("B", "https://shop.example/b")}
        b_member = next(r.member_id for r in rows if r.params.get("variant") == "B")
        b_user = s.get(Member, b_member).line_user_id
        held = next(r.member_id for r in rows if r.skip_reason == "holdout")
        sent_a = next(r.member_id for r in rows if r.params.get("variant") == "A")
    got = line.delivered(b_user)
    assert "B 版 m" in str(got) and "A 版" not in str(got)
    token = next(t for t in re.findall(r"/l/([\w-]+)", str(got)))
    marketer.client.get("/l/" + token)
    with rt.db.session() as s:
        add_order(s, s.get(Member, sent_a), 810, clock.now() + timedelta(days=1))
        add_order(s, s.get(Member, held), 1, clock.now() + timedelta(days=1))
    clock.advance(timedelta(days=2))
    marketer = login_as("marketer")  # (the console's session ended in two days idle)
    page = marketer.get(f"/console/broadcasts/{bid}").get_data(as_text=True)
    results = page.split('id="ab-results"')[1].split("</table>")[0]
    assert 'id="variant-A-result"' in results and 'id="variant-B-result"' in results
    assert "Too few recipients to tell" in results
    verdict = page.split('id="earned-verdict"')[1].split("</p>")[0]
    assert "Too few recipients to tell" in verdict and "3 recipients against 3 held out" in verdict
    assert "interval" in page.split('id="earned-added"')[1].split("</p>")[0]


def test_shares_must_add_up_and_a_refused_form_keeps_them(app, login_as, six):
    _, segment_id = six
    marketer = login_as("marketer")
    response = marketer.post("/console/broadcasts", ab_form(segment_id, variant_A_share="60", variant_B_share="60"))
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "合計 100%" in page and "add up" not in page.split('id="problems"')[1][:40]
    assert 'name="variant_A_share" min="0" max="99" value="60"' in page
    assert 'name="holdout_pct" min="0" max="90" value="50"' in page and "B 版 {name}" in page


def test_duplicate_any_broadcast(app, login_as, six, clock):
    _, segment_id = six
    marketer = login_as("marketer")
    bid = int(re.search(r"/broadcasts/(\d+)", marketer.post("/console/broadcasts", ab_form(segment_id))
                        .headers["Location"]).group(1))
    marketer.post(f"/console/broadcasts/{bid}", {"what": "send_now"})
    run_due(app, clock.now())
    response = marketer.post(f"/console/broadcasts/{bid}", {"what": "duplicate"})
    copy_id = int(re.search(r"/broadcasts/(\d+)", response.headers["Location"]).group(1))
    with app.extensions["bot"].db.session() as s:
        original, copy = s.get(Broadcast, bid), s.get(Broadcast, copy_id)
        assert original.status == "queued" and copy.status == "draft" and copy.name.startswith("AB 測試 (")
        assert copy.variants == original.variants and copy.holdout_pct == 50 and copy.split is None
        assert copy.segment_id == segment_id and copy.text_zh == original.text_zh
        assert s.scalar(select(func.count()).select_from(Broadcast)) == 2
