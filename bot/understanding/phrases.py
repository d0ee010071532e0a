"""The words each intent is asked with, in both languages, and the words that say nothing.

Phrases are written as people type them; they go through the same normalisation as messages.
Edit here, then run tests/intents (the labelled set) and bench/intent_routing.py.
"""
from __future__ import annotations

# Names of things: matched anywhere in a message, and also with a typo (one or two letters off,
# or one Chinese character off for names of three characters or more).
TERMS: dict[str, tuple[str, ...]] = {
    "member_card": ("會員卡", "出示會員", "電子卡", "會員證", "會員條碼", "會員碼", "會員號碼", "電子會員卡", "會員qr",
                    "member card", "membership card", "member code", "qr code", "qrcode", "barcode"),
    "points": ("點數", "積分", "積點", "紅利", "紅利點數", "點數餘額", "累積點數", "會員點數", "points", "point",
               "point balance", "points balance", "balance", "pts", "reward points", "rewards points", "reward pts",
               "rewards pts", "loyalty points", "member points"),
    "tier_rules": ("等級制度", "升等條件", "升級條件", "會員制度", "會員權益", "會員福利", "tier rules", "tier benefits",
                   "membership benefits", "member benefits"),
    "tier": ("等級", "會員等級", "卡別", "升級", "升等", "級別", "tier", "membership level", "member level",
             "level up", "vip", "金卡", "銀卡", "金卡會員", "銀卡會員", "gold", "silver", "gold tier", "silver tier"),
    "coupons": ("優惠券", "優惠卷", "折價券", "折價卷", "折扣券", "抵用券", "折扣碼", "優惠碼", "票券", "coupon",
                "coupons", "voucher", "vouchers", "discount code", "promo code", "discount"),
    "rewards": ("兌換", "兌換商品", "點數兌換", "兌換點數", "兌換禮品", "換禮物", "贈品", "禮品", "rewards", "reward",
                "redeem", "redeem points", "redemption", "catalog", "reward catalog"),
    "birthday": ("生日", "設定生日", "birthday", "bday", "birth day", "date of birth", "dob"),
    # what the birthday gift is and when it comes (a question about the gift is not giving one's birthday)
    "birthday_gift": ("生日禮", "生日禮物", "生日禮券", "生日券", "生日優惠", "生日折價券", "生日優惠券", "壽星優惠", "壽星禮",
                      "birthday gift", "birthday reward", "birthday coupon", "birthday present", "birthday discount",
                      "birthday perks", "birthday voucher", "bday gift", "bday coupon"),
    "news": ("最新消息", "新消息", "最新活動", "活動", "新品", "最新優惠", "優惠活動", "新聞", "news", "latest news",
             "promotion", "promotions"),
    "help": ("幫助", "說明", "使用說明", "功能", "指令", "客服", "教學", "help", "instructions", "commands",
             "support"),
    "join": ("加入會員", "入會", "註冊", "註冊會員", "成為會員", "申請會員", "join", "join membership", "sign up",
             "signup", "register", "become a member", "membership signup"),
    "unsubscribe": ("取消訂閱", "訂閱取消", "退訂", "停止訂閱", "停止推播", "不要推播", "關閉推播", "關閉通知", "停止訊息",
                    "unsubscribe", "opt out"),
    "subscribe": ("訂閱", "重新訂閱", "恢復訂閱", "再次訂閱", "開啟通知", "開啟推播", "subscribe", "resubscribe",
                  "opt in"),
    "history": ("點數紀錄", "點數記錄", "點數明細", "點數歷史", "點數異動", "點數進出", "集點紀錄", "points statement",
                "points record", "points log", "交易紀錄", "交易記錄", "消費紀錄", "消費記錄", "歷史紀錄", "使用紀錄", "使用記錄", "明細",
                "history", "points history", "point history", "transactions", "transaction history", "ledger"),
    "referral": ("推薦碼", "推薦人", "推薦朋友", "推薦好友", "邀請碼", "邀請朋友", "邀請好友", "referral",
                 "referral code", "refer a friend", "invite friends", "invite code"),
    "delete_data": ("刪除資料", "刪除個人資料", "刪除個資", "個資刪除", "刪除帳號", "刪除會員資料", "delete my data",
                    "delete data", "delete account", "delete my account", "erase my data", "remove my data",
                    "remove my personal data", "delete personal data"),
    # proving a phone number with an SMS code (handlers/phone.py)
    "verify_phone": ("綁定手機", "手機綁定", "驗證手機", "手機驗證", "綁定手機號碼", "驗證手機號碼", "手機號碼驗證",
                     "手機號碼綁定", "認證手機", "手機認證", "登記手機", "登錄手機", "新增手機", "新增手機號碼", "綁手機",
                     "加入手機號碼", "更換手機號碼", "verify phone", "verify phone number", "verify mobile",
                     "phone verification", "add phone number", "add phone", "register phone",
                     "register phone number", "bind phone", "update phone number", "change phone number",
                     "verify number"),
    "account_link": ("連結帳號", "帳號連結", "綁定帳號", "連結會員帳號", "綁定會員帳號", "連結官網帳號", "綁定官網帳號",
                     "link my account", "link account", "account link", "connect my account", "link my shop account"),
    # leaving the programme: the answer explains the choices (stop messages, delete my data)
    "leave": ("退會", "cancel membership", "cancel my membership", "leave membership", "quit membership",
              "end membership", "leave the program"),
}

# Turns of phrase: matched anywhere, but only as written (a typo in them changes their meaning:
# "有幾點" asks for points, "現在幾點" the time).
EXPRESSIONS: dict[str, tuple[str, ...]] = {
    "points": ("剩幾點", "還有幾點", "有幾點", "有多少點", "剩多少點"),
    "rewards": ("換什麼", "點數換", "可以換"),
    "help": ("幫幫我", "怎麼用", "怎麼使用", "如何使用", "能做什麼", "可以做什麼", "會做什麼", "會什麼", "能幫我什麼",
             "可以查什麼"),
    "unsubscribe": ("不要訂閱", "不想訂閱", "不要再訂閱", "不再訂閱", "不要再傳", "別再傳", "不要再傳訊息", "不要再發", "不想收到", "stop sending", "stop messages",
                    "no more messages", "turn off notifications", "notifications off", "取消定閱"),
    "subscribe": ("定閱", "resume messages", "turn on notifications", "notifications on"),
    "tier": ("teir",),
    # as written only: "退訂會員訊息" is one character from "退出會員"
    "leave": ("退出會員", "取消會員", "不想當會員", "不當會員", "不要當會員"),
}

# Words that mean an intent only when nothing but fillers surrounds them ("我要加入" is "join", but
# "加入購物車" is "add to cart"; "card" is the member card, "pay by card" is not).
SOLO: dict[str, tuple[str, ...]] = {
    "member_card": ("card", "卡片"),
    "tier": ("level", "status"),
    "news": ("what's new", "latest", "消息"),
    "help": ("menu", "選單"),
    "join": ("加入",),
    "unsubscribe": ("stop",),
    "history": ("紀錄", "記錄"),
    # a language switch is a command on its own: "英文好難" or "我不會英文" must not switch to English
    "english": ("english", "英文", "英文版", "eng", "en"),
    "chinese": ("中文", "繁體中文", "繁中", "中文版", "繁體", "chinese", "traditional chinese", "華語", "國語", "zh"),
}

# Topics no member intent answers: a message about one of these is chit-chat for us, even when it
# also names a member word ("生日快樂", "can I pay by card", "會員卡可以刷卡嗎").
OFF_TOPIC: tuple[str, ...] = (
    "生日快樂", "happy birthday", "營業", "開門", "關門", "幾點開", "幾點關", "運費", "外送", "宅配", "配送", "寄送",
    "出貨", "換貨", "可以換貨", "能換貨", "購物車", "信用卡", "刷卡", "付款", "退貨", "退款", "訂單", "地址", "電話", "多少錢", "價格", "價錢",
    "推薦什麼", "什麼推薦", "有推薦", "推薦一下", "生日蛋糕", "opening hours", "opening", "hours", "delivery", "deliver",
    "shipping", "cart", "pay", "payment", "credit card", "refund", "order", "address", "phone", "price", "sell",
    "gift card", "gift cards", "instagram", "facebook",
)

# English words dropped before matching: they carry no intent ("how many points do I have" ->
# "points"). Phrases lose them too, so "become a member" still matches "become member".
ENGLISH_STOPWORDS = frozenset("""
a an the my me mine i im you your youre u we our us it its is are am was be been do does did can could would will
please pls plz to of for on in at with and or how what whats where when which many much have has get got see show
check tell want wanna like need let know this that there any some all just hi hello hey thanks thank thx ok okay
again speak switch change now current currently left still by from about into use using
""".split())

# Chinese words dropped before matching: "我的會員卡" is "會員卡", "查一下點數" is "查點數".
CHINESE_INNER_FILLERS: tuple[str, ...] = ("我的", "你的", "您的", "一下", "的")

# Words that do not count against a match when they surround it: politeness, question words,
# pronouns, time words ("請問我目前還有多少點數呢" is a plain points question).
LEFTOVER_FILLERS: tuple[str, ...] = (
    "請問", "請", "麻煩", "我想要", "我想", "我要", "想要", "想", "要", "查詢", "查", "看看", "看", "給我", "給",
    "幫我", "幫", "可以", "能", "嗎", "呢", "喔", "哦", "啊", "吧", "了", "呀", "啦", "你好", "您好", "哈囉", "嗨",
    "謝謝", "感謝", "在哪裡", "在哪", "哪裡", "哪些", "哪個", "什麼", "甚麼", "是", "有沒有", "沒有", "有", "多少",
    "幾", "怎麼", "怎樣", "如何", "目前", "現在", "還", "剩", "我", "你們", "你", "您", "這個", "那個", "訊息",
    "好嗎", "再", "出示", "顯示", "用", "和", "跟", "或", "最近", "本月", "這個月", "切換", "說", "講", "輸入", "設定",
    "會員", "語言", "介面", "不好意思", "打擾了", "打擾", "先謝謝", "謝謝你", "謝謝您", "想請問", "想問",
    "問一下", "請教", "想請教", "麻煩你", "麻煩您", "拜託", "messages", "message", "enter", "set", "up", "member", "membership", "language",
)
