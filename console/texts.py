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
