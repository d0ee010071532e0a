"""The dashboard's charts in Chromium: every piece of text the SVG draws (the money axis's top tick such as
NT$5,000, the months under the bars, the bar charts' names and values) lies wholly inside the chart's viewBox,
on a wide screen and on a phone. Screenshots go to test-output/ for a person to look at."""
from __future__ import annotations

import re
from datetime import timedelta

import pytest

from ..console.conftest import PASSWORD, create_staff
from ..console.people import add_member, add_order
from .test_chat_page import OUT, running_bot

pytestmark = pytest.mark.browser

# each chart's texts whose box leaves the viewBox (a tolerance of half a pixel for anti-aliasing)
OUTSIDE = """() => [...document.querySelectorAll('.chart svg[viewBox]')].flatMap(svg => {
  const [x0, y0, w, h] = svg.getAttribute('viewBox').split(' ').map(Number);
  return [...svg.querySelectorAll('text')].map(t => [t.textContent, t.getBBox()])
    .filter(([_, b]) => b.x < x0 - 0.5 || b.y < y0 - 0.5 || b.x + b.width > x0 + w + 0.5 || b.y + b.height > y0 + h + 0.5)
    .map(([text, b]) => `${text} [${Math.round(b.x)}, ${Math.round(b.y)}, ${Math.round(b.x + b.width)}, ${Math.round(b.y + b.height)}] of ${w}x${h}`);
})"""
TICKS = "() => [...document.querySelectorAll('.chart svg text[text-anchor=end]')].map(t => t.textContent)"


@pytest.mark.parametrize("width", [1400, 390])
def test_every_chart_label_is_inside_its_chart(database_url, clock, chromium, width):
    OUT.mkdir(exist_ok=True)
    with running_bot(database_url, clock) as (app, _sim):
        rt = app.extensions["bot"]
        now = clock.now()
        with rt.db.session() as s:  # a small shop: its best month sells NT$4,100, so money runs to NT$6,000
            for k, amount in enumerate((1_200, 1_400, 2_000, 900, 2_700, 1_900)):
                m = add_member(s, now - timedelta(days=40 * k + 5), name=f"顧客{k}")
                add_order(s, m, amount, now - timedelta(days=35 * (k % 3) + 1))
            add_member(s, now - timedelta(days=400), name="很久以前加入的會員（名字很長的那一位）")
        create_staff(app, "charts@shop.example", "marketer")
        base = rt.config.BOT_PUBLIC_URL
        page = chromium.new_page(viewport={"width": width, "height": 900}, locale="zh-TW")
        page.goto(base + "/console/login")
        page.fill("input[name=email]", "charts@shop.example")
        page.fill("input[name=password]", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_url(base + "/console/")
        page.wait_for_selector(".chart svg text")
        ticks = page.evaluate(TICKS)
        money = [t for t in ticks if t.startswith("NT$")]
        assert re.fullmatch(r"NT\$\d,000", money[-1]), money  # the case that was clipped: a top tick like NT$5,000
        assert page.evaluate("document.querySelectorAll('.chart svg[viewBox]').length") >= 6
        page.screenshot(path=str(OUT / f"dashboard-charts-{width}.png"), full_page=True)
        outside = page.evaluate(OUTSIDE)
        assert outside == [], outside
