"""Friendly error pages inside the console."""
from __future__ import annotations

from flask import render_template

from ..blueprint import bp

TITLES = {400: ("要求無效", "Bad request"), 401: ("請先登入", "Log in first"),
          403: ("沒有權限", "Your role cannot do this"), 404: ("找不到", "Not found"),
          413: ("內容太大", "Too much data sent"), 429: ("嘗試次數過多，請稍後再試", "Too many attempts: try again later")}


def _page(error):
    zh, en = TITLES.get(error.code, ("錯誤", "Error"))
    return render_template("console/error.html", code=error.code, title=f"{zh} {en}",
                           message=error.description if error.code == 400 else ""), error.code


for _code in TITLES:
    bp.register_error_handler(_code, _page)
