"""The console's own words that several pages share (staff read both languages side by side).

Everything else the console says is in its templates and beside the page that says it; what a
member reads is bot/texts.py's, shown here through bot/preview.py.
"""
from __future__ import annotations

RFM_LABELS = {"champions": "冠軍 Champions", "loyal": "忠誠 Loyal", "potential": "潛力 Potential",
              "new": "新客 New", "at_risk": "流失風險 At risk", "cant_lose": "不能失去 Can't lose",
              "hibernating": "沉睡 Hibernating", "lost": "流失 Lost"}

# what each member intent answers, for labelling unanswered messages (bot/understanding's intents)
INTENT_NAMES = {
    "points": "點數餘額 Points balance", "history": "點數紀錄 Points history", "member_card": "會員卡 Member card",
    "tier": "我的等級 My tier", "tier_rules": "等級制度 How tiers work", "coupons": "優惠券 Coupons",
    "rewards": "兌換商品 Rewards", "birthday": "設定生日 Set birthday", "birthday_gift": "生日禮 Birthday gift",
    "news": "最新消息 News", "help": "功能說明 Help", "join": "加入會員 Join", "unsubscribe": "取消訂閱 Unsubscribe",
    "subscribe": "訂閱 Subscribe", "referral": "推薦碼 Referral", "delete_data": "刪除資料 Delete my data",
    "leave": "退出會員 Leave", "english": "英文 English", "chinese": "中文 Chinese", "handoff": "真人客服 A person",
    "stores": "門市 Stores",
}

# stickers staff can send from the chat (LINE's free stickers for bots: package 446 and 11537)
STICKERS = [
    ("446/1988", "👍 好的 OK"),
    ("446/1989", "🙏 謝謝 Thank you"),
    ("446/1990", "😊 開心 Happy"),
    ("446/1993", "🙇 抱歉 Sorry"),
    ("11537/52002734", "🎉 太棒了 Great"),
    ("11537/52002739", "😢 難過 Sad"),
]

# CSV downloads: each column's heading and each coded value in the console's words (console/csv_response.py)
CSV_HEADERS = {
    "member_code": "會員編號 Member code", "name": "姓名 Name", "tier": "等級 Tier", "balance": "點數 Points",
    "joined_at": "入會時間 Joined", "subscribed": "訂閱行銷 Subscribed", "blocked": "已封鎖 Blocked",
    "answered_at": "回覆時間 Answered", "store": "門市 Store", "rating": "評分 Rating", "comment": "意見 Comment",
    "follow_up_done_at": "跟進完成 Followed up", "week": "週 Week of", "responses": "回覆數 Responses",
    "satisfied_4_5": "滿意（4–5 分）Satisfied (4–5)", "csat_%": "CSAT %", "at": "時間 When", "actor": "人員 Staff",
    "action": "動作 Action", "target": "對象 Target", "details": "內容 Details", "month": "月份 Month",
    "new_members": "新會員 New members", "members_at_month_end": "月底會員數 Members at month end",
    "acquisition_rate_%": "獲客率 % Acquisition rate %", "retention_rate_%": "留存率 % Retention rate %",
    "member_sales": "會員營收 Member sales", "revenue_per_member_change": "每位會員營收變化 Revenue per member change",
    "satisfaction_avg": "滿意度平均 Satisfaction (average)", "satisfaction_4_5_%": "滿意 4–5 分 % Satisfied 4–5 %",
    "previous_month_sales": "上月會員營收 Previous month sales", "line_friends": "LINE 好友 LINE friends",
    "members": "會員 Members", "first_purchase": "首購 First purchase", "repeat_buyers": "回購 Repeat buyers",
    "segment": "分群 Segment", "broadcast": "推播 Broadcast", "queued_at": "排入時間 Queued",
    "recipients": "收件人 Recipients", "sent": "已送出 Sent", "blocked_within_24h": "24 小時內封鎖 Blocked within 24 h",
    "block_rate_%": "封鎖率 % Block rate %", "kind": "類型 Kind", "points": "點數 Points", "reason": "原因 Reason",
}
CSV_FLAGS = {True: "是 yes", False: "否 no"}
CSV_VALUES = {  # column -> its codes in words
    "segment": RFM_LABELS,
    "kind": {"earn": "消費累積 Earned", "redeem": "兌換 Redeemed", "expire": "到期 Expired", "refund": "退款 Refunded",
             "adjust": "人工調整 Adjusted", "bonus": "獎勵 Bonus"},
}
