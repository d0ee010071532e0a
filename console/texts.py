"""The console's own words that several pages share (staff read both languages side by side).

Everything else the console says is in its templates and beside the page that says it; what a
member reads is bot/texts.py's, shown here through bot/preview.py.
"""
from __future__ import annotations

RFM_LABELS = {"champions": "冠軍 Champions", "loyal": "忠誠 Loyal", "potential": "潛力 Potential",
              "new": "新客 New", "at_risk": "流失風險 At risk", "cant_lose": "不能失去 Can't lose",
              "hibernating": "沉睡 Hibernating", "lost": "流失 Lost"}
