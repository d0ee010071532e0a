"""The members page without a search: everyone, paged, sorted and filtered like a segment."""
from __future__ import annotations

import re

from .test_segments import people  # noqa: F401 - the same small membership

ROW = re.compile(r'<tr>\s*<td><a href="/console/members/[^"]+">[^<]+</a></td>\s*<td>([^<]+)</td>')


def listed(page: str) -> list[str]:
    table = page.split('id="member-list"', 1)[1].split("</table>", 1)[0]
    return ROW.findall(table)


def test_every_member_is_listed_without_a_search(login_as, people):  # noqa: F811
    page = login_as("viewer").get("/console/members").get_data(as_text=True)
    assert "7 位會員" in page
    # newest member first by default; friends and erased people are not members
    assert listed(page) == ["newbie", "refund-only", "blocked", "unsubscribed", "silver-online", "gold-vip", "lapsed"]
    assert "金卡 Gold" in page and ">gold<" not in page


def test_sorting_by_each_key(app, login_as, people):  # noqa: F811
    from rewards.models import Member
    with app.extensions["bot"].db.session() as s:
        s.get(Member, people["lapsed"]).balance = 900
        s.get(Member, people["newbie"]).balance = 40
    viewer = login_as("viewer")

    def order(key):
        return listed(viewer.get(f"/console/members?sort={key}").get_data(as_text=True))

    assert order("spend")[:3] == ["gold-vip", "silver-online", "newbie"]
    assert order("last_purchase")[:4] == ["newbie", "gold-vip", "silver-online", "lapsed"]  # never-buyers last
    assert order("points")[:2] == ["lapsed", "newbie"]
    assert order("nonsense") == order("joined")


def test_segment_filters_and_paging(app, login_as, people, monkeypatch):  # noqa: F811
    from console.pages import members as page_module
    viewer = login_as("viewer")
    page = viewer.get("/console/members?tiers=gold&tiers=silver&sort=spend").get_data(as_text=True)
    assert listed(page) == ["gold-vip", "silver-online"] and "2 位會員" in page
    assert listed(viewer.get("/console/members?never_bought=only").get_data(as_text=True)) == [
        "refund-only", "blocked", "unsubscribed"]
    monkeypatch.setattr(page_module, "PER_PAGE", 3)
    first = viewer.get("/console/members?sort=joined").get_data(as_text=True)
    second = viewer.get("/console/members?sort=joined&page=2").get_data(as_text=True)
    third = viewer.get("/console/members?sort=joined&page=3").get_data(as_text=True)
    assert listed(first) + listed(second) + listed(third) == [
        "newbie", "refund-only", "blocked", "unsubscribed", "silver-online", "gold-vip", "lapsed"]
    assert 'rel="next"' in first and 'rel="prev"' in third and 'rel="next"' not in third
    bad = viewer.get("/console/members?birth_months=13")
    assert bad.status_code == 400 and "birth_months" in bad.get_data(as_text=True)
