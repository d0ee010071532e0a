"""Opens from LINE: every broadcast send carries its aggregation unit (one per A/B variant), the
line-statistics sweep reads LINE's unit statistics from the simulator, and the results show LINE's
opens and link taps beside our own counts, saying so where LINE gives no figure (under 20)."""
from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from insights.models import Segment
from messaging.models import Broadcast
from simulator import insight
from worker.runner import run_due

from .people import add_member

AGGREGATION = "/v2/bot/insight/message/event/aggregation"


@pytest.fixture
def crowd(app, clock):
    rt = app.extensions["bot"]
    now = clock.now()
    with rt.db.session() as s:
        people = [add_member(s, now - timedelta(days=30), name=f"m{k}", tags=["crowd"]) for k in range(40)]
        s.add(Segment(name="Crowd", definition={"tags": ["crowd"]}, created_by="t", created_at=now, updated_at=now))
        s.flush()
        return [m.line_user_id for m in people], s.scalar(select(Segment.id))


def send(marketer, app, clock, segment_id, **fields):
    form = {"name": "開啟測試", "segment_id": str(segment_id), "message_type": "button", "text_zh": "週末特賣",
            "text_en": "Weekend sale", "button_label_zh": "看看", "button_label_en": "See",
            "button_url": "https://shop.example/sale"} | fields
    response = marketer.post("/console/broadcasts", form)
    bid = int(re.search(r"/broadcasts/(\d+)", response.headers["Location"]).group(1))
    marketer.post(f"/console/broadcasts/{bid}", {"what": "send_now"})
    run_due(app, clock.now())
    return bid


def test_opens_and_taps_from_lines_unit_statistics(app, login_as, crowd, line, clock):
    users, segment_id = crowd
    marketer = login_as("marketer")
    bid = send(marketer, app, clock, segment_id)
    sends = line.calls_to("/v2/bot/message/multicast") + line.calls_to("/v2/bot/message/push")
    assert sends and all(c.body["customAggregationUnits"] == [f"bc{bid}"] for c in sends)
    page = marketer.get(f"/console/broadcasts/{bid}").get_data(as_text=True)
    # read at once (nobody has opened it yet): under 20, so LINE gives no figure
    assert "fewer than 20" in page.split('id="line-opens"')[1][:300]

    for user in users[:25]:
        line.units.open_chat(user)
    for user in users[:7]:
        line.units.click(user, f"bc{bid}")
    clock.advance(timedelta(minutes=31))
    run_due(app, clock.now())
    asked = line.calls_to(AGGREGATION, "GET")
    assert asked and asked[-1].query["customAggregationUnit"] == f"bc{bid}"
    assert re.fullmatch(r"\d{8}", asked[-1].query["from"]) and asked[-1].query["to"] >= asked[-1].query["from"]
    with app.extensions["bot"].db.session() as s:
        stats = s.get(Broadcast, bid).line_stats[f"bc{bid}"]
        assert (stats["opens"], stats["clicks"]) == (25, None)  # 7 taps: under 20, LINE gives no figure
    marketer = login_as("marketer")
    page = marketer.get(f"/console/broadcasts/{bid}").get_data(as_text=True)
    assert ">25<" in page.split('id="line-opens"')[1][:80]
    assert "fewer than 20" in page.split('id="line-clicks"')[1][:300]
    assert "gives no figure under 20" in page


def test_each_variant_is_its_own_unit(app, login_as, crowd, line, clock):
    users, segment_id = crowd
    marketer = login_as("marketer")
    bid = send(marketer, app, clock, segment_id, variant_A_share="50", variant_B_share="50",
               variant_B_text_zh="週末 B 版", variant_B_text_en="Weekend B")
    units = {c.body["customAggregationUnits"][0] for c in line.calls_to("/v2/bot/message/multicast")}
    assert units == {f"bc{bid}_A", f"bc{bid}_B"}
    for user in users:
        line.units.open_chat(user)
    clock.advance(timedelta(minutes=31))
    run_due(app, clock.now())
    marketer = login_as("marketer")
    page = marketer.get(f"/console/broadcasts/{bid}").get_data(as_text=True)
    a_row = page.split('id="variant-A-result"')[1].split("</tr>")[0]
    assert '<td class="num">20<br>' in a_row  # all 20 members of A opened it: LINE gives the figure


def test_the_simulator_checks_the_statistics_call():
    assert insight.problems({"authorization": "Bearer x"}, {"customAggregationUnit": "bad-name!", "from": "20261301",
                                                             "to": "20261207"})
    assert insight.problems({"authorization": "Bearer x"}, {"customAggregationUnit": "bc1", "from": "20261101",
                                                             "to": "20261207"})  # more than 30 days
    assert not insight.problems({"authorization": "Bearer x"}, {"customAggregationUnit": "bc1", "from": "20261201",
                                                                 "to": "20261207"})


def test_units_can_be_turned_off(database_url, simulator_server, clock):
    from tests.conftest import make_app
    from bot.outbox.sender import OutboxSender
    app = make_app(database_url, simulator_server.url, clock, LINE_AGGREGATION_UNITS="no")
    try:
        rt = app.extensions["bot"]
        assert OutboxSender.from_runtime(rt).aggregation_units is False
        from worker.sweeps import line_statistics as sweep
        assert sweep.run(rt, clock.now()).startswith("off")
    finally:
        app.extensions["inbox_worker"].shutdown()
        app.extensions["bot"].db.dispose()
