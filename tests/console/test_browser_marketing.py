"""The marketer's week in Debian's Chromium: legible charts readable without colour, relative segments
with the preview in step with the count, the members list, a broadcast previewed as a real member, the
LINE link code, the welcome journey; and a viewer who sees all of it and can change none of it.
Screenshots (console pages with the browser in zh-TW and in en) go to test-output/."""
from __future__ import annotations

import pytest

from messaging import journey

from .test_browser import OUTPUT, browser, live_app, log_in, shop  # noqa: F401 - the same fixtures

pytestmark = pytest.mark.browser


def page_in(browser, language, errors):  # noqa: F811
    page = browser.new_page(viewport={"width": 1400, "height": 1000}, locale=language)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("dialog", lambda dialog: dialog.accept())
    return page


def until(page, check, seconds=10):
    """Poll `check()` (the console's CSP forbids wait_for_function's eval)."""
    for _ in range(seconds * 10):
        if check():
            return
        page.wait_for_timeout(100)
    raise AssertionError("the page did not get there")


def shot(page, name, language):
    OUTPUT.mkdir(exist_ok=True)
    page.screenshot(path=str(OUTPUT / f"{name}-{language}.png"), full_page=True)


CHART_TEXT = """() => {
  const body = parseFloat(getComputedStyle(document.body).fontSize);
  const texts = [...document.querySelectorAll('.chart svg text')];
  const sizes = texts.map(t => t.getBoundingClientRect().height);
  const fills = [...document.querySelectorAll('.chart svg rect')].map(r => r.getAttribute('fill'));
  const dashes = [...document.querySelectorAll('.chart svg path[fill=none]')].map(p => p.getAttribute('stroke-dasharray'));
  return {body, count: texts.length, smallest: Math.min(...texts.map(t => parseFloat(getComputedStyle(t).fontSize))),
          smallestBox: Math.min(...sizes), fills: [...new Set(fills)], dashes: [...new Set(dashes)]};
}"""


@pytest.mark.parametrize("language", ["zh-TW", "en"])
def test_marketers_week_in_the_browser(live_app, browser, shop, clock, language):  # noqa: F811
    base = live_app.config["LIVE_URL"]
    from sqlalchemy import update

    from rewards.models import Member
    with live_app.extensions["bot"].db.session() as s:
        s.execute(update(Member).where(Member.display_name == "Amy Chen").values(language="en"))
    errors: list[str] = []
    page = page_in(browser, language, errors)
    log_in(page, base, "marketer@shop.example")

    # dashboard: chart text at least the body size, series told apart by more than colour; "so far"
    page.wait_for_selector(".chart svg")
    charts = page.evaluate(CHART_TEXT)
    assert charts["count"] > 20 and charts["smallest"] >= charts["body"] and charts["smallestBox"] >= 12
    assert any(f.startswith("url(#") for f in charts["fills"])  # bar series with patterns
    assert len(charts["dashes"]) >= 2  # line series with different dashes
    assert "本月至今 so far" in page.inner_text("h1") and "as of" in page.content()
    shot(page, "dashboard", language)

    # relative segment: the preview rows follow the live count, with tier names
    page.goto(base + "/console/segments/new")
    page.fill("input[name=last_purchase_over_days]", "30")
    until(page, lambda: page.locator("#segment-preview tr").count() < 15)
    count = int(page.inner_text("#audience-count"))
    assert page.locator("#segment-preview tr").count() == count and 0 < count < 15
    page.select_option("select[name=never_bought]", "only")
    until(page, lambda: page.inner_text("#audience-count").strip() == "0")
    assert page.locator("#segment-preview td.empty").count() == 1
    page.select_option("select[name=never_bought]", "")
    page.fill("input[name=last_purchase_over_days]", "")
    page.fill("input[name=tags]", "vip")
    until(page, lambda: page.inner_text("#audience-count").strip() == "3")
    preview = page.inner_text("#segment-preview")
    assert "金卡" in preview and "銀卡" in preview and "gold" not in preview
    shot(page, "segment-builder", language)

    # members: everyone listed, sorted by spend, filtered like a segment
    page.goto(base + "/console/members?sort=spend")
    assert page.locator("#member-list tbody tr").count() == 15
    shot(page, "members", language)
    page.goto(base + "/console/members?tiers=gold&tiers=silver")
    assert page.locator("#member-list tbody tr").count() == 2

    # a broadcast previewed as a real member of the audience, in their language
    page.goto(base + "/console/broadcasts/new")
    page.fill("input[name=name]", "週末")
    page.fill("textarea[name=text_zh]", "{name}，週末見！https://shop.example/w")
    page.fill("textarea[name=text_en]", "See you this weekend, {name}!")
    page.fill("input[name=holdout_pct]", "10")
    page.click("text=儲存並預覽")
    page.wait_for_selector("#preview .phone")
    page.select_option("select[name=member]", label=page.locator("select[name=member] option", has_text="Amy Chen")
                       .inner_text())
    page.click("button:has-text('預覽 Preview')")
    page.wait_for_url("**member=*")
    page.wait_for_selector("#preview .phone")
    assert "See you this weekend, Amy Chen!" in page.inner_text("#preview")
    # the chosen member comes first, and the test send is theirs
    assert "Amy Chen" in page.locator("#preview > div").first.inner_text()
    assert "as T" in page.inner_text("form:has(button[value=test])") and "(en)" in page.inner_text(
        "form:has(button[value=test])").replace("（", "(").replace("）", ")")
    shot(page, "broadcast-preview", language)

    # my account: the one-time code to link LINE
    page.goto(base + "/console/me")
    page.click("text=取得連結碼")
    page.wait_for_selector("#line-link-code")
    assert page.inner_text("#line-link-code").startswith("LINK ")
    shot(page, "line-link", language)

    # the welcome journey: add a step
    page.goto(base + "/console/journey")
    page.fill("#new-step input[name=delay_days]", "0")
    page.fill("#new-step textarea[name=text_zh]", "{name}，歡迎加入！")
    page.fill("#new-step textarea[name=text_en]", "Welcome, {name}!")
    page.click("#new-step button[type=submit]")
    page.wait_for_selector("text=步驟已儲存")
    assert page.locator("#journey-steps tbody tr").count() == 1
    shot(page, "journey", language)
    assert errors == []


def test_a_viewer_sees_the_marketing_pages_and_changes_nothing(live_app, browser, shop, clock):  # noqa: F811
    base = live_app.config["LIVE_URL"]
    rt = live_app.extensions["bot"]
    with rt.db.session() as s:
        journey.save_step(s, journey.StepInput(delay_days=3, text_zh="第三天"), "m", clock.now(), ("member",))
    errors: list[str] = []
    page = page_in(browser, "zh-TW", errors)
    log_in(page, base, "viewer@shop.example")
    for path in ("/console/journey", "/console/members", "/console/segments/new", "/console/"):
        response = page.goto(base + path)
        assert response.status == 200, path
    page.goto(base + "/console/journey")
    assert page.locator("#journey-steps tbody tr").count() == 1
    assert page.locator("#new-step").count() == 0 and page.locator("form[action*='/journey/steps']").count() == 0
    token = page.locator("input[name=csrf_token]").first.get_attribute("value")
    refused = page.request.post(base + "/console/journey/steps", form={"delay_days": "0", "text_zh": "x",
                                                                       "csrf_token": token})
    assert refused.status == 403
    shot(page, "journey-viewer", "zh-TW")
    with rt.db.session() as s:
        assert len(journey.steps(s)) == 1
    assert errors == []


@pytest.mark.parametrize("language", ["zh-TW", "en"])
def test_broadcast_results_page(live_app, browser, shop, clock, language):  # noqa: F811
    """A sent broadcast with a hold-out, a click and an order: what the results card shows."""
    from datetime import timedelta

    from messaging import broadcasts as bc
    from worker.runner import run_due

    from .people import add_order
    rt = live_app.extensions["bot"]
    now = clock.now()
    with rt.db.session() as s:
        b = bc.save_draft(s, "週末特賣", None, bc.Message(message_type="button", text_zh="{name}，特賣開始",
                                                      text_en="Sale on, {name}", button_label_zh="選購",
                                                      button_label_en="Shop", button_url="https://shop.example/s"),
                          "marketer@shop.example", now)
        b.holdout_pct = 30
        bc.schedule(s, b, now, now)
        bid = b.id
    run_due(live_app, now)
    base = live_app.config["LIVE_URL"]
    errors: list[str] = []
    page = page_in(browser, language, errors)
    with rt.db.session() as s:
        from messaging.models import ShortLink
        from rewards.models import Member, Outbox
        from sqlalchemy import select
        token = s.scalar(select(ShortLink.token).where(ShortLink.broadcast_id == bid))
        sent = list(s.scalars(select(Outbox.member_id).where(Outbox.campaign_id == bid, Outbox.status == "sent")))
        add_order(s, s.get(Member, sent[0]), 2_400, now + timedelta(days=1))
    click = page.request.get(f"{base}/l/{token}", max_redirects=0)  # a click (the shop itself is offline here)
    assert click.status == 302 and click.headers["location"] == "https://shop.example/s"
    clock.set(now + timedelta(days=8))
    log_in(page, base, "viewer@shop.example")
    page.goto(f"{base}/console/broadcasts/{bid}")
    assert page.inner_text("#earned-clicks").strip() == "1"
    assert page.inner_text("#earned-delivered").strip() == str(len(sent))
    assert "NT$2,400" in page.inner_text("#earned-recipients")
    page.locator("#earned").screenshot(path=str(OUTPUT / f"broadcast-results-{language}.png"))
    shot(page, "broadcast-results-page", language)
