"""The console in Debian's Chromium (Playwright): a marketer logs in, builds a segment with a live
count, composes and schedules a broadcast, the due jobs run, and the message is in the LINE
simulator; a logged-out visitor and a viewer cannot send. Screenshots go to test-output/."""
from __future__ import annotations

import threading
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select
from werkzeug.serving import make_server

from worker.runner import run_due
from messaging.models import Broadcast
from insights.models import Segment
from rewards.models import Outbox
from tests.conftest import make_app

from .conftest import PASSWORD, create_staff
from .people import add_member, add_order

pytestmark = pytest.mark.browser
OUTPUT = Path(__file__).resolve().parents[2] / "test-output"
expect = None  # playwright's, set by the `browser` fixture (the package may be missing)


@pytest.fixture
def live_app(database_url, simulator_server, line, clock):
    """The app on a free port in a thread, with the LINE simulator as LINE."""
    app = make_app(database_url, simulator_server.url, clock)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    app.config["LIVE_URL"] = f"http://127.0.0.1:{server.server_port}"
    yield app
    server.shutdown()
    thread.join(timeout=5)
    app.extensions["inbox_worker"].shutdown()
    app.extensions["bot"].db.dispose()


@pytest.fixture
def browser(chromium):
    global expect
    expect = pytest.importorskip("playwright.sync_api").expect
    return chromium


def new_page(browser, errors):
    page = browser.new_page(viewport={"width": 1400, "height": 1000}, locale="zh-TW")
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("dialog", lambda dialog: dialog.accept())
    return page


def broadcast_texts(line, user_id, marker):
    """Texts the user got that contain `marker` (the shop's other messages, e.g. survey invitations, aside)."""
    return [d["message"].get("text") for d in line.delivered(user_id) if marker in str(d["message"].get("text"))]


def log_in(page, base, email):
    page.goto(base + "/console/login")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(base + "/console/")


def marketer_page(live_app, browser, errors):
    """A new marketer, logged in on a new page: (page, base URL)."""
    create_staff(live_app, "marketer@shop.example", "marketer")
    base = live_app.config["LIVE_URL"]
    OUTPUT.mkdir(exist_ok=True)
    page = new_page(browser, errors)
    log_in(page, base, "marketer@shop.example")
    return page, base


@pytest.fixture
def shop(live_app, clock):
    """Members to talk to, some history for the dashboard, a marketer and a viewer."""
    rt = live_app.extensions["bot"]
    now = clock.now()
    with rt.db.session() as s:
        vip = [add_member(s, now - timedelta(days=20 + 30 * k), name=name, tags=["vip"], tier=tier)
               for k, (name, tier) in enumerate([("王小明", "gold"), ("林美玲", "silver"), ("Amy Chen", "member")])]
        others = [add_member(s, now - timedelta(days=15 * k + 3)) for k in range(12)]
        for k, m in enumerate(vip + others):
            add_order(s, m, 800 + 150 * k, now - timedelta(days=9 * k + 1), store_id=f"S0{k % 3 + 1}")
            if k % 3 == 0:
                add_order(s, m, 1_200, now - timedelta(days=40 + k), channel="online")
        people = {m.display_name: m.line_user_id for m in vip}
    create_staff(live_app, "marketer@shop.example", "marketer")
    create_staff(live_app, "viewer@shop.example", "viewer")
    run_due(live_app, now)  # last night's RFM scores and rollups
    return people


def test_marketer_builds_a_segment_schedules_a_broadcast_and_members_get_it(live_app, browser, shop, line, clock):
    base = live_app.config["LIVE_URL"]
    OUTPUT.mkdir(exist_ok=True)
    errors: list[str] = []
    page = new_page(browser, errors)

    # a stranger is sent to the login page
    page.goto(base + "/console/broadcasts")
    assert "/console/login" in page.url and page.locator("input[type=password]").count() == 1

    log_in(page, base, "marketer@shop.example")
    page.wait_for_selector(".chart svg")
    assert page.locator(".chart svg").count() >= 6
    assert "會員經營儀表板" in page.content()
    page.screenshot(path=str(OUTPUT / "dashboard.png"), full_page=True)

    # the segment builder recounts as filters change
    page.goto(base + "/console/segments/new")
    everyone = page.inner_text("#audience-count")
    page.fill("input[name=tags]", "vip")
    expect(page.locator("#audience-count")).to_have_text("3")
    page.check("input[name=tiers][value=gold]")
    page.check("input[name=tiers][value=silver]")
    expect(page.locator("#audience-count")).to_have_text("2")
    assert everyone != "2"
    page.fill("input[name=name]", "VIP 金銀卡")
    page.click("button[name=what][value=save]")
    page.wait_for_selector("text=分眾已儲存")
    rt = live_app.extensions["bot"]
    with rt.db.session() as s:
        segment = s.scalar(select(Segment).where(Segment.name == "VIP 金銀卡"))
        assert segment.definition == {"tiers": ["silver", "gold"], "tags": ["vip"]} or \
            segment.definition == {"tiers": ["gold", "silver"], "tags": ["vip"]}

    # compose a broadcast to it, with the member's name
    page.click("text=對此分眾推播")
    page.fill("input[name=name]", "金銀卡會員感謝祭")
    page.fill("textarea[name=text_zh]", "")
    page.click("button[data-target=text_zh]")
    page.type("textarea[name=text_zh]", "，感謝您的支持！本週末金銀卡會員全品項 85 折。")
    page.click("button[data-target=text_en]")
    page.type("textarea[name=text_en]", ", thank you! 15% off everything for Gold and Silver members this weekend.")
    page.click("text=儲存並預覽")
    page.wait_for_selector("#preview .phone")
    preview = page.inner_text("#preview")
    assert "王小明，感謝您的支持！" in preview and "Amy, thank you!" in preview
    assert page.inner_text("#will-send").strip() == "2"
    page.locator("#preview").screenshot(path=str(OUTPUT / "broadcast-preview.png"))
    page.screenshot(path=str(OUTPUT / "broadcast-page.png"), full_page=True)

    # schedule it for 16:00 today (store time), then run the due jobs at that time
    at = clock.now().replace(hour=16, minute=0)
    page.fill("input[name=scheduled_at]", at.strftime("%Y-%m-%dT%H:%M"))
    page.click("button[name=what][value=schedule]")
    page.wait_for_selector("text=已排程")
    with rt.db.session() as s:
        b = s.scalar(select(Broadcast))
        assert b.status == "scheduled" and b.scheduled_at == at
    assert broadcast_texts(line, shop["王小明"], "感謝您的支持") == []
    run_due(live_app, at)
    assert broadcast_texts(line, shop["王小明"], "感謝您的支持") == ["王小明，感謝您的支持！本週末金銀卡會員全品項 85 折。"]
    assert broadcast_texts(line, shop["林美玲"], "感謝您的支持") == ["林美玲，感謝您的支持！本週末金銀卡會員全品項 85 折。"]
    assert broadcast_texts(line, shop["Amy Chen"], "thank you") == []  # tier "member": not in the segment

    page.reload()
    assert page.inner_text("#result-sent").strip() == "2"
    assert errors == []


def test_a_logged_out_visitor_and_a_viewer_cannot_send(live_app, browser, shop, line, clock):
    base = live_app.config["LIVE_URL"]
    rt = live_app.extensions["bot"]
    from messaging import broadcasts as bc
    now = clock.now()
    with rt.db.session() as s:
        b = bc.save_draft(s, "不該送出", None, bc.Message(text_zh="測試"), "marketer@shop.example", now)
        bid = b.id
    errors: list[str] = []

    # logged out: the page is the login form, and a forged POST is refused
    visitor = new_page(browser, errors)
    visitor.goto(f"{base}/console/broadcasts/{bid}")
    assert "/console/login" in visitor.url
    forged = visitor.request.post(f"{base}/console/broadcasts/{bid}", form={"what": "send_now"})
    assert forged.status in (400, 401)

    # a viewer sees the broadcast but no way to send it, and the server refuses if they try anyway
    viewer = new_page(browser, errors)
    log_in(viewer, base, "viewer@shop.example")
    viewer.goto(f"{base}/console/broadcasts/{bid}")
    assert viewer.locator("button[value=send_now]").count() == 0
    assert viewer.locator("button[value=schedule]").count() == 0
    token = viewer.locator("input[name=csrf_token]").first.get_attribute("value")
    refused = viewer.request.post(f"{base}/console/broadcasts/{bid}",
                                  form={"what": "send_now", "csrf_token": token})
    assert refused.status == 403
    viewer.goto(base + "/console/broadcasts/new")
    assert "沒有權限" in viewer.content()

    run_due(live_app, now + timedelta(hours=1))
    assert all(broadcast_texts(line, uid, "測試") == [] for uid in shop.values())
    with rt.db.session() as s:
        assert s.get(Broadcast, bid).status == "draft"
        assert s.scalar(select(Outbox.id).where(Outbox.kind == "broadcast")) is None
    assert errors == []
