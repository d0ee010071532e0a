"""Every console page at 390 px (a phone held upright), in Chromium: the pages are listed from the console
blueprint's GET routes (a new page is visited without anyone adding it here; one whose address needs a value
this test cannot give fails, naming it), each is filled with real rows (members, orders, a sent broadcast, a
segment, content, faqs, stores, a reward, a journey step, an open chat, a survey answer), and none scrolls
sideways: document.documentElement.scrollWidth <= 391, and no visible text box or list is squeezed under 80 px.
Wide tables scroll inside their card. Screenshots go to
test-output/390/ for a person to look at."""
from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from content.models import ContentItem
from insights.models import Segment
from messaging import journey
from messaging.models import Broadcast
from rewards import catalog
from rewards.models import Member
from worker.runner import run_due

from ..console.conftest import PASSWORD, ConsoleClient, create_staff
from ..console.people import add_member, add_order
from .test_chat_page import OUT, running_bot

pytestmark = pytest.mark.browser
WIDTH, HEIGHT = 390, 844
NOT_PAGES = {"console.static"}  # the stylesheet and scripts
NARROW = 80  # a text box or a list narrower than this cannot be read or typed in
SQUEEZED = """[...document.querySelectorAll('input:not([type=hidden]):not([type=checkbox]):not([type=radio]), select, textarea')]
    .filter(e => e.offsetParent !== null && e.getBoundingClientRect().width < %d)
    .map(e => (e.name || e.id) + ' ' + Math.round(e.getBoundingClientRect().width))"""
WIDER = """[...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > %d)
    .slice(0, 6).map(e => e.tagName.toLowerCase() + '.' + e.className + '#' + e.id + ' ' + Math.round(e.getBoundingClientRect().right))"""


def console_pages(app) -> list:
    """The console's GET routes, as the blueprint declares them."""
    return sorted((r for r in app.url_map.iter_rules()
                   if r.endpoint.startswith("console.") and "GET" in r.methods and r.endpoint not in NOT_PAGES),
                  key=lambda r: r.rule)


def seed(app, clock) -> dict[str, object]:
    """Rows for every page to show, and the values their addresses take (by endpoint, then by name)."""
    rt = app.extensions["bot"]
    now = clock.now()
    result = app.test_cli_runner().invoke(args=["content", "sync"])
    assert result.exit_code == 0, result.output
    with rt.db.session() as s:
        people = [add_member(s, now - timedelta(days=3 + 9 * k), name=f"長長的會員名字測試{k} Long Member Name {k}",
                             tags=["coffee", "vip"] if k % 2 else ["tea"], language="en" if k % 3 == 0 else "zh-TW")
                  for k in range(24)]
        for k, m in enumerate(people[:16]):
            add_order(s, m, 480 + 370 * k, now - timedelta(days=2 * k + 1), store_id=f"S0{k % 3 + 1}")
        code = people[1].member_code
        s.add(Segment(name="咖啡與 VIP 會員（長名稱）Coffee and VIP members with a long name", definition={"tags": ["coffee"]},
                      created_by="t", created_at=now, updated_at=now))
        reward = catalog.create_reward(s, "品牌保溫瓶（限量）", "Brand thermos (limited)", 300, 500, now, stock=20)
        journey.save_step(s, journey.StepInput(delay_days=3, text_zh="{name}，加入三天了！", text_en="Three days in!"),
                          "t", now - timedelta(days=30), ("member",))
        s.flush()
        ids = {"segment_id": s.scalar(select(Segment.id)), "reward_id": reward.id, "code": code}
        for kind, endpoint in (("faq", "console.faq_detail"), ("store", "console.store_detail"),
                               ("tip", "console.content_detail")):
            item = s.scalars(select(ContentItem.id).where(ContentItem.kind == kind).order_by(ContentItem.id)).first()
            if item is None and kind == "tip":
                item = s.scalars(select(ContentItem.id).where(ContentItem.kind.in_(("story", "new_product")))).first()
            assert item is not None, kind
            ids[endpoint] = {"item_id": item}
    create_staff(app, "phone@shop.example", "admin")
    staff = ConsoleClient(app.test_client())
    staff.login("phone@shop.example", PASSWORD)
    made = staff.post("/console/broadcasts", {"name": "冬季咖啡 Winter coffee（很長的推播名稱 a long broadcast name）",
                                              "segment_id": str(ids["segment_id"]), "message_type": "text",
                                              "text_zh": "{name}，冬季限定熱拿鐵上市！", "text_en": "{name}, our winter latte!",
                                              "holdout_pct": "20"})
    assert made.status_code == 302, made.get_data(as_text=True)[:500]
    ids["broadcast_id"] = int(re.search(r"/broadcasts/(\d+)", made.headers["Location"]).group(1))
    staff.post(f"/console/broadcasts/{ids['broadcast_id']}", {"what": "send_now"})
    sent = staff.post(f"/console/members/{code}/chat/send", {"kind": "text", "text": "您好，我是門市的小李。"})
    assert sent.status_code == 302
    run_due(app, clock.now())
    with rt.db.session() as s:
        assert s.get(Broadcast, ids["broadcast_id"]).status in ("queued", "sent", "sending")
        assert s.scalar(select(Member.id).where(Member.member_code == code)) is not None
    return ids


def address(rule, ids: dict) -> str:
    own = ids.get(rule.endpoint, {})
    values = {}
    for name in rule.arguments:
        value = own.get(name, ids.get(name))
        assert value is not None, f"{rule.rule}: give this test a sample value of {name!r} for {rule.endpoint}"
        values[name] = value
    path = rule.rule
    for name, value in values.items():
        path = re.sub(r"<(?:[a-z]+:)?%s>" % name, str(value), path)
    return path


def test_every_console_page_fits_390px(database_url, clock, chromium):
    (OUT / "390").mkdir(parents=True, exist_ok=True)
    with running_bot(database_url, clock) as (app, sim):
        base = app.extensions["bot"].config.BOT_PUBLIC_URL
        ids = seed(app, clock)
        page = chromium.new_page(viewport={"width": WIDTH, "height": HEIGHT}, locale="zh-TW")
        errors: list[str] = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto(base + "/console/login")
        page.screenshot(path=str(OUT / "390" / "login-logged-out.png"), full_page=True)
        assert page.evaluate("document.documentElement.scrollWidth") <= WIDTH + 1
        page.fill("input[name=email]", "phone@shop.example")
        page.fill("input[name=password]", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_url(base + "/console/")
        visited, too_wide, squeezed, not_html = [], {}, {}, []
        for rule in console_pages(app):
            url = base + address(rule, ids)
            head = page.request.get(url)
            assert head.status < 400, (rule.rule, head.status)
            if not head.headers.get("content-type", "").startswith("text/html"):
                not_html.append(rule.endpoint)  # a CSV or the live count's JSON
                continue
            page.goto(url)
            page.wait_for_load_state("load")
            width = page.evaluate("document.documentElement.scrollWidth")
            page.screenshot(path=str(OUT / "390" / (rule.endpoint.split(".", 1)[1] + ".png")), full_page=True)
            visited.append(rule.endpoint)
            if width > WIDTH + 1:
                too_wide[rule.rule] = (width, page.evaluate(WIDER % (WIDTH + 1)))
            narrow = page.evaluate(SQUEEZED % NARROW)
            if narrow:
                squeezed[rule.rule] = narrow
        assert too_wide == {}
        assert squeezed == {}
        assert len(visited) >= 30 and {"console.segment_members_csv", "console.segment_count"} <= set(not_html)
        assert errors == []
        assert sim.platform.errors() == []
