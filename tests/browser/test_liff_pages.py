"""The member pages inside LINE (LIFF) at 390 px, in both languages, opened the way LINE opens them:
the simulator's liff.line.me stand-in issues the ID token and hands the page its LIFF context; the page
loads the simulator's stand-in SDK. Screenshots go to test-output/ for a person to look at."""
from __future__ import annotations

from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path

import pytest

from rewards import coupons, orders
from rewards.models import Member

from ..outbox.helpers import add_members
from .test_chat_page import running_bot

pytestmark = pytest.mark.browser
OUT = Path(__file__).resolve().parents[2] / "test-output"
LIFF_ID = "1000000000-simcard"
CHANNEL = "1000000000"
SDK = "/__sim/liff/sdk.js"


@contextmanager
def running_liff(database_url, clock):
    """The bot and the simulator, our LIFF app registered on the simulator's LINE Login channel."""
    def configure(sim_url, bot_url):
        return {"LIFF_ID": LIFF_ID, "LIFF_CHANNEL_ID": CHANNEL, "LIFF_SDK_URL": sim_url + SDK}

    with running_bot(database_url, clock, configure) as (app, sim):
        bot_url = app.extensions["bot"].config.BOT_PUBLIC_URL
        sim.platform.liff.register(LIFF_ID, bot_url + "/liff", CHANNEL)
        yield app, sim, bot_url


@pytest.fixture
def liff_world(database_url, clock):
    with running_liff(database_url, clock) as world:
        yield world


@pytest.fixture
def phone(chromium):
    """A 390 px phone screen; a script error on the page fails the test."""
    page = chromium.new_page(viewport={"width": 390, "height": 844}, device_scale_factor=2)
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    yield page
    assert errors == []


def _member(app, sim, clock, n: int, language: str, name: str, **fields) -> str:
    rt = app.extensions["bot"]
    now = clock.now()
    (member_id,) = add_members(rt.db, 1, now, start=n, language=language, display_name=name, **fields)
    with rt.db.session() as s:
        member = s.get(Member, member_id)
        member.balance = 0
        orders.record_fields(s, member, "store", f"o-{n}", 12_800, now - timedelta(days=3), None, None, now, rt.settings)
        coupons.issue(s, member, "welcome", 100, now + timedelta(days=20), now - timedelta(days=40),
                      ("新會員禮 NT$100 折價券", "Welcome gift: NT$100 off"), uniqueness_key=f"w-{n}")
        used = coupons.issue(s, member, "birthday", 200, now + timedelta(days=5), now - timedelta(days=40),
                             ("生日禮 NT$200 折價券", "Birthday gift: NT$200 off"), uniqueness_key=f"b-{n}")
        used.redeemed_at = now - timedelta(days=1)
        coupons.issue(s, member, "campaign", 50, now - timedelta(days=2), now - timedelta(days=40),
                      ("週年慶 NT$50", "Anniversary NT$50"), uniqueness_key=f"c-{n}")
        uid = member.line_user_id
    sim.platform.add_user(uid, name, language)
    sim.platform.set_friendship(uid, "friend")
    return uid


def _sizes(page):
    """Bytes of every response the page loads, the SDK aside."""
    sizes = {}

    def seen(response):
        if SDK not in response.url and "/__sim/liff/open" not in response.url:
            try:
                sizes[response.url] = len(response.body())
            except Exception:  # noqa: BLE001 - a redirect has no body
                pass
    page.on("response", seen)
    return sizes


@pytest.mark.parametrize("language, name, words", [
    ("zh-TW", "林美華", {"card": "會員卡", "points": "點數", "active": "可使用", "saved": "已儲存", "bad": "格式為"}),
    ("en", "Alice Chen", {"card": "Card", "points": "Points", "active": "Active", "saved": "Saved", "bad": "Use / and 7"}),
])
def test_card_wallet_history_and_form_at_390px(liff_world, phone, clock, language, name, words):
    app, sim, bot_url = liff_world
    OUT.mkdir(exist_ok=True)
    uid = _member(app, sim, clock, 1 if language == "zh-TW" else 2, language, name, einvoice_carrier="/ABC+123")
    sizes = _sizes(phone)
    phone.goto(f"{sim.url}/__sim/liff/open/{LIFF_ID}?user={uid}")
    phone.wait_for_selector("#card .qr svg")
    fcp = phone.evaluate("performance.getEntriesByName('first-contentful-paint')[0].startTime")
    assert fcp < 1000, f"first paint after {fcp:.0f} ms"
    assert phone.inner_text("nav a[aria-current]") == words["card"]
    assert phone.inner_text("#points") == "128"
    code = phone.inner_text("#code")
    assert code.startswith("T0000000") and phone.locator("#carrier svg").count() == 1
    assert phone.evaluate("document.querySelector('.qr svg').getBoundingClientRect().width") >= 200
    phone.screenshot(path=str(OUT / f"liff-card-{language}.png"), full_page=True)
    assert sum(sizes.values()) < 100_000, sizes

    phone.click("nav a[href='/liff/wallet']")
    phone.wait_for_selector("#wallet-active .bars svg")
    assert phone.inner_text("#wallet-active h2").startswith(words["active"])
    assert phone.locator("#wallet-used li.coupon").count() == 1 and phone.locator("#wallet-expired li.coupon").count() == 1
    phone.screenshot(path=str(OUT / f"liff-wallet-{language}.png"), full_page=True)

    phone.click("nav a[href='/liff/history']")
    phone.wait_for_selector("#history li")
    assert "+128" in phone.inner_text("#history")
    phone.screenshot(path=str(OUT / f"liff-history-{language}.png"), full_page=True)

    phone.click("nav a[href='/liff/profile']")
    phone.wait_for_selector("#profile")
    phone.fill("#f-carrier", "ABC1234")
    phone.click("#save")
    phone.wait_for_selector("#e-carrier:not(:empty)")
    assert phone.inner_text("#e-carrier").startswith(words["bad"])
    phone.screenshot(path=str(OUT / f"liff-form-error-{language}.png"), full_page=True)
    phone.fill("#f-carrier", "/abc1234")
    phone.fill("#f-birthday", "1990-05-04")
    phone.check("input[value=coffee]")
    phone.click("#save")
    phone.wait_for_selector(f"#status.ok >> text={words['saved']}")
    assert phone.input_value("#f-carrier") == "/ABC1234" and phone.is_disabled("#f-birthday")
    phone.screenshot(path=str(OUT / f"liff-form-{language}.png"), full_page=True)

    _store(app, clock)
    phone.click("nav a[href='/liff/stores']")
    phone.wait_for_selector("#stores li")
    assert phone.get_attribute("#stores a[target=_blank]", "href").startswith("https://www.google.com/maps/search/")
    assert phone.locator("#stores a[href^='tel:']").count() == 1
    phone.screenshot(path=str(OUT / f"liff-stores-{language}.png"), full_page=True)


def _store(app, clock):
    from content.models import ContentItem

    now = clock.now()
    with app.extensions["bot"].db.session() as s:
        if s.query(ContentItem).filter_by(kind="store").count():
            return
        s.add(ContentItem(title_zh="信義店", title_en="Xinyi Store", kind="store", status="active", source="console",
                          created_by="test", created_at=now, updated_at=now, topics=[],
                          details={"address_zh": "台北市信義區松高路 11 號", "address_en": "11 Songgao Rd, Xinyi, Taipei",
                                   "hours": "11:00-21:30", "phone": "02-2722-0000", "lat": 25.0396, "lng": 121.5671}))


def test_a_forged_token_gets_the_401_page_with_a_retry(liff_world, phone, clock):
    app, sim, bot_url = liff_world
    uid = _member(app, sim, clock, 3, "zh-TW", "王小明")
    phone.goto(f"{sim.url}/__sim/liff/open/{LIFF_ID}?user={uid}")
    phone.wait_for_selector("#card")
    phone.evaluate("""() => { sessionStorage.removeItem('liff.session');
        const k = 'liff.sim:' + liff.id; const c = JSON.parse(sessionStorage.getItem(k));
        c.idToken = c.idToken.slice(0, -4) + 'AAAA'; sessionStorage.setItem(k, JSON.stringify(c)); }""")
    phone.reload()
    phone.wait_for_selector("#denied #retry")
    assert "無法確認您的身分" in phone.inner_text("#denied")
    phone.screenshot(path=str(OUT / "liff-401-zh-TW.png"), full_page=True)


@pytest.mark.parametrize("language", ["zh-TW", "en"])
def test_a_changed_tier_switches_the_menu_and_its_card_button_opens_the_card_inside_the_chat(
        liff_world, phone, clock, language):
    from sqlalchemy import update

    from worker.sweeps import rich_menus as sweep

    app, sim, bot_url = liff_world
    OUT.mkdir(exist_ok=True)
    rt = app.extensions["bot"]
    uid = _member(app, sim, clock, 4 if language == "zh-TW" else 5, language, "陳大文" if language == "zh-TW" else "David")
    with rt.db.session() as s:
        s.execute(update(Member).where(Member.line_user_id == uid).values(tier="member"))
    assert app.test_cli_runner().invoke(args=["richmenu", "deploy"]).exit_code == 0
    phone.add_init_script(f"localStorage.setItem('simulator.user', '{uid}')")
    phone.goto(sim.url + "/")
    phone.wait_for_selector("#rich-menu-bar >> text=選單 Menu")
    phone.screenshot(path=str(OUT / f"liff-menu-member-{language}.png"))

    with rt.db.session() as s:  # an order through the API, or the yearly review, made them gold
        s.execute(update(Member).where(Member.line_user_id == uid).values(tier="gold"))
    assert sweep.run(rt, clock.now()) == "moved 1 members to the menu that fits them"
    phone.wait_for_selector("#rich-menu-bar >> text=金卡選單 Gold")
    phone.screenshot(path=str(OUT / f"liff-menu-gold-{language}.png"))

    phone.click(".rich-menu-area[title='會員卡 Member card']")
    card = phone.frame_locator("#liff-frame")
    card.locator("#card .qr svg").wait_for()
    assert card.locator("nav a[aria-current]").inner_text() == ("會員卡" if language == "zh-TW" else "Card")
    assert card.locator("#card .tier").inner_text() == ("金卡" if language == "zh-TW" else "Gold")
    phone.screenshot(path=str(OUT / f"liff-card-in-chat-{language}.png"))
    phone.click("#liff-close")
    assert phone.is_hidden("#liff-view")


@pytest.mark.parametrize("width", [360, 414])
def test_nothing_runs_off_the_screen_from_360_to_414px(liff_world, chromium, clock, width):
    app, sim, bot_url = liff_world
    uid = _member(app, sim, clock, 6, "en", "Alexandra Montgomery-Lin", einvoice_carrier="/ABC+123")
    page = chromium.new_page(viewport={"width": width, "height": 800})
    page.goto(f"{sim.url}/__sim/liff/open/{LIFF_ID}?user={uid}")
    page.wait_for_selector("#card .qr svg")
    for path, ready in (("/liff/", "#carrier svg"), ("/liff/profile", "#profile"), ("/liff/wallet", "#wallet-active")):
        page.goto(bot_url + path)
        page.wait_for_selector(ready)
        assert page.evaluate("document.documentElement.scrollWidth") <= width, path
        smallest = page.evaluate("Math.min(...[...document.querySelectorAll('main *')].filter(e => e.childNodes.length"
                                 " && [...e.childNodes].some(n => n.nodeType === 3 && n.textContent.trim()))"
                                 ".map(e => parseFloat(getComputedStyle(e).fontSize)))")
        assert smallest >= 14, (path, smallest)  # legible at arm's length
    page.close()


@pytest.mark.parametrize("language, words", [("zh-TW", {"sent": "驗證碼已寄到", "wrong": "驗證碼不正確", "done": "驗證完成"}),
                                             ("en", {"sent": "We emailed a code", "wrong": "not right", "done": "is verified"})])
def test_the_profile_page_verifies_an_email_with_the_mailed_code(database_url, clock, phone, tmp_path, language, words):
    from ..mail_server import mail_server

    with mail_server(tmp_path / "mail") as mail:
        def configure(sim_url, bot_url):
            return {"LIFF_ID": LIFF_ID, "LIFF_CHANNEL_ID": CHANNEL, "LIFF_SDK_URL": sim_url + SDK, **mail.settings()}

        with running_bot(database_url, clock, configure) as (app, sim):
            sim.platform.liff.register(LIFF_ID, app.extensions["bot"].config.BOT_PUBLIC_URL + "/liff", CHANNEL)
            uid = _member(app, sim, clock, 3, language, "王小明")
            phone.goto(f"{sim.url}/__sim/liff/open/{LIFF_ID}?user={uid}")
            phone.wait_for_selector("#card .qr svg")
            phone.click("nav a[href='/liff/profile']")
            phone.wait_for_selector("#email #f-email")
            phone.fill("#f-email", " Jon@Example.com ")
            phone.click("#email-send")
            phone.wait_for_selector(f"#email-status.ok >> text={words['sent']}")
            got = mail.last()
            assert got.to == ["jon@example.com"]
            phone.fill("#f-email-code", "000000" if got.code != "000000" else "111111")
            phone.click("#email-verify")
            phone.wait_for_selector(f"#email-status.bad >> text={words['wrong']}")
            phone.fill("#f-email-code", got.code)
            phone.click("#email-verify")
            phone.wait_for_selector(f"#status.ok >> text={words['done']}")
            assert phone.input_value("#f-email") == "j***@example.com" and phone.is_disabled("#f-email")
            OUT.mkdir(exist_ok=True)
            phone.screenshot(path=str(OUT / f"liff-email-{language}.png"), full_page=True)
