"""What the console's browser tests share: a page that says yes to "are you sure?" and a folder for
their screenshots."""
from __future__ import annotations

import pytest

from .test_chat_page import OUT


@pytest.fixture
def console_page(browser_page):
    """The browser page, confirming dialogs as staff would ("Send it?"), with test-output/ made."""
    browser_page.on("dialog", lambda dialog: dialog.accept())
    OUT.mkdir(exist_ok=True)
    return browser_page
